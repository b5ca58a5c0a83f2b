import t from 'tap';
import { AgentError } from '../../common/errors.ts';
import { readConfig } from '../../zk-bootstrap/config.ts';
import type { VolumeFacts } from '../../zk-bootstrap/start-plan.ts';
import {
  planRepair,
  planLeave,
  promoteStart,
  promoteStep,
  leaveStart,
  leaveStep,
  type PromoteSeen,
  type PromoteState,
  type LeaveSeen,
  type LeaveState,
} from '../../zk-bootstrap/membership-plan.ts';

const P = (id: number, role = 'participant', client = '0.0.0.0:2181') => `server.${id}=zoo-${id - 1}.zk:2888:3888:${role};${client}`;
const config = (...lines: string[]) => [...lines, 'version=100000009'].join('\n');

t.test('repair: nothing when listed as wanted, reconfig -add otherwise', async (t) => {
  const rows = [
    { name: 'already a participant', wanted: P(2), committed: config(P(1), P(2)), kind: 'in-place' },
    { name: 'short client form committed by ZooKeeper', wanted: P(2), committed: config(P(1), P(2, 'participant', '2181')), kind: 'in-place' },
    { name: 'joiner not yet listed', wanted: P(3), committed: config(P(1), P(2)), kind: 'add' },
    { name: 'observer to promote', wanted: P(3), committed: config(P(1), P(2), P(3, 'observer')), kind: 'add' },
    { name: 'configured observer listed as observer', wanted: P(3, 'observer'), committed: config(P(1), P(3, 'observer')), kind: 'in-place' },
    { name: 'port changed', wanted: P(2), committed: config(P(1), P(2).replace(':2888:', ':2999:')), kind: 'add' },
  ];
  for (const row of rows) {
    const step = planRepair(row.wanted, row.committed);
    t.equal(step.kind, row.kind, row.name);
    if (step.kind === 'add') t.equal(step.spec, row.wanted, `${row.name}: spec`);
  }
});

t.test('leave: remove unless absent, the last voter, or pod 0 (which lingers)', async (t) => {
  const rows = [
    { name: 'one of three', myid: 3, ordinal: 2, committed: config(P(1), P(2), P(3)), kind: 'remove' },
    { name: 'the last voting member stays', myid: 2, ordinal: 1, committed: config(P(2)), kind: 'stay' },
    { name: 'last voter with observers stays', myid: 1, ordinal: 0, committed: config(P(1), P(2, 'observer')), kind: 'stay' },
    { name: 'an observer leaves', myid: 2, ordinal: 1, committed: config(P(1), P(2, 'observer')), kind: 'remove' },
    { name: 'an observer pod 0 leaves too', myid: 1, ordinal: 0, committed: config(P(1, 'observer'), P(2)), kind: 'remove' },
    { name: 'already gone', myid: 4, ordinal: 3, committed: config(P(1), P(2)), kind: 'stay' },
    { name: 'pod 0 with other voters lingers', myid: 1, ordinal: 0, committed: config(P(1), P(2), P(3)), kind: 'linger' },
  ];
  for (const row of rows) t.equal(planLeave(row.myid, row.ordinal, row.committed).kind, row.kind, row.name);
});

// The steps around those decisions, on an injected clock: -wait-timeout=10s from 0, so the deadline is 10,000.
const configOf = (hostname: string, command: 'run' | 'leave', ...argv: string[]) =>
  readConfig(
    [command, '-wait-timeout=10s', '-leave-settle=3s', ...argv, ...(command === 'run' ? ['--', 'java'] : [])],
    { HOSTNAME: hostname, ZK_SUPER_SECRET: 'x' },
    { hostname: 'vm' },
  );
const committedAs = (...lines: string[]) => ({ text: config(...lines), version: '100000009' });
const zkError = (code: string) => new AgentError(code, `${code} from the ensemble`);

t.test('promote: waits for sync, then keeps a voter as it is or adds it as a participant through the others', async (t) => {
  const run = configOf('zoo-2', 'run');
  const { state: start, action: first } = promoteStart(run, 'zoo-2.zk', 0);
  t.match(first, { kind: 'check-serving', host: '127.0.0.1', port: 2181 }, 'asks the local server first');
  t.equal(start.wanted, P(3), 'wants its own line with -role');
  const polled: PromoteState = { ...start, polls: 3 };
  const rows: { name: string; state?: PromoteState; seen: PromoteSeen; nowMs?: number; step: object; events: string[] }[] = [
    {
      name: 'not serving yet: polls again in 200 ms, says so once',
      seen: { kind: 'serving', mode: undefined },
      step: { kind: 'act', action: { kind: 'check-serving' }, sleepMs: 200, state: { polls: 1 } },
      events: ['zk-bootstrap.waiting'],
    },
    {
      name: 'still not serving: no second line',
      state: polled,
      seen: { kind: 'serving', mode: undefined },
      nowMs: 10_000,
      step: { kind: 'act', sleepMs: 200, state: { polls: 4 } },
      events: [],
    },
    {
      name: 'not serving past the deadline: ZK_NOT_SERVING',
      state: polled,
      seen: { kind: 'serving', mode: undefined },
      nowMs: 10_001,
      step: { kind: 'fail', error: { code: 'ZK_NOT_SERVING', context: { address: '127.0.0.1:2181' } } },
      events: [],
    },
    {
      name: 'serving (synced): reads the committed config locally',
      seen: { kind: 'serving', mode: 'follower' },
      step: { kind: 'act', action: { kind: 'read-committed', connectString: '127.0.0.1:2181' }, sleepMs: 0 },
      events: [],
    },
    {
      name: 'already a voter: done, nothing changed',
      seen: { kind: 'committed', config: committedAs(P(1), P(2), P(3)) },
      step: { kind: 'done' },
      events: ['zk-bootstrap.member'],
    },
    {
      name: 'an observer: reconfig -add as participant, through the other members only',
      seen: { kind: 'committed', config: committedAs(P(1), P(2), P(3, 'observer')) },
      step: { kind: 'act', action: { kind: 'reconfig', connectString: 'zoo-0.zk:2181,zoo-1.zk:2181', joining: P(3) } },
      events: ['zk-bootstrap.reconfig'],
    },
    {
      name: 'not listed: reconfig -add',
      seen: { kind: 'committed', config: committedAs(P(1), P(2)) },
      step: { kind: 'act', action: { kind: 'reconfig', joining: P(3) } },
      events: ['zk-bootstrap.reconfig'],
    },
    {
      name: 'the read-back lists it: done',
      seen: { kind: 'reconfigured', config: committedAs(P(1), P(2), P(3)) },
      step: { kind: 'done' },
      events: ['zk-bootstrap.member'],
    },
    {
      name: 'the read-back still lacks it: retried as ZK_TIMEOUT from the read',
      seen: { kind: 'reconfigured', config: committedAs(P(1), P(2), P(3, 'observer')) },
      step: { kind: 'act', action: { kind: 'read-committed', connectString: '127.0.0.1:2181' }, sleepMs: 250, state: { attempt: 1 } },
      events: ['zk-bootstrap.retry'],
    },
    {
      name: 'a reconfig in progress: retried after the back-off',
      seen: { kind: 'failed', error: zkError('ZK_RECONFIG_IN_PROGRESS') },
      step: { kind: 'act', action: { kind: 'read-committed' }, sleepMs: 250 },
      events: ['zk-bootstrap.retry'],
    },
    {
      name: 'a wrong secret: fails with ZK_NO_AUTH at once',
      seen: { kind: 'failed', error: zkError('ZK_NO_AUTH') },
      step: { kind: 'fail', error: { code: 'ZK_NO_AUTH' } },
      events: [],
    },
    {
      name: 'unreachable with no time left for the back-off: gives up',
      seen: { kind: 'failed', error: zkError('ZK_UNREACHABLE') },
      nowMs: 9_800,
      step: { kind: 'fail', error: { code: 'ZK_UNREACHABLE' } },
      events: [],
    },
  ];
  for (const row of rows) {
    const step = promoteStep(run, row.state ?? start, row.seen, row.nowMs ?? 0);
    t.match(step, row.step, row.name);
    t.same(
      step.notes.map((n) => n.event),
      row.events,
      `${row.name}: logged`,
    );
  }
});

t.test('leave: the last voter stays, others are removed through the local server, a non-member does nothing', async (t) => {
  const volume: VolumeFacts = { myid: '3\n', hasTxnData: true, zooCfg: undefined, currentDynamic: config(P(1), P(2), P(3)), ownDynamic: undefined };
  const pod2 = configOf('zoo-2', 'leave');
  const pod0 = configOf('zoo-0', 'leave');
  const { state: start, action: first } = leaveStart(pod2, volume, 0);
  t.same(
    first,
    { kind: 'read-committed', connectString: '127.0.0.1:2181,zoo-0.zk:2181,zoo-1.zk:2181' },
    'its own server first, then the members its files list',
  );
  const lingering: LeaveState = { ...start, round: 1, quiet: { version: '100000009', since: 0 } };
  const rows: { name: string; who?: typeof pod2; state?: LeaveState; seen: LeaveSeen; nowMs?: number; step: object; events: string[] }[] = [
    {
      name: 'a member among voters: removed through its own server',
      seen: { kind: 'committed', config: committedAs(P(1), P(2), P(3)) },
      step: { kind: 'act', action: { kind: 'remove', connectString: '127.0.0.1:2181', id: 3 } },
      events: ['zk-bootstrap.leave'],
    },
    {
      name: 'the last voter stays',
      seen: { kind: 'committed', config: committedAs(P(3), P(1, 'observer')) },
      step: { kind: 'done' },
      events: ['zk-bootstrap.leave'],
    },
    {
      name: 'not a member: nothing to do',
      seen: { kind: 'committed', config: committedAs(P(1), P(2)) },
      step: { kind: 'done' },
      events: ['zk-bootstrap.leave'],
    },
    {
      name: 'the read-back no longer lists it: left',
      seen: { kind: 'removed', config: committedAs(P(1), P(2)) },
      step: { kind: 'done' },
      events: ['zk-bootstrap.left'],
    },
    {
      name: 'the read-back still lists it: retried as ZK_TIMEOUT',
      seen: { kind: 'removed', config: committedAs(P(1), P(2), P(3)) },
      step: { kind: 'act', action: { kind: 'read-committed' }, sleepMs: 250, state: { attempt: 1 } },
      events: ['zk-bootstrap.retry'],
    },
    {
      name: 'no quorum: retried',
      seen: { kind: 'failed', error: zkError('ZK_NEW_CONFIG_NO_QUORUM') },
      step: { kind: 'act', action: { kind: 'read-committed' }, sleepMs: 250 },
      events: ['zk-bootstrap.retry'],
    },
    {
      name: 'reconfig disabled: fails at once',
      seen: { kind: 'failed', error: zkError('ZK_RECONFIG_DISABLED') },
      step: { kind: 'fail', error: { code: 'ZK_RECONFIG_DISABLED' } },
      events: [],
    },
    {
      name: 'pod 0 with other voters lingers, says so in its first round',
      who: pod0,
      seen: { kind: 'committed', config: committedAs(P(1), P(2), P(3)) },
      step: { kind: 'act', action: { kind: 'read-committed' }, sleepMs: 250, state: { round: 1, quiet: { since: 0 } } },
      events: ['zk-bootstrap.leave'],
    },
    {
      name: 'pod 0 lingering: quiet later rounds',
      who: pod0,
      state: lingering,
      seen: { kind: 'committed', config: committedAs(P(1), P(2), P(3)) },
      nowMs: 2_999,
      step: { kind: 'act', state: { round: 2, quiet: { since: 0 } } },
      events: [],
    },
    {
      name: 'pod 0: a changed config restarts the quiet period',
      who: pod0,
      state: lingering,
      seen: { kind: 'committed', config: { ...committedAs(P(1), P(2)), version: '10000000a' } },
      nowMs: 2_999,
      step: { kind: 'act', state: { quiet: { version: '10000000a', since: 2_999 } } },
      events: [],
    },
    {
      name: 'pod 0: the config quiet for -leave-settle stops as a voter',
      who: pod0,
      state: lingering,
      seen: { kind: 'committed', config: committedAs(P(1), P(2), P(3)) },
      nowMs: 3_000,
      step: { kind: 'done' },
      events: ['zk-bootstrap.leave'],
    },
    {
      name: 'pod 0: past the deadline it stops lingering',
      who: pod0,
      state: { ...lingering, quiet: { version: '1', since: 9_000 } },
      seen: { kind: 'committed', config: { ...committedAs(P(1), P(2)), version: '1' } },
      nowMs: 10_001,
      step: { kind: 'done' },
      events: [],
    },
  ];
  for (const row of rows) {
    const step = leaveStep(row.who ?? pod2, row.state ?? start, row.seen, row.nowMs ?? 0);
    t.match(step, row.step, row.name);
    t.same(
      step.notes.map((n) => n.event),
      row.events,
      `${row.name}: logged`,
    );
  }
});
