import t from 'tap';
import { AgentError } from '../../common/errors.ts';
import { backoffMs, retryAfter, retryStep, RETRYABLE_CODES } from '../../zk-bootstrap/retry-plan.ts';

const zk = (code: string) => new AgentError(code, `${code} from the ensemble`);

t.test('back-off: 250 ms doubling per failed attempt, capped at 5 s', async (t) => {
  const rows = [
    { name: 'first failure', attempt: 0, ms: 250 },
    { name: 'second', attempt: 1, ms: 500 },
    { name: 'third', attempt: 2, ms: 1000 },
    { name: 'fifth', attempt: 4, ms: 4000 },
    { name: 'sixth hits the cap', attempt: 5, ms: 5000 },
    { name: 'far on stays at the cap', attempt: 40, ms: 5000 },
  ];
  for (const row of rows) t.equal(backoffMs(row.attempt), row.ms, row.name);
});

t.test('retries transient ZooKeeper failures while the back-off ends by the deadline, else gives up', async (t) => {
  const rows: { name: string; error: unknown; attempt: number; nowMs: number; deadlineMs: number; kind: string; sleepMs?: number }[] = [
    ...[...RETRYABLE_CODES].map((code) => ({
      name: `${code} is transient`,
      error: zk(code),
      attempt: 0,
      nowMs: 0,
      deadlineMs: 10_000,
      kind: 'retry',
      sleepMs: 250,
    })),
    { name: 'NO_AUTH gives up at once (a wrong secret never heals)', error: zk('ZK_NO_AUTH'), attempt: 0, nowMs: 0, deadlineMs: 10_000, kind: 'give-up' },
    { name: 'RECONFIG_DISABLED gives up at once', error: zk('ZK_RECONFIG_DISABLED'), attempt: 0, nowMs: 0, deadlineMs: 10_000, kind: 'give-up' },
    { name: 'a bug (not an AgentError) gives up at once', error: new TypeError('x is undefined'), attempt: 0, nowMs: 0, deadlineMs: 10_000, kind: 'give-up' },
    {
      name: 'a back-off that ends exactly at the deadline is still taken',
      error: zk('ZK_UNREACHABLE'),
      attempt: 2,
      nowMs: 9_000,
      deadlineMs: 10_000,
      kind: 'retry',
      sleepMs: 1000,
    },
    {
      name: 'a back-off that would end 1 ms past the deadline is not',
      error: zk('ZK_UNREACHABLE'),
      attempt: 2,
      nowMs: 9_001,
      deadlineMs: 10_000,
      kind: 'give-up',
    },
    { name: 'the later attempt sleeps longer', error: zk('ZK_RECONFIG_IN_PROGRESS'), attempt: 3, nowMs: 0, deadlineMs: 10_000, kind: 'retry', sleepMs: 2000 },
  ];
  for (const row of rows) {
    const retry = retryAfter('promote', row.attempt, row.error, row.nowMs, row.deadlineMs);
    t.equal(retry.kind, row.kind, row.name);
    if (retry.kind === 'retry') t.match(retry, { attempt: row.attempt + 1, sleepMs: row.sleepMs }, `${row.name}: next attempt and sleep`);
  }
});

t.test('a run of failures is logged on the first and every tenth attempt, not on each', async (t) => {
  const logged = Array.from({ length: 25 }, (_, attempt) => retryAfter('leave', attempt, zk('ZK_UNREACHABLE'), 0, Number.MAX_SAFE_INTEGER))
    .map((retry, attempt) => (retry.kind === 'retry' && retry.notes.length > 0 ? attempt : undefined))
    .filter((attempt) => attempt !== undefined);
  t.same(logged, [0, 10, 20]);
  const first = retryAfter('leave', 0, zk('ZK_UNREACHABLE'), 0, 10_000);
  t.match(first.kind === 'retry' && first.notes[0], {
    level: 'warn',
    event: 'zk-bootstrap.retry',
    fields: { what: 'leave', code: 'ZK_UNREACHABLE', attempt: 0, retryMs: 250 },
  });
});

t.test("a retry step carries the next attempt into state and action; giving up fails with the call's own error", async (t) => {
  const again = (attempt: number) => ({ state: { attempt }, action: 'read' });
  t.match(retryStep('x', 1, zk('ZK_TIMEOUT'), 0, 10_000, again), { kind: 'act', state: { attempt: 2 }, action: 'read', sleepMs: 500 });
  const refused = zk('ZK_NO_AUTH');
  const step = retryStep('x', 1, refused, 0, 10_000, again);
  t.equal(step.kind === 'fail' && step.error, refused);
});
