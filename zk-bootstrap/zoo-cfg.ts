// zoo.cfg and zoo.cfg.dynamic text in ZooKeeper's format, and the few facts read back from them. Pure.
import { serverLineFromText, type MemberRole, type ServerLine } from '../common/zk-4lw-parse.ts';
import type { Config, Ports } from './config.ts';

export const zooCfgPath = (config: Pick<Config, 'confDir'>): string => `${config.confDir}/zoo.cfg`;
export const dynamicCfgPath = (config: Pick<Config, 'confDir'>): string => `${config.confDir}/zoo.cfg.dynamic`;

// `server.<id>=<address>:<quorum>:<election>:<role>;<clientAddress>:<clientPort>` (3.5+ syntax).
export const serverSpec = (id: number, address: string, ports: Ports, role: MemberRole, clientAddress: string): string =>
  `server.${id}=${address}:${ports.quorum}:${ports.election}:${role};${clientAddress}:${ports.client}`;

/** This member's own server line, from the config. */
export const ownSpec = (config: Pick<Config, 'myid' | 'ports' | 'clientAddress'>, address: string, role: MemberRole): string =>
  serverSpec(config.myid, address, config.ports, role, config.clientAddress);

const idOf = (line: string): number | undefined => {
  const m = /^\s*server\.(\d+)\s*=/.exec(line);
  return m ? Number(m[1]) : undefined;
};

// A dynamic file: the server lines of `membership` (the /zookeeper/config text, verbatim, version dropped: a
// dynamic file with `version=` is a ConfigException) minus `dropId`, plus `add`, sorted by id.
export const dynamicFileText = (membership: string, options: { readonly dropId?: number; readonly add?: string } = {}): string => {
  const lines = membership
    .split('\n')
    .map((l) => l.trim())
    // Only lines that are well-formed server lines: the text comes from the ensemble and is written verbatim.
    .filter((l) => idOf(l) !== undefined && idOf(l) !== options.dropId && serverLineFromText(l) !== undefined && /^[\x20-\x7e]+$/.test(l) && !l.includes('\\'));
  if (options.add) lines.push(options.add);
  return lines.sort((a, b) => (idOf(a) as number) - (idOf(b) as number)).join('\n') + '\n';
};

// The value of `key` in a properties-style file (last occurrence wins, as java.util.Properties reads it).
export const propertyValue = (text: string, key: string): string | undefined => {
  let value: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*([^#!=\s][^=\s]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && m[1] === key) value = m[2];
  }
  return value;
};

/** The server lines of a dynamic or static config text. */
export const serverLines = (text: string): ServerLine[] =>
  text
    .split('\n')
    .map(serverLineFromText)
    .filter((s): s is ServerLine => s !== undefined)
    .sort((a, b) => a.id - b.id);

// The settings both modes share, sorted by key so that re-runs are byte-identical.
const commonSettings = (config: Config): Array<[string, string]> => {
  const z = config.zoo;
  const settings: Array<[string, string]> = [
    ['4lw.commands.whitelist', z.fourLetterWords.join(',')],
    ['admin.enableServer', String(z.adminServer)],
    ['autopurge.purgeInterval', String(z.purgeInterval)],
    ['autopurge.snapRetainCount', String(z.snapRetainCount)],
    ['dataDir', config.dataDir],
    ['initLimit', String(z.initLimit)],
    ['maxClientCnxns', String(z.maxClientCnxns)],
    // Binding 2888/3888 must not depend on resolving the pod's own name (not-ready pods may lack DNS).
    ['quorumListenOnAllIPs', 'true'],
    ['syncLimit', String(z.syncLimit)],
    ['tickTime', String(z.tickTime)],
  ];
  if (config.dataLogDir) settings.push(['dataLogDir', config.dataLogDir]);
  return settings.sort(([a], [b]) => a.localeCompare(b));
};

// zoo.cfg for dynamic mode: membership lives in `dynamicFile`, which ZooKeeper replaces after each reconfig.
export const dynamicZooCfgText = (config: Config, dynamicFile: string = dynamicCfgPath(config)): string =>
  [
    '# Written by zk-bootstrap (dynamic mode). ZooKeeper rewrites this file and the dynamic file after every reconfig.',
    ...commonSettings(config).map(([k, v]) => `${k}=${v}`),
    // Both are needed to grow from one server by reconfig (with standaloneEnabled=true one server runs standalone).
    'reconfigEnabled=true',
    'standaloneEnabled=false',
    ...config.zoo.extra,
    `dynamicConfigFile=${dynamicFile}`,
  ].join('\n') + '\n';

// zoo.cfg for static mode: every server listed, no reconfig, rewritten identically on every start.
export const staticZooCfgText = (config: Config, servers: readonly string[]): string =>
  [
    '# Written by zk-bootstrap (static mode) on every start: every server is listed, membership never changes at run time.',
    ...commonSettings(config).map(([k, v]) => `${k}=${v}`),
    'reconfigEnabled=false',
    ...config.zoo.extra,
    ...[...servers].sort((a, b) => (idOf(a) as number) - (idOf(b) as number)),
  ].join('\n') + '\n';

// Static mode's server list: ZOO_SERVERS as given, else <set>-<i>.<domain> for i < replicas.
export const staticServerList = (config: Config): string[] => {
  if (config.zoo.staticServers.length > 0) return [...config.zoo.staticServers];
  return Array.from({ length: config.replicas ?? 0 }, (_, i) =>
    serverSpec(i + (config.myid - config.pod.ordinal), `${config.pod.setName}-${i}.${config.domain}`, config.ports, 'participant', config.clientAddress),
  );
};
