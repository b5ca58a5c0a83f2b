// What zk-bootstrap run's /livez, /readyz and /status answer (issue 10), decided from values. The word each check
// sends and the verdict it gives are zk-probe's (common/zk-verdict.ts): an httpGet probe and an exec probe agree.
import type { CheckName } from '../common/health-server.ts';
import type { FourLetterResult, FourLetterWord } from '../common/zk-4lw.ts';
import { confFromText, type MemberRole } from '../common/zk-4lw-parse.ts';
import { liveVerdict, readyFromConf, type Verdict } from '../common/zk-verdict.ts';
import type { Config } from './config.ts';

// live: `ruok`, whatever the quorum (zk-probe live). ready: one `conf`, serving and holding -role (zk-probe ready).
export const healthWord = (check: CheckName): FourLetterWord => (check === 'live' ? 'ruok' : 'conf');

// zk-probe's -role and zk-bootstrap's -role read the same ZK_ROLE with the same default (participant): ready means
// "holds the role run promotes it to", so a joiner still an observer is not ready. zk-probe's `any` has no
// counterpart here: run always knows which role it wants.
export const healthVerdict = (check: CheckName, answer: FourLetterResult, role: MemberRole): Verdict =>
  check === 'live' ? liveVerdict(answer) : readyFromConf(answer, role);

export type Committed = {
  readonly version: string | undefined;
  readonly servers: ReadonlyArray<{ readonly id: number; readonly address: string; readonly role: MemberRole }>;
};

// The committed membership a `conf` answer lists, for /status; undefined when the server did not serve one.
export const committedFromConf = (answer: FourLetterResult): Committed | undefined => {
  if (answer.kind !== 'answer') return undefined;
  const conf = confFromText(answer.text);
  if (conf.kind !== 'conf' || conf.membership.servers.length === 0) return undefined;
  return { version: conf.membership.version, servers: conf.membership.servers.map(({ id, address, role }) => ({ id, address, role })) };
};

// /status: who this member is and what it expects, from config and the last ready check. No secret: the super
// user's password and digest stay out (the endpoint is unauthenticated, reachable from the pod network).
export const healthStatus = (
  config: Pick<Config, 'myid' | 'mode' | 'role' | 'ports'>,
  serverPid: number | undefined,
  committed: Committed | undefined,
): Record<string, unknown> => ({
  agent: 'zk-bootstrap',
  myid: config.myid,
  mode: config.mode,
  role: config.role,
  clientPort: config.ports.client,
  ...(serverPid !== undefined && { serverPid }),
  ...(committed !== undefined && { committed }),
});
