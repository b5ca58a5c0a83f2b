import t from 'tap';
import { AgentError } from '../../common/errors.ts';
import { readConfig } from '../../zk-bootstrap/config.ts';
import type { EnsembleView, Peers, VolumeFacts } from '../../zk-bootstrap/start-plan.ts';
import {
  prepareStart,
  prepareStep,
  WAIT_NOTE_EVERY_MS,
  type PrepareAction,
  type PrepareSeen,
  type PrepareState,
  type PrepareStep,
} from '../../zk-bootstrap/prepare-plan.ts';

const DOMAIN = 'zk.default.svc.cluster.local';
const fqdn = (i: number) => `zoo-${i}.${DOMAIN}`;
const line = (id: number, role = 'participant') => `server.${id}=${fqdn(id - 1)}:2888:3888:${role};0.0.0.0:2181`;
const configOf = (hostname: string, ...argv: string[]) => readConfig(['init', ...argv], { HOSTNAME: hostname, ZK_SUPER_SECRET: 'x' }, { hostname: 'vm' });
const peers = (self: number, others: number[]): Peers => ({ self: fqdn(self), others: others.map(fqdn) });
const EMPTY: VolumeFacts = { myid: undefined, hasTxnData: false, zooCfg: undefined, currentDynamic: undefined, ownDynamic: undefined };
const UNREACHABLE: EnsembleView = { kind: 'unreachable', tried: `${fqdn(0)}:2181`, reason: 'ZK_UNREACHABLE' };
const committed = (...lines: string[]): EnsembleView => ({ kind: 'config', text: [...lines, 'version=100000004'].join('\n'), from: `${fqdn(0)}:2181` });

type Trace = { atMs: number; step: PrepareStep };

// The driver's loop with an injected clock: every action answers at once from `world`, sleeping only moves the clock.
const drive = (config: ReturnType<typeof configOf>, who: Peers, world: (action: PrepareAction) => PrepareSeen, limit = 500): Trace[] => {
  let nowMs = 0;
  let { state, action } = prepareStart(config, nowMs);
  const trace: Trace[] = [];
  for (let i = 0; i < limit; i++) {
    const step = prepareStep(config, who, state, world(action), nowMs);
    trace.push({ atMs: nowMs, step });
    if (step.kind !== 'act') return trace;
    ({ state, action } = step);
    nowMs += step.sleepMs;
  }
  throw new Error('no end within the step limit');
};
const nobodyServes = (action: PrepareAction): PrepareSeen => ({
  kind: 'volume',
  volume: EMPTY,
  ...(action.kind === 'ask-ensemble' ? { ensemble: UNREACHABLE } : {}),
});
// The wait steps: a wait reads the volume again after its sleep.
const waits = (trace: readonly Trace[]) => trace.filter((e) => e.step.kind === 'act' && e.step.action.kind === 'read-volume');

t.test('while nobody serves: asks, waits with a growing back-off, and gives up with ZK_ENSEMBLE_UNREACHABLE just past -wait-timeout', async (t) => {
  const trace = drive(configOf('zoo-1', '-wait-timeout=10s'), peers(1, [0]), nobodyServes);
  const last = trace.at(-1) as Trace;
  t.match(last.step, { kind: 'fail', error: { code: 'ZK_ENSEMBLE_UNREACHABLE', exitCode: 1, context: { waitTimeoutMs: 10_000 } } });
  t.equal(last.atMs, 10_001, 'at the first wait past the deadline');
  t.ok(
    trace.slice(0, -1).every((e) => e.step.kind === 'act'),
    'never before',
  );
  t.same(
    waits(trace).map((e) => (e.step.kind === 'act' ? e.step.sleepMs : 0)),
    [500, 2000, 5000, 2501],
    'back-off by plan round (capped at 5 s), the last cut to end just past the deadline',
  );
});

t.test('a wait at the deadline still waits; 1 ms later it gives up', async (t) => {
  const config = configOf('zoo-1', '-wait-timeout=10s');
  const state: PrepareState = { ...prepareStart(config, 0).state, round: 9 };
  const seen: PrepareSeen = { kind: 'volume', volume: EMPTY, ensemble: UNREACHABLE };
  t.match(prepareStep(config, peers(1, [0]), state, seen, 10_000), { kind: 'act', action: { kind: 'read-volume' }, sleepMs: 1 });
  t.match(prepareStep(config, peers(1, [0]), state, seen, 10_001), { kind: 'fail', error: { code: 'ZK_ENSEMBLE_UNREACHABLE' } });
});

t.test(`a repeated wait is logged once per ${WAIT_NOTE_EVERY_MS / 1000} s, not per poll; the ask once`, async (t) => {
  const trace = drive(configOf('zoo-1', '-wait-timeout=100s'), peers(1, [0]), nobodyServes);
  const noted = (kind: string) =>
    trace.filter((e) => e.step.notes.some((n) => n.event === 'zk-bootstrap.plan' && n.fields['step'] === kind)).map((e) => e.atMs);
  const waitNotes = noted('wait');
  t.ok(waits(trace).length >= 20, `${waits(trace).length} waits`);
  t.same(waitNotes, [0, 32_500, 62_500, 92_500], 'the first wait, then the first poll 30 s or more after the last line');
  t.same(noted('ask-ensemble'), [0], 'the same ask note never again');
  t.match(waits(trace)[0]?.step.notes[0], { level: 'info', fields: { step: 'wait', waitingFor: 'a-serving-member', myid: 2, retryMs: 500 } });
});

t.test('founding, joining and a stale entry: the actions in order, with the notes they log', async (t) => {
  const rows: { name: string; host: string; who: Peers; ensemble?: EnsembleView; removals?: string[]; actions: string[]; events: string[]; why?: string }[] = [
    {
      name: 'alone in DNS: writes at once',
      host: 'zoo-0',
      who: peers(0, []),
      actions: ['read-volume', 'write'],
      events: ['zk-bootstrap.plan', 'zk-bootstrap.wrote'],
      why: 'found',
    },
    {
      name: 'others serve: asks, then writes the join',
      host: 'zoo-2',
      who: peers(2, [0, 1]),
      ensemble: committed(line(1), line(2)),
      actions: ['read-volume', 'ask-ensemble', 'write'],
      events: ['zk-bootstrap.plan', 'zk-bootstrap.plan', 'zk-bootstrap.wrote'],
      why: 'join',
    },
    {
      name: 'still listed with an empty volume: removes itself first, retrying a reconfig in progress',
      host: 'zoo-2',
      who: peers(2, [0, 1]),
      ensemble: committed(line(1), line(2), line(3)),
      removals: ['ZK_RECONFIG_IN_PROGRESS', 'ok'],
      actions: ['read-volume', 'ask-ensemble', 'remove', 'remove', 'write'],
      events: ['zk-bootstrap.plan', 'zk-bootstrap.plan', 'zk-bootstrap.retry', 'zk-bootstrap.removed', 'zk-bootstrap.wrote'],
      why: 'join',
    },
  ];
  for (const row of rows) {
    const actions: string[] = [];
    const removals = [...(row.removals ?? [])];
    const trace = drive(configOf(row.host), row.who, (action) => {
      actions.push(action.kind);
      if (action.kind === 'remove') {
        const result = removals.shift();
        return result === 'ok' ? { kind: 'removed' } : { kind: 'failed', error: new AgentError(result as string, 'busy') };
      }
      if (action.kind === 'write') return { kind: 'written', paths: ['/data/conf/zoo.cfg'] };
      return { kind: 'volume', volume: EMPTY, ...(action.kind === 'ask-ensemble' ? { ensemble: row.ensemble } : {}) };
    });
    t.same(actions, row.actions, `${row.name}: actions`);
    t.same(
      trace.flatMap((e) => e.step.notes.map((n) => n.event)),
      row.events,
      `${row.name}: notes`,
    );
    t.match(trace.at(-1)?.step, { kind: 'done', notes: [{ fields: { why: row.why, files: '/data/conf/zoo.cfg' } }] }, `${row.name}: done`);
  }
});

t.test('refusals and permanent failures end the preparation with their own code', async (t) => {
  const config = configOf('zoo-2');
  const start = prepareStart(config, 0);
  t.match(
    prepareStep(config, peers(2, [0]), start.state, { kind: 'volume', volume: { ...EMPTY, myid: '7\n' } }, 0),
    { kind: 'fail', error: { code: 'ZK_MYID_MISMATCH', exitCode: 2 } },
    'myid of another member',
  );
  const asked = prepareStep(config, peers(2, [0, 1]), start.state, { kind: 'volume', volume: EMPTY, ensemble: committed(line(1), line(3)) }, 0);
  if (asked.kind !== 'act') return t.fail('expected the removal');
  t.match(asked.action, { kind: 'remove', id: 3, connectString: `${fqdn(0)}:2181` });
  const refused = new AgentError('ZK_NO_AUTH', 'wrong secret');
  t.match(
    prepareStep(config, peers(2, [0, 1]), asked.state, { kind: 'failed', error: refused }, 0),
    { kind: 'fail', error: refused },
    'a wrong secret is not retried',
  );
  t.match(
    prepareStep(config, peers(2, [0, 1]), asked.state, { kind: 'written', paths: [] }, 0),
    { kind: 'done', notes: [{ fields: { files: 'none (unchanged)' } }] },
    'nothing changed on disk',
  );
});
