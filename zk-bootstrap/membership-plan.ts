// After the server syncs (repair) and before the pod goes away (leave): compare this member with the ensemble's
// committed config and decide the one reconfig, if any. Pure.
import { serverLineFromText, type ServerLine } from '../common/zk-4lw-parse.ts';
import { serverLines } from './zoo-cfg.ts';

export type RepairStep = { readonly kind: 'in-place'; readonly note: string } | { readonly kind: 'add'; readonly spec: string; readonly note: string };

// ZooKeeper commits `;2181` as `;0.0.0.0:2181`.
const clientOf = (line: ServerLine): string => (line.client === undefined ? '' : line.client.includes(':') ? line.client : `0.0.0.0:${line.client}`);

const sameLine = (a: ServerLine, b: ServerLine): boolean =>
  a.address === b.address && a.quorumPort === b.quorumPort && a.electionPort === b.electionPort && a.role === b.role && clientOf(a) === clientOf(b);

// Idempotent: a member listed exactly as it should be needs nothing; otherwise `reconfig -add` its wanted line
// (adding an id that exists replaces its line, which is how an observer becomes a participant).
export const planRepair = (wantedSpec: string, committed: string): RepairStep => {
  const wanted = serverLineFromText(wantedSpec);
  if (!wanted) throw new Error(`bug: not a server line: ${wantedSpec}`);
  const listed = serverLines(committed).find((s) => s.id === wanted.id);
  if (listed && sameLine(listed, wanted)) return { kind: 'in-place', note: `server ${wanted.id} is a ${wanted.role} in the committed config` };
  const why = listed ? `listed as ${listed.role} ${listed.address}:${listed.quorumPort}:${listed.electionPort};${clientOf(listed)}` : 'not in the committed config';
  return { kind: 'add', spec: wantedSpec, note: `server ${wanted.id} is ${why}: adding ${wantedSpec}` };
};

export type LeaveStep =
  | { readonly kind: 'stay'; readonly note: string }
  | { readonly kind: 'linger'; readonly note: string }
  | { readonly kind: 'remove'; readonly id: number; readonly note: string };

// preStop: leave the ensemble, except as its last voting member (removing it is refused, and nobody would be left)
// and except as the first pod (ordinal 0). OrderedReady recreates pod 0 first and creates the next one only once it
// is ready (serving, so in a quorum): after all pods were deleted at once, the one voter left must be pod 0. So
// pod 0 stays a voter and lingers, while other voters remain, until it is the last or the config stops changing.
export const planLeave = (myid: number, ordinal: number, committed: string): LeaveStep => {
  const servers = serverLines(committed);
  const own = servers.find((s) => s.id === myid);
  if (!own) return { kind: 'stay', note: `server ${myid} is not in the committed config: nothing to leave` };
  const voters = servers.filter((s) => s.role === 'participant');
  if (own.role === 'participant' && voters.length === 1) return { kind: 'stay', note: `server ${myid} is the last voting member: it never removes itself` };
  if (ordinal === 0 && own.role === 'participant') return { kind: 'linger', note: `server ${myid} is pod 0: it stays a voter and waits while ${voters.length - 1} other voter(s) may be leaving` };
  return { kind: 'remove', id: myid, note: `removing server ${myid} (${own.role}); ${voters.filter((s) => s.id !== myid).length} voting member(s) remain` };
};

// Which failed ZooKeeper calls are worth another try within the wait deadline.
export const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'ZK_UNREACHABLE',
  'ZK_TIMEOUT',
  'ZK_CONNECTION_LOSS',
  'ZK_SESSION_EXPIRED',
  'ZK_RECONFIG_IN_PROGRESS',
  'ZK_NEW_CONFIG_NO_QUORUM',
  'ZK_BAD_VERSION',
]);
