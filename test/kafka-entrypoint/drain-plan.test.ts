import t from 'tap';
import {
  drainPlan,
  drainIntent,
  brokersFromText,
  markerText,
  parseMarker,
  returningProblem,
  type Broker,
  type DrainFacts,
  type Partition,
} from '../../kafka-entrypoint/drain-plan.ts';

const brokers = (n: number, racks?: readonly string[]): Broker[] => Array.from({ length: n }, (_, id) => ({ id, rack: racks?.[id] }));
const p = (topic: string, partition: number, replicas: number[]): Partition => ({ topic, partition, replicas });
const facts = (over: Partial<DrainFacts>): DrainFacts => ({
  nodeId: 3,
  brokers: brokers(4),
  partitions: [],
  minIsr: new Map(),
  leaving: new Set([3]),
  ...over,
});

t.test('the desired broker count file holds a whole number of at least 1', async (t) => {
  t.same(brokersFromText('3\n'), { kind: 'count', count: 3 });
  for (const text of ['', '0', 'three', '-1', '2.5']) t.equal(brokersFromText(text).kind, 'unknown', JSON.stringify(text));
});

t.test('a broker drains only when its ordinal is at or past the desired count', async (t) => {
  const rows = [
    { name: 'scale 4 -> 3: ordinal 3 drains', ordinal: 3, text: '3', want: 'drain' },
    { name: 'scale 4 -> 2: ordinal 3 drains', ordinal: 3, text: '2', want: 'drain' },
    { name: 'rolling restart: ordinal 3 of 4 keeps', ordinal: 3, text: '4', want: 'keep' },
    { name: 'unreadable count: no drain', ordinal: 3, text: 'x', want: 'keep' },
  ];
  for (const row of rows) t.equal(drainIntent(row.ordinal, brokersFromText(row.text)).kind, row.want, row.name);
});

t.test('moves each replica of the leaving broker in place, balanced over the remaining brokers', async (t) => {
  const partitions = [p('a', 0, [3, 0]), p('a', 1, [0, 3]), p('a', 2, [1, 3]), p('a', 3, [3, 2]), p('b', 0, [1, 2])];
  const plan = drainPlan(facts({ partitions }));
  if (plan.kind !== 'move') return t.fail(plan.kind);
  t.same(
    plan.moves.map((m) => [`${m.topic}-${m.partition}`, m.to]),
    [
      ['a-0', [1, 0]], // 0 is a replica already; 1 and 2 hold 2 each, 1 first by id
      ['a-1', [0, 2]],
      ['a-2', [1, 0]],
      ['a-3', [0, 2]],
    ],
  );
  t.same(plan.shrunk, []);
  for (const m of plan.moves) t.equal(m.to.length, m.from.length, `${m.topic}-${m.partition} keeps its replication factor`);
  const load = new Map<number, number>();
  const after = partitions.map((q) => plan.moves.find((m) => m.topic === q.topic && m.partition === q.partition)?.to ?? q.replicas);
  for (const replicas of after) for (const id of replicas) load.set(id, (load.get(id) ?? 0) + 1);
  t.ok(Math.max(...load.values()) - Math.min(...load.values()) <= 1, 'the remaining brokers end within one replica of each other');
});

t.test('a leaving preferred leader is replaced at the head of the replica list', async (t) => {
  const plan = drainPlan(facts({ partitions: [p('a', 0, [3, 1, 2])] }));
  t.same(plan.kind === 'move' && plan.moves[0]?.to, [0, 1, 2]);
});

t.test('racks: the replica goes to the leaving rack when it can, else to a rack the partition does not use', async (t) => {
  const racks = ['r1', 'r2', 'r3', 'r1'];
  const same = drainPlan(facts({ brokers: brokers(4, racks), partitions: [p('a', 0, [3, 1])] }));
  t.same(same.kind === 'move' && same.moves[0]?.to, [0, 1], 'broker 0 shares rack r1 with the leaving broker 3');
  const other = drainPlan(facts({ brokers: brokers(4, racks), partitions: [p('a', 0, [3, 0])] }));
  t.same(other.kind === 'move' && other.moves[0]?.to, [1, 0], 'r1 is taken by broker 0: a new rack, not a second r1');
});

t.test('brokers that are also leaving never receive a replica (scale 5 -> 3)', async (t) => {
  const plan = drainPlan(facts({ brokers: brokers(5), leaving: new Set([3, 4]), partitions: [p('a', 0, [3, 0]), p('a', 1, [3, 1])] }));
  t.ok(plan.kind === 'move' && plan.moves.every((m) => !m.to.includes(4)));
});

t.test('nothing to move', async (t) => {
  t.equal(drainPlan(facts({ partitions: [p('a', 0, [0, 1])] })).kind, 'nothing');
  t.equal(drainPlan(facts({ partitions: [] })).kind, 'nothing');
});

t.test('refusals name the partitions and the fix, and move nothing at all', async (t) => {
  const rf3 = drainPlan(
    facts({
      brokers: brokers(3)
        .concat({ id: 3, rack: undefined })
        .filter((b) => b.id !== 2),
      minIsr: new Map([['c', 3]]),
      partitions: [p('a', 0, [3, 0]), p('c', 0, [3, 0, 1])],
    }),
  );
  t.equal(rf3.kind, 'refuse');
  if (rf3.kind === 'refuse') {
    t.equal(rf3.code, 'DRAIN_BELOW_MIN_ISR');
    t.match(rf3.message, /c-0 \(RF 3, min.insync.replicas 3\).*raise the broker count/);
    t.notMatch(rf3.message, /a-0/, 'a-0 could move but does not: no partial drain');
  }
  const only = drainPlan(facts({ brokers: [{ id: 3, rack: undefined }], partitions: [p('a', 0, [3])] }));
  t.equal(only.kind === 'refuse' && only.code, 'DRAIN_LAST_REPLICA');
});

t.test('without a broker to take it, a replica is dropped only when min.insync.replicas still holds', async (t) => {
  const plan = drainPlan(facts({ brokers: brokers(4).filter((b) => b.id !== 2), minIsr: new Map([['c', 2]]), partitions: [p('c', 0, [3, 0, 1])] }));
  t.same(plan.kind === 'move' && { to: plan.moves[0]?.to, shrunk: plan.shrunk }, { to: [0, 1], shrunk: ['c-0 RF 3->2'] });
});

t.test('the drain marker round-trips and a returning broker is told the fix', async (t) => {
  const m = { nodeId: 3, drainedAt: '2026-11-28T17:00:00.000Z', moved: ['a-0', 'a-1'] };
  t.same(parseMarker(markerText(m)), m);
  t.equal(parseMarker('{'), undefined);
  t.equal(parseMarker('{"nodeId":"3"}'), undefined);
  t.match(
    returningProblem(m, '/var/lib/kafka/drained.json', 'kubectl delete pvc data-kafka-3'),
    /drained at 2026.*2 replica.*kubectl delete pvc data-kafka-3.*remove \/var\/lib\/kafka\/drained.json/,
  );
});
