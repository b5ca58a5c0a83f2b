import t from 'tap';
import { main } from '../../peer-finder/main.ts';
import type { Effects, HookOutcome } from '../../peer-finder/effects.ts';
import type { Answer, HookRun } from '../../peer-finder/plan.ts';
import { setLogSink } from '../../common/log.ts';

const KUBELET = 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';
const fqdn = (i: number): string => `zoo-${i}.zk.default.svc.cluster.local`;
const members = (...ordinals: number[]): Answer => ({ kind: 'members', members: ordinals.map(fqdn), detail: 'SRV zk' });

// Effects that replay DNS answers (the last one repeats) on a fake clock; sleeping only advances the clock.
const fake = (answers: Answer[], outcome: HookOutcome = { kind: 'ok', durationMs: 1 }) => {
  const runs: HookRun[] = [];
  const printed: string[] = [];
  let now = 0;
  let lookups = 0;
  const fx: Effects = {
    hostname: () => 'zoo-1',
    addresses: () => [],
    readText: async () => KUBELET,
    discoverer: () => async () => answers[Math.min(lookups++, answers.length - 1)] as Answer,
    runHook: async (hook) => {
      runs.push(hook);
      return outcome;
    },
    sleep: async (ms) => {
      now += ms;
    },
    now: () => now,
    print: (text) => printed.push(text),
  };
  return { fx, runs, printed, lookups: () => lookups };
};

t.beforeEach(() => setLogSink(() => {}));
const ENV = { POD_NAMESPACE: 'default' };

t.test('polls until its own record appears, runs on-start once and returns 0', async (t) => {
  const { fx, runs, lookups } = fake([{ kind: 'not-found', detail: 'NXDOMAIN' }, members(0), members(0, 1)]);
  t.equal(await main(['-on-start="/work-dir/on-start.sh"', '-service=zk'], ENV, fx), 0);
  t.equal(lookups(), 3);
  t.same(
    runs.map((r) => [r.command, r.input]),
    [['"/work-dir/on-start.sh"', `${fqdn(0)}\n${fqdn(1)}\n`]],
  );
});

t.test('fails with HOOK_FAILED (exit 1) when the hook fails', async (t) => {
  const { fx } = fake([members(1)], { kind: 'failed', exitCode: 3, signal: undefined, detail: 'exit code 3' });
  await t.rejects(main(['-on-start=x', '-service=zk'], ENV, fx), { code: 'HOOK_FAILED', exitCode: 1, context: { exitCode: 3, command: 'x' } });
});

t.test('fails with PEERS_TIMEOUT (exit 1) when -timeout passes first', async (t) => {
  const { fx, lookups } = fake([members(0)]);
  await t.rejects(main(['-on-start=x', '-service=zk', '-timeout=5s'], ENV, fx), { code: 'PEERS_TIMEOUT', exitCode: 1 });
  t.equal(lookups(), 6, 'one lookup per poll period until the deadline');
});

t.test('keeps running on-change as a sidecar until stopped', async (t) => {
  const { fx, runs } = fake([members(0, 1), members(0, 1), members(0, 1, 2), { kind: 'error', detail: 'down' }]);
  // The last answer repeats forever: sleep throws once the fake clock passes 10 s, which ends the loop.
  const stopped = main(['-on-start=s', '-on-change=c', '-service=zk', '-timeout=1s'], ENV, {
    ...fx,
    sleep: async (ms) => {
      await fx.sleep(ms);
      if (fx.now() > 10_000) throw new Error('stop');
    },
  });
  await t.rejects(stopped, { message: 'stop' });
  t.same(
    runs.map((r) => r.which),
    ['on-start', 'on-change'],
  );
});

t.test('prints help and exits 0 without reading anything', async (t) => {
  const { fx, printed, lookups } = fake([]);
  t.equal(await main(['--help'], {}, fx), 0);
  t.match(printed.join(''), /Usage: peer-finder/);
  t.equal(lookups(), 0);
});

t.test('refuses bad flags with CONFIG_INVALID (exit 2) before any lookup', async (t) => {
  const { fx, lookups } = fake([]);
  await t.rejects(main(['-on-start=x', '-service=zk', '-nope'], ENV, fx), { code: 'CONFIG_INVALID', exitCode: 2 });
  t.equal(lookups(), 0);
});
