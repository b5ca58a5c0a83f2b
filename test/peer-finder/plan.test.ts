import t from 'tap';
import { configOf as readConfig } from './fixtures/read-config.ts';
import { initialState, nextStep, lookupBudgetMs, REMIND_EVERY_MS, type Answer, type State, type Step } from '../../peer-finder/plan.ts';

const KUBELET = 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';
const configOf = (...argv: string[]) =>
  readConfig(['-service=zk', ...argv], { POD_NAMESPACE: 'default' }, { hostname: 'zoo-1', resolvConf: KUBELET, addresses: [] });
const fqdn = (i: number): string => `zoo-${i}.zk.default.svc.cluster.local`;
const members = (...ordinals: number[]): Answer => ({
  kind: 'members',
  members: ordinals.map(fqdn),
  detail: 'SRV zk.default.svc.cluster.local. via udp @10.96.0.10',
});
const NXDOMAIN: Answer = { kind: 'not-found', detail: 'SRV: NXDOMAIN for zk.default.svc.cluster.local.' };
const SERVFAIL: Answer = { kind: 'error', detail: 'servfail: SRV zk.default.svc.cluster.local. @10.96.0.10:53: SERVFAIL' };

// Feed answers one second apart; return every step.
const rounds = (config: ReturnType<typeof configOf>, answers: readonly Answer[], state: State = initialState(0), stepMs = 1000): Step[] => {
  const steps: Step[] = [];
  answers.forEach((answer, i) => {
    const step = nextStep(config, state, answer, (i + 1) * stepMs);
    steps.push(step);
    state = step.state;
  });
  return steps;
};
const kinds = (steps: readonly Step[]): string[] => steps.map((s) => s.kind);
const noted = (steps: readonly Step[]): (string | undefined)[] => steps.map((s) => s.note?.event);

t.test('waits while its own name is missing from the SRV answer, and says so once', async (t) => {
  const steps = rounds(configOf('-on-start=x'), [members(0), members(0), members(0)]);
  t.same(kinds(steps), ['wait', 'wait', 'wait']);
  t.same(noted(steps), ['peer-finder.self-not-found', undefined, undefined]);
  t.match(steps[0]?.note?.fields, { self: fqdn(1), count: 1, retryMs: 1000 });
});

t.test('waits through NXDOMAIN before the first pod and logs it once', async (t) => {
  const steps = rounds(configOf('-on-start=x'), [NXDOMAIN, NXDOMAIN, members(0, 1)]);
  t.same(kinds(steps), ['wait', 'wait', 'run']);
  t.same(noted(steps), ['peer-finder.no-members-yet', undefined, 'peer-finder.peers-updated']);
});

t.test('runs on-start once it sees itself, with the sorted list and a final newline, then is done', async (t) => {
  const steps = rounds(configOf('-on-start="/work-dir/on-start.sh"'), [members(0), members(1, 0)]);
  const run = steps[1];
  if (run?.kind !== 'run') return t.fail('expected a run');
  t.equal(run.hook.which, 'on-start');
  t.equal(run.hook.command, '"/work-dir/on-start.sh"');
  t.equal(run.hook.input, `${fqdn(0)}\n${fqdn(1)}\n`);
  t.match(run.hook.env, { PEER_FINDER_EVENT: 'start', PEER_FINDER_SELF: fqdn(1), PEER_FINDER_MEMBER_COUNT: '2', PEER_FINDER_ORDINAL: '1' });
  t.equal(run.final, true, 'no -on-change: exit after on-start');
});

t.test('sees growth from 1 to 3 members: the hook runs only once its own record exists', async (t) => {
  const steps = rounds(configOf('-on-start=start', '-on-change=change'), [members(0), members(0, 1), members(0, 1, 2)]);
  t.same(kinds(steps), ['wait', 'run', 'run']);
  const [, first, second] = steps;
  t.match(first, { kind: 'run', final: false, hook: { which: 'on-start', command: 'start' } });
  t.match(second, {
    kind: 'run',
    final: false,
    hook: { which: 'on-change', command: 'change', input: `${fqdn(0)}\n${fqdn(1)}\n${fqdn(2)}\n`, env: { PEER_FINDER_EVENT: 'change' } },
  });
  t.match(second?.note?.fields, { added: fqdn(2), removed: '' });
});

t.test('runs on-change with the whole list after a scale from 3 to 5 and back to 3', async (t) => {
  const steps = rounds(configOf('-on-start=start', '-on-change=change'), [members(0, 1, 2), members(0, 1, 2), members(0, 1, 2, 3, 4), members(0, 1, 2)]);
  t.same(kinds(steps), ['run', 'wait', 'run', 'run']);
  t.equal(steps[1]?.note, undefined, 'an unchanged set is not logged');
  t.equal(steps[2]?.kind === 'run' && steps[2].hook.env['PEER_FINDER_MEMBER_COUNT'], '5');
  t.match(steps[3]?.note?.fields, { removed: `${fqdn(3)},${fqdn(4)}` });
});

t.test('with only -on-change, runs it at start and keeps going', async (t) => {
  const [step] = rounds(configOf('-on-change=change'), [members(0, 1)]);
  t.match(step, { kind: 'run', final: false, hook: { which: 'on-change', command: 'change', env: { PEER_FINDER_EVENT: 'start' } } });
});

t.test('does not run on-change when the new set lacks this pod', async (t) => {
  const steps = rounds(configOf('-on-start=s', '-on-change=c'), [members(0, 1), members(0)]);
  t.same(kinds(steps), ['run', 'wait']);
  t.equal(steps[1]?.note?.event, 'peer-finder.self-not-found');
});

t.test('warns about a DNS failure once, and notes recovery to the same set once', async (t) => {
  const steps = rounds(configOf('-on-start=s', '-on-change=c'), [members(0, 1), SERVFAIL, SERVFAIL, members(0, 1), members(0, 1)]);
  t.same(kinds(steps), ['run', 'wait', 'wait', 'wait', 'wait']);
  t.same(noted(steps), ['peer-finder.peers-updated', 'peer-finder.lookup-failed', undefined, 'peer-finder.members-unchanged', undefined]);
  t.equal(steps[1]?.note?.level, 'warn');
});

t.test('logs a new line when the member set changes while it still waits for itself', async (t) => {
  const steps = rounds(configOf('-on-start=s'), [members(0), members(0, 2)]);
  t.same(noted(steps), ['peer-finder.self-not-found', 'peer-finder.self-not-found']);
});

t.test('reminds that it is still waiting once a minute, not every poll', async (t) => {
  const answers = Array.from({ length: 130 }, () => members(0));
  const steps = rounds(configOf('-on-start=s'), answers);
  const notes = steps.map((s, i) => (s.note ? i + 1 : 0)).filter(Boolean);
  t.same(notes, [1, 1 + REMIND_EVERY_MS / 1000, 1 + (2 * REMIND_EVERY_MS) / 1000]);
  t.ok(steps[60]?.note?.fields['waitedMs'], 'the reminder says how long');
});

t.test('gives up after -timeout, naming what was missing', async (t) => {
  const rows = [
    { name: 'own name missing', answer: members(0, 2), missing: new RegExp(`this pod \\(${fqdn(1)}\\) among 2 member`) },
    { name: 'no records yet', answer: NXDOMAIN, missing: /any member \(SRV: NXDOMAIN/ },
    { name: 'DNS failing', answer: SERVFAIL, missing: /an answer from DNS \(servfail/ },
  ];
  for (const row of rows) {
    const steps = rounds(configOf('-on-start=s', '-timeout=3s'), [row.answer, row.answer, row.answer]);
    t.same(kinds(steps), ['wait', 'wait', 'timeout'], row.name);
    const last = steps[2];
    t.match(last?.kind === 'timeout' ? last.missing : '', row.missing, row.name);
  }
});

t.test('still runs the hook when its name appears exactly at the deadline', async (t) => {
  t.same(kinds(rounds(configOf('-on-start=s', '-timeout=2s'), [members(0), members(0, 1)])), ['wait', 'run']);
});

t.test('never times out once the first hook has run (a sidecar waits for changes forever)', async (t) => {
  const steps = rounds(configOf('-on-start=s', '-on-change=c', '-timeout=1s'), [members(0, 1), members(0, 1), members(0, 1)]);
  t.same(kinds(steps), ['run', 'wait', 'wait']);
});

t.test('matches its own name case-insensitively and without the root dot', async (t) => {
  const answer: Answer = { kind: 'members', members: ['ZOO-1.ZK.default.svc.cluster.local.'], detail: 'x' };
  t.equal(rounds(configOf('-on-start=s'), [answer])[0]?.kind, 'run');
});

t.test('static members run the hook once and finish even with -on-change', async (t) => {
  const config = readConfig(
    ['-on-start=s', '-on-change=c', '-discovery=static', '-peers=zoo-0,zoo-1'],
    {},
    { hostname: 'zoo-1', resolvConf: undefined, addresses: [] },
  );
  const [step] = rounds(config, [{ kind: 'members', members: ['zoo-1', 'zoo-0'], detail: 'static -peers' }]);
  t.match(step, { kind: 'run', final: true, hook: { input: 'zoo-0\nzoo-1\n', env: { PEER_FINDER_SELF: 'zoo-1' } } });
});

t.test('with A records, finds itself by address', async (t) => {
  const config = readConfig(
    ['-on-start=s', '-service=zk', '-discovery=a'],
    { POD_IP: '10.0.0.12' },
    { hostname: 'c0ffee', resolvConf: undefined, addresses: [] },
  );
  const [step] = rounds(config, [{ kind: 'members', members: ['10.0.0.2', '10.0.0.12'], detail: 'A zk.' }]);
  t.match(step, { kind: 'run', hook: { input: '10.0.0.12\n10.0.0.2\n', env: { PEER_FINDER_SELF: '10.0.0.12', PEER_FINDER_ORDINAL: '' } } });
});

t.test('bounds each lookup and sleep by what is left of -timeout, until the first hook ran', async (t) => {
  const config = configOf('-on-start=s', '-on-change=c', '-timeout=2500ms');
  const rows = [
    { name: 'no -timeout: unbounded', config: configOf('-on-start=s'), state: initialState(0), now: 5000, want: undefined },
    { name: 'at the start: the whole timeout', config, state: initialState(1000), now: 1000, want: 2500 },
    { name: 'later: the rest', config, state: initialState(1000), now: 3000, want: 500 },
    { name: 'past the deadline: nothing', config, state: initialState(0), now: 9000, want: 0 },
    { name: 'after the first hook: unbounded', config, state: { ...initialState(0), lastRun: [fqdn(1)] }, now: 9000, want: undefined },
  ];
  for (const row of rows) t.equal(lookupBudgetMs(row.config, row.state, row.now), row.want, row.name);
  const steps = rounds(config, [members(0), members(0)]);
  t.same(
    steps.map((s) => (s.kind === 'wait' ? s.retryMs : undefined)),
    [1000, 500],
    'the last sleep ends at the deadline',
  );
});

t.test('when the last lookup is cut short at the deadline, the timeout names what the previous one lacked', async (t) => {
  const cut: Answer = { kind: 'cut-short', detail: 'timeout: SRV zk.default.svc.cluster.local. @10.96.0.10:53: cut short by the deadline' };
  const steps = rounds(configOf('-on-start=s', '-timeout=2s'), [members(0), cut]);
  t.same(kinds(steps), ['wait', 'timeout']);
  t.match(steps[1]?.kind === 'timeout' ? steps[1].missing : '', new RegExp(`^this pod \\(${fqdn(1)}\\) among 1 member`));
  const first = rounds(configOf('-on-start=s', '-timeout=1s'), [cut])[0];
  t.match(first?.kind === 'timeout' ? first.missing : '', /an answer from DNS \(timeout: .*cut short/);
});

t.test('logs names left out of the answer once while they stay the same, and again when they change or come back', async (t) => {
  const bad = (names: string[], ...ordinals: number[]): Answer => ({ ...(members(...ordinals) as Extract<Answer, { kind: 'members' }>), rejected: names });
  const steps = rounds(configOf('-on-start=x', '-on-change=y'), [
    bad(['a\nb'], 0),
    bad(['a\nb'], 0),
    bad(['a\nb', 'c\u0000'], 0),
    members(0),
    bad(['a\nb'], 0, 1),
    bad(['a\nb'], 0, 1),
  ]);
  t.same(
    steps.map((s) => s.warning?.event),
    ['peer-finder.names-rejected', undefined, 'peer-finder.names-rejected', undefined, 'peer-finder.names-rejected', undefined],
  );
  t.match(steps[2]?.warning?.fields, { count: 2, names: 'a\nb,c\u0000' });
  t.same(kinds(steps), ['wait', 'wait', 'wait', 'wait', 'run', 'wait'], 'the valid members still count');
});
