// What to do with the data volume before the broker starts: run as is, format it (and how), or refuse.
// Existing data is never reformatted or deleted: a meta.properties that disagrees with this pod is an error.
import type { Node } from './server-properties.ts';
import type { Endpoint } from '../common/kafka-endpoint.ts';
import { parseProperties } from '../common/java-properties.ts';
import { excerpt } from '../common/log.ts';
import type { StorageRefusal } from './catalogue.ts';

/** One name in a log dir; `children` are read for the one subdirectory a format writes (`__cluster_metadata-0`). */
export type DirEntry = {
  readonly name: string;
  readonly kind: 'file' | 'dir' | 'other';
  readonly children?: readonly string[];
  readonly childrenComplete?: boolean;
};

/** A log dir without meta.properties lists what it holds (a missing dir holds nothing); `complete` is false when
 * there were more entries than the effects read (a full listing of a big volume is never needed to refuse it). */
export type LogDirState =
  | { readonly dir: string; readonly kind: 'unformatted'; readonly entries: readonly DirEntry[]; readonly complete: boolean }
  | { readonly dir: string; readonly kind: 'meta'; readonly text: string };

export type Meta = {
  readonly version: number;
  readonly id: number | undefined;
  readonly clusterId: string | undefined;
  readonly directoryId: string | undefined;
};

export type QuorumFlag = 'none' | 'standalone' | 'no-initial-controllers';

export type StoragePlan =
  | { readonly kind: 'start'; readonly reason: string }
  | { readonly kind: 'format'; readonly quorumFlag: QuorumFlag; readonly reason: string }
  | { readonly kind: 'ask-quorum'; readonly endpoints: readonly Endpoint[] }
  | { readonly kind: 'refuse'; readonly code: StorageRefusal; readonly message: string; readonly dir: string };

/** What one other controller said: the quorum leader it knows (-1: none) and the metadata epoch it has replayed
 * (-1: none), or why it did not answer. */
export type ControllerAnswer =
  { readonly endpoint: string; readonly leaderId: number; readonly metadataEpoch: number } | { readonly endpoint: string; readonly error: string };

// Session failures that mean a listener is there but could not be read: refused credentials, a TLS handshake that
// failed, bytes of another protocol, a connection closed on us (a SASL listener does that to an unauthenticated
// request), or our own PEM files unreadable. That controller may well know a quorum.
const LISTENER_UNREADABLE = new Set(['SASL_FAILED', 'SASL_MECHANISM', 'TLS_FAILED', 'TLS_FILE_UNREADABLE', 'KAFKA_PROTOCOL', 'KAFKA_CLOSED']);

// Whether a quorum exists, from the other controllers' answers. A leader is proof; so is a controller that has
// replayed quorum metadata but knows no leader right now: that is an election (the old leader just died, often
// this very pod, restarting on a wiped volume) or a quorum without a majority, and founding a second quorum then
// would split the cluster. Only controllers that are down or have never seen a quorum (formatted to join one
// that was never founded) leave the first controller free to found it; a controller that answered but could not
// be read (wrong -command-config for a secured controller listener) leaves it unable to tell.
export const quorumExists = (answers: readonly ControllerAnswer[]): { readonly exists: boolean | 'cannot-tell'; readonly detail: string } => ({
  exists:
    answers.some((a) => 'leaderId' in a && (a.leaderId >= 0 || a.metadataEpoch >= 0)) ||
    (answers.some((a) => 'error' in a && LISTENER_UNREADABLE.has(a.error)) ? 'cannot-tell' : false),
  detail: answers.map((a) => ('error' in a ? `${a.endpoint} ${a.error}` : `${a.endpoint} leader=${a.leaderId} metadataEpoch=${a.metadataEpoch}`)).join(', '),
});

// meta.properties as Kafka writes it: version=0 (ZooKeeper mode, broker.id) or version=1 (KRaft, node.id).
export const parseMeta = (text: string): Meta | string => {
  const parsed = parseProperties(text);
  if (!parsed.ok) return `line ${parsed.line}: ${parsed.reason}`;
  const p = parsed.props;
  const version = Number(p.get('version'));
  if (version !== 0 && version !== 1) return `version=${p.get('version') ?? '(missing)'} is not 0 or 1`;
  const idText = version === 0 ? p.get('broker.id') : p.get('node.id');
  const id = idText === undefined ? undefined : Number(idText);
  if (id !== undefined && !Number.isInteger(id)) return `${version === 0 ? 'broker.id' : 'node.id'}=${idText} is not a number`;
  if (version === 1 && (id === undefined || p.get('cluster.id') === undefined)) return 'version=1 needs node.id and cluster.id';
  return { version, id, clusterId: p.get('cluster.id'), directoryId: p.get('directory.id') };
};

// What a log dir may hold and still be formatted. Anything else is somebody's data, even without meta.properties:
// Kafka keeps segments, checkpoints and `__cluster_metadata-0/` beside it, and a lost meta.properties is no
// reason to format over them (issue 8). Allowed:
// - `lost+found`: mkfs puts it at the root of every ext2/3/4 volume;
// - the entrypoint's own server.properties and its temp files, when -config-out lies inside a log dir;
// - what an interrupted StorageTool format leaves: Kafka 3.9/4.x write `bootstrap.checkpoint(.tmp)` and, for a
//   dynamic quorum, `__cluster_metadata-0/` with the bootstrap snapshot at offset 0 *before* meta.properties
//   (`meta.properties.tmp`, renamed last; seen with strace on 4.2.2). They hold no records beyond the format's own,
//   and a second format replaces them, so a pod stopped while formatting is not wedged for good.
const FORMAT_LEFTOVER_FILES = new Set(['bootstrap.checkpoint', 'bootstrap.checkpoint.tmp', 'meta.properties.tmp']);
const BOOTSTRAP_SNAPSHOT = /^0{20}-0{10}(-\d{1,20})?\.checkpoint(\.part)?$/;
export const MAX_LISTED_ENTRIES = 64;

const isHarmless = (e: DirEntry, own: ReadonlySet<string>): boolean => {
  if (e.kind === 'dir' && e.name === 'lost+found') return true;
  if (e.kind === 'file' && (FORMAT_LEFTOVER_FILES.has(e.name) || own.has(e.name))) return true;
  if (e.kind === 'file' && [...own].some((o) => e.name.startsWith(`.${o}.tmp-`))) return true;
  return e.kind === 'dir' && e.name === '__cluster_metadata-0' && e.childrenComplete === true && (e.children ?? []).every((c) => BOOTSTRAP_SNAPSHOT.test(c));
};

// The entries of a log dir that make it not provably empty (directories end in "/"); [] means it may be formatted.
export const strayEntries = (
  state: { readonly entries: readonly DirEntry[]; readonly complete: boolean },
  ownFiles: readonly string[] = [],
): readonly string[] => {
  const own = new Set(ownFiles);
  const stray = state.entries.filter((e) => !isHarmless(e, own)).map((e) => (e.kind === 'dir' ? `${e.name}/` : e.name));
  return [...stray.sort(), ...(state.complete ? [] : ['...'])];
};

// A few names for an error line: escaped, shortened, counted, never the whole listing.
export const namesExcerpt = (names: readonly string[], max = 3): string => {
  const shown = names.slice(0, max).map((n) => excerpt(n, 40));
  return names.length > max ? `${shown.join(', ')} and more` : shown.join(', ');
};

// Files of the entrypoint's own inside `dir` (by name), so a restart after a failed format can format again.
const ownFilesIn = (dir: string, ownFiles: readonly string[]): string[] =>
  ownFiles.filter((f) => f.slice(0, f.lastIndexOf('/')).replace(/\/+$/, '') === dir.replace(/\/+$/, '')).map((f) => f.slice(f.lastIndexOf('/') + 1));

const refuse = (code: StorageRefusal, dir: string, message: string): StoragePlan => ({ kind: 'refuse', code, dir, message });

// Decide for this node. `clusterId` is the one the pods agree on (KRaft), or a given one to check (ZooKeeper mode).
// `quorumExists` is the answer to an earlier 'ask-quorum' step, undefined before it was asked; `ownFiles` are the
// absolute paths the entrypoint writes itself (server.properties), harmless when they sit in a log dir.
export type StorageFacts = { readonly quorumExists?: boolean | 'cannot-tell'; readonly ownFiles?: readonly string[] };

export const storagePlan = (node: Node, clusterId: string | undefined, dirs: readonly LogDirState[], facts: StorageFacts = {}): StoragePlan => {
  const { quorumExists, ownFiles = [] } = facts;
  const expectVersion = node.mode === 'kraft' ? 1 : 0;
  for (const d of dirs) {
    if (d.kind !== 'meta') continue;
    const meta = parseMeta(d.text);
    const file = `${d.dir}/meta.properties`;
    if (typeof meta === 'string')
      return refuse('META_UNREADABLE', d.dir, `${file} cannot be read (${meta}); fix or move the file by hand, the entrypoint never rewrites it`);
    // A migrated broker: Kafka keeps the ZooKeeper-mode meta.properties (version 0, broker.id) of a broker that
    // became a KRaft broker, through finalization and on 4.x. Taken as one only when its cluster id is the one
    // this pod knows (ZooKeeper's during the migration, CLUSTER_ID after it); the id is checked below as always.
    const migratedBroker =
      meta.version === 0 && node.mode === 'kraft' && !node.roles.includes('controller') && clusterId !== undefined && meta.clusterId === clusterId;
    if (meta.version !== expectVersion && !migratedBroker) {
      return refuse(
        'META_WRONG_MODE',
        d.dir,
        `${file} has version=${meta.version}, written in ${meta.version === 0 ? 'ZooKeeper' : 'KRaft'} mode, but this node runs in ${node.mode} mode; migrate the cluster or use a new volume`,
      );
    }
    if (meta.id !== undefined && meta.id !== node.nodeId) {
      return refuse(
        'NODE_ID_MISMATCH',
        d.dir,
        `${file} belongs to ${node.idKey} ${meta.id} but this pod is ${node.nodeId}; attach the pod's own volume or fix the id offset flags (data left untouched)`,
      );
    }
    if (clusterId !== undefined && meta.clusterId !== undefined && meta.clusterId !== clusterId) {
      return refuse(
        'CLUSTER_ID_MISMATCH',
        d.dir,
        `${file} belongs to cluster ${meta.clusterId} but this pod is configured for ${clusterId}; set CLUSTER_ID=${meta.clusterId} or use a new volume (data left untouched)`,
      );
    }
  }
  if (node.mode === 'zookeeper') return { kind: 'start', reason: 'ZooKeeper mode: Kafka writes meta.properties itself' };
  const metadata = dirs.find((d) => d.dir === node.metadataLogDir);
  const formatted = dirs.filter((d) => d.kind === 'meta');
  if (metadata?.kind === 'meta') return { kind: 'start', reason: `metadata log dir ${node.metadataLogDir} is formatted` };
  if (formatted.length > 0) {
    return refuse(
      'METADATA_DIR_LOST',
      node.metadataLogDir,
      `${node.metadataLogDir} has no meta.properties but ${formatted[0]?.dir} is formatted; restore the metadata log dir (the entrypoint will not format over existing data)`,
    );
  }
  for (const d of dirs) {
    if (d.kind !== 'unformatted') continue;
    const stray = strayEntries(d, ownFilesIn(d.dir, ownFiles));
    if (stray.length > 0) {
      return refuse(
        'LOG_DIR_NOT_EMPTY',
        d.dir,
        `log dir ${excerpt(d.dir, 200)} has no meta.properties but is not empty (${namesExcerpt(stray)}); the entrypoint formats only an empty log dir: restore meta.properties, or move the contents away to start this node afresh (volume left untouched)`,
      );
    }
  }
  const isController = node.roles.includes('controller');
  if (node.quorum.kind !== 'dynamic' || !isController) return { kind: 'format', quorumFlag: 'none', reason: 'empty volume' };
  if (!node.quorum.firstController) return { kind: 'format', quorumFlag: 'no-initial-controllers', reason: 'empty volume, joins the existing quorum' };
  if (node.quorum.otherControllers.length > 0 && quorumExists === undefined) return { kind: 'ask-quorum', endpoints: node.quorum.otherControllers };
  if (quorumExists === 'cannot-tell') {
    return refuse(
      'QUORUM_UNKNOWN',
      node.metadataLogDir,
      'another controller answered but no session could be opened on its listener (answers above), so whether a quorum exists is unknown; not founding one: give -command-config the client properties of the controller listener',
    );
  }
  // Never two quorums: the first controller founds one only when no other controller has seen one (quorumExists).
  return quorumExists === true
    ? { kind: 'format', quorumFlag: 'no-initial-controllers', reason: 'empty volume, another controller already has a quorum: rejoin it' }
    : { kind: 'format', quorumFlag: 'standalone', reason: 'empty volume, first controller and no quorum exists: found it' };
};

// The StorageTool arguments for a format plan (`--cluster-id=` form: an id may not be mistaken for an option).
export const formatArgs = (plan: { quorumFlag: QuorumFlag }, clusterId: string, configPath: string, scram: readonly string[] = []): readonly string[] => [
  'format',
  `--cluster-id=${clusterId}`,
  '--config',
  configPath,
  ...(plan.quorumFlag === 'none' ? [] : [`--${plan.quorumFlag}`]),
  ...scram.map((s) => `--add-scram=${s}`),
];

// A command line as logged: SCRAM passwords replaced, the rest as is.
export const redactedCommand = (argv: readonly string[]): string =>
  argv.map((a) => a.replace(/(password|saltedpassword)=[^,\]]*/gi, '$1=[redacted]')).join(' ');
