// planStart: what a member does with its volume before its server starts. Pure: facts in, one step out.
//
// The rules behind it (real-servers-notes.md §2):
// - data on the volume -> start with the files as they are. Regenerating the day-one one-server config on restart
//   made a second leader with diverging data (demonstrated split brain).
// - empty volume -> found a new ensemble only when no other member exists; otherwise join as an observer from the
//   ensemble's current config, or wait. Never a second, empty ensemble beside the real one.
// - a joiner adopts the leader's config, which lacks it until `reconfig -add`: restarted before that, its own files
//   no longer list it (ZooKeeper exits `My id N not in the peer list`), so it re-joins from the ensemble's config.
import { AgentError } from '../common/errors.ts';
import type { Code } from '../common/catalogue.ts';
import type { Config } from './config.ts';
import { dynamicFileText, dynamicZooCfgText, ownSpec, propertyValue, serverLines, staticServerList, staticZooCfgText, dynamicCfgPath } from './zoo-cfg.ts';
import { CODES } from './catalogue.ts';

export type VolumeFacts = {
  /** Text of <dataDir>/myid. */
  readonly myid: string | undefined;
  /** version-2 under the data (or data log) dir holds snapshots or logs. */
  readonly hasTxnData: boolean;
  readonly zooCfg: string | undefined;
  /** Text of the file zoo.cfg's dynamicConfigFile names (ZooKeeper repoints it to zoo.cfg.dynamic.<version>). */
  readonly currentDynamic: string | undefined;
  /** Text of <confDir>/zoo.cfg.dynamic, the file zk-bootstrap writes (it keeps this member's own line). */
  readonly ownDynamic: string | undefined;
};

/** The peer list from peer-finder: this pod's entry and everyone else's. */
export type Peers = { readonly self: string | undefined; readonly others: readonly string[] };

export type EnsembleView =
  { readonly kind: 'config'; readonly text: string; readonly from: string } | { readonly kind: 'unreachable'; readonly tried: string; readonly reason: string };

export type StartInput = {
  readonly config: Config;
  readonly volume: VolumeFacts;
  readonly peers: Peers | undefined;
  readonly ensemble?: EnsembleView | undefined;
};

export type FileWrites = {
  readonly zooCfg: string;
  readonly dynamic?: string;
  readonly myid?: string;
  /** Delete <confDir>/zoo.cfg.dynamic.next: a stale in-flight proposal must not outlive a rejoin. */
  readonly dropNext?: boolean;
};

export type StartStep =
  | { readonly kind: 'refuse'; readonly error: AgentError }
  | {
      readonly kind: 'write';
      readonly why: 'keep' | 'found' | 'join' | 'restore' | 'static';
      readonly files: FileWrites;
      readonly removeFirst?: number;
      readonly note: string;
    }
  | { readonly kind: 'ask-ensemble'; readonly connectString: string; readonly note: string }
  | { readonly kind: 'wait'; readonly waitingFor: 'a-serving-member' | 'another-voter'; readonly note: string };

const refuse = (code: Code, message: string, context: Record<string, string | number> = {}): StartStep => ({
  kind: 'refuse',
  error: new AgentError(code, message, { context }),
});

// This member's address: the flag, its entry in the peer list, the line init wrote, or <hostname>.<domain>.
export const ownAddress = (config: Config, peers: Peers | undefined, volume: VolumeFacts): string | undefined => {
  if (config.address) return config.address;
  if (peers?.self) return peers.self;
  for (const text of [volume.ownDynamic, volume.currentDynamic]) {
    const own = serverLines(text ?? '').find((s) => s.id === config.myid);
    if (own) return own.address;
  }
  return config.domain ? `${config.pod.hostname}.${config.domain}` : undefined;
};

// Where this pod reaches its own server's client port: loopback when it listens on every address.
export const localHost = (config: Pick<Config, 'clientAddress'>): string =>
  ['0.0.0.0', '::', '[::]'].includes(config.clientAddress) ? '127.0.0.1' : config.clientAddress;

// Where to read the ensemble's config from: the other servers of a config text, at their client ports.
export const connectStringOf = (text: string, exceptId: number, fallbackPort: number): string =>
  serverLines(text)
    .filter((s) => s.id !== exceptId)
    .map((s) => `${s.address}:${/(\d+)$/.exec(s.client ?? '')?.[1] ?? fallbackPort}`)
    .join(',');

const staticStep = (config: Config, volume: VolumeFacts): StartStep => {
  if (volume.zooCfg && propertyValue(volume.zooCfg, 'dynamicConfigFile') !== undefined) {
    return refuse(
      CODES.ZK_MODE_MISMATCH,
      `${config.confDir}/zoo.cfg is a dynamic-mode config; static mode will not rewrite a live dynamic ensemble's membership (move the data or use -mode=dynamic)`,
      { file: `${config.confDir}/zoo.cfg` },
    );
  }
  const servers = staticServerList(config);
  if (!servers.some((s) => s.startsWith(`server.${config.myid}=`))) {
    return refuse(
      CODES.ZK_ID_NOT_LISTED,
      `myid ${config.myid} is not among the static servers (${servers.map((s) => s.split('=')[0]).join(', ')}); fix ZOO_SERVERS or -replicas`,
      { myid: config.myid },
    );
  }
  return {
    kind: 'write',
    why: 'static',
    files: { zooCfg: staticZooCfgText(config, servers), myid: `${config.myid}\n` },
    note: `static membership of ${servers.length} servers`,
  };
};

export const planStart = (input: StartInput): StartStep => {
  const { config, volume, peers, ensemble } = input;
  const myidFile = `${config.dataDir}/myid`;
  if (volume.myid !== undefined && volume.myid.trim() !== String(config.myid)) {
    return refuse(
      CODES.ZK_MYID_MISMATCH,
      `${myidFile} holds ${JSON.stringify(volume.myid.trim())} but this pod (${config.pod.hostname}) is server ${config.myid}: this volume belongs to another member; nothing was changed (fix the claim binding or -id-offset)`,
      { file: myidFile, found: volume.myid.trim(), expected: config.myid },
    );
  }
  if (config.mode === 'static') return staticStep(config, volume);

  const initialised = volume.myid !== undefined || volume.hasTxnData;
  const writeMyid = volume.myid === undefined ? { myid: `${config.myid}\n` } : {};
  if (initialised && volume.zooCfg !== undefined && propertyValue(volume.zooCfg, 'dynamicConfigFile') === undefined) {
    return refuse(CODES.ZK_MODE_MISMATCH, `${config.confDir}/zoo.cfg has no dynamicConfigFile: this volume holds a static-mode member; use -mode=static`, {
      file: `${config.confDir}/zoo.cfg`,
    });
  }
  const address = ownAddress(config, peers, volume);
  const noAddress = refuse(
    CODES.ZK_ADDRESS_UNKNOWN,
    `cannot tell this member's address: no peer list, no line for server ${config.myid} on the volume; set -address (env ZK_ADDRESS) or -domain (env ZK_DOMAIN)`,
    {},
  );
  const zooCfg = (dynamicFile: string) => ({ zooCfg: dynamicZooCfgText(config, dynamicFile) });
  const current = volume.currentDynamic ?? '';

  // Data present and this server in its own config: start with the files as they are. Only zoo.cfg's settings
  // are refreshed from the environment; the membership file ZooKeeper chose stays.
  if (initialised && serverLines(current).some((s) => s.id === config.myid)) {
    const dynamicFile = propertyValue(volume.zooCfg ?? '', 'dynamicConfigFile') ?? dynamicCfgPath(config);
    return { kind: 'write', why: 'keep', files: { ...zooCfg(dynamicFile), ...writeMyid }, note: 'data and membership on the volume: starting with them' };
  }

  if (ensemble === undefined) {
    if (!initialised) {
      if (peers === undefined)
        return refuse(CODES.ZK_NOT_INITIALISED, `the volume is empty and there is no peer list: run "zk-bootstrap init" as peer-finder's on-start hook first`, {
          dataDir: config.dataDir,
        });
      if (peers.others.length === 0) {
        if (address === undefined) return noAddress;
        if (config.role === 'observer')
          return refuse(CODES.ZK_OBSERVER_ALONE, 'this member is the only one in DNS but -role=observer: an ensemble needs a participant first', {});
        const own = ownSpec(config, address, 'participant');
        return {
          kind: 'write',
          why: 'found',
          files: { ...zooCfg(dynamicCfgPath(config)), dynamic: dynamicFileText('', { add: own }), ...writeMyid },
          note: `empty volume and no other member in DNS: founding the ensemble as ${own}`,
        };
      }
      const connectString = peers.others.map((p) => `${p}:${config.ports.client}`).join(',');
      return { kind: 'ask-ensemble', connectString, note: `empty volume, ${peers.others.length} other member(s) exist: reading the ensemble's config` };
    }
    const fromFiles = connectStringOf(current || (volume.ownDynamic ?? ''), config.myid, config.ports.client);
    const connectString = fromFiles || (peers?.others ?? []).map((p) => `${p}:${config.ports.client}`).join(',');
    if (connectString === '') {
      return refuse(
        CODES.ZK_NO_ENSEMBLE_KNOWN,
        `data on the volume but server ${config.myid} is not in its config and no other member is known; restore ${config.confDir} or start it with a peer list`,
        { confDir: config.confDir },
      );
    }
    return {
      kind: 'ask-ensemble',
      connectString,
      note: `data on the volume but server ${config.myid} is not in its own config (added late or removed): reading the ensemble's config`,
    };
  }

  if (ensemble.kind === 'unreachable') {
    return {
      kind: 'wait',
      waitingFor: 'a-serving-member',
      note: `other members exist (${ensemble.tried}) but none serves (${ensemble.reason}); not founding a second ensemble`,
    };
  }
  const servers = serverLines(ensemble.text);
  const listed = servers.find((s) => s.id === config.myid);
  if (!servers.some((s) => s.role === 'participant' && s.id !== config.myid)) {
    return { kind: 'wait', waitingFor: 'another-voter', note: `the config read from ${ensemble.from} has no voting member besides server ${config.myid}` };
  }
  if (listed && initialised) {
    return {
      kind: 'write',
      why: 'restore',
      files: { ...zooCfg(dynamicCfgPath(config)), dynamic: dynamicFileText(ensemble.text), dropNext: true, ...writeMyid },
      note: `server ${config.myid} is in the ensemble's config and has data: restoring its config files`,
    };
  }
  if (address === undefined) return noAddress;
  const joining = ownSpec(config, address, 'observer');
  return {
    kind: 'write',
    why: 'join',
    files: { ...zooCfg(dynamicCfgPath(config)), dynamic: dynamicFileText(ensemble.text, { dropId: config.myid, add: joining }), dropNext: true, ...writeMyid },
    // An empty volume never votes: a stale entry (volume lost) is removed first, then re-added after sync.
    ...(listed ? { removeFirst: config.myid } : {}),
    note: listed ? `empty volume but server ${config.myid} is still in the config: removing it, then joining as ${joining}` : `joining as ${joining}`,
  };
};
