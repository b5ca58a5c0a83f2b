import t from 'tap';
import { drainBroker, kafkajsSecurity, throttleLists, type DrainAdmin, type DrainEffects, type DrainSettings } from '../../kafka-entrypoint/drain.ts';
import type { Move, Partition } from '../../kafka-entrypoint/drain-plan.ts';

const SETTINGS: DrainSettings = {
  ordinal: 3,
  nodeId: 3,
  brokerIdOffset: 0,
  brokersFile: '/scale/replicas',
  endpoint: { host: '127.0.0.1', port: 9092 },
  throttleBytes: 1_000_000,
  timeoutMs: 10_000,
  markerFile: '/data/drained.json',
  security: { protocol: 'PLAINTEXT' },
};

// A cluster of 4 brokers as DrainAdmin sees it; every call is recorded, configs live in a map per resource.
const fakeCluster = (partitions: Partition[], opts: { stillMoving?: number; minIsr?: number } = {}) => {
  const calls: string[] = [];
  const configs = new Map<string, Map<string, string>>([['broker 0', new Map([['leader.replication.throttled.rate', '777']])]]);
  let polls = 0;
  const admin: DrainAdmin = {
    brokers: async () => [0, 1, 2, 3].map((id) => ({ id, rack: undefined })),
    partitions: async () => partitions,
    minIsr: async (topics) => new Map(topics.map((topic) => [topic, opts.minIsr ?? 1])),
    setConfigs: async (kind, name, set) => {
      calls.push(`set ${kind} ${name}`);
      const current = configs.get(`${kind} ${name}`) ?? new Map<string, string>();
      const prior = new Map([...set.keys()].map((k) => [k, current.get(k)]));
      for (const [k, v] of set) {
        if (v === undefined) current.delete(k);
        else current.set(k, v);
      }
      configs.set(`${kind} ${name}`, current);
      return prior;
    },
    reassign: async (moves: readonly Move[]) => void calls.push(`reassign ${moves.map((m) => `${m.topic}-${m.partition}:${m.to.join(',')}`).join(' ')}`),
    ongoing: async (moves) => (polls++ < (opts.stillMoving ?? 1) ? moves.map((m) => `${m.topic}-${m.partition}`) : []),
    close: async () => void calls.push('close'),
  };
  const written = new Map<string, string>();
  let clock = 0;
  const fx = (count: string): DrainEffects => ({
    readText: async () => count,
    writeText: async (file, text) => void written.set(file, text),
    admin: async () => {
      calls.push('connect');
      return admin;
    },
    sleep: async (ms) => void (clock += ms),
    now: () => clock,
  });
  return { calls, configs, written, fx };
};

t.test('a drain throttles, reassigns, waits, puts every throttle back as it was and writes the marker', async (t) => {
  const c = fakeCluster([
    { topic: 'a', partition: 0, replicas: [3, 0] },
    { topic: 'a', partition: 1, replicas: [1, 2] },
  ]);
  const outcome = await drainBroker(SETTINGS, c.fx('3'));
  t.equal(outcome.kind, 'drained');
  t.ok(c.calls.includes('reassign a-0:1,0'));
  t.same(
    Object.fromEntries(c.configs.get('broker 0') ?? []),
    { 'leader.replication.throttled.rate': '777' },
    "a throttle set before the drain is the operator's: restored",
  );
  for (const [resource, entries] of c.configs) if (resource !== 'broker 0') t.same([...entries.keys()], [], `${resource}: no throttle left`);
  t.match(c.written.get('/data/drained.json'), /"nodeId": 3[\s\S]*"a-0"/);
  t.equal(c.calls.at(-1), 'close');
});

t.test('a restart (ordinal below the count) never connects', async (t) => {
  const c = fakeCluster([{ topic: 'a', partition: 0, replicas: [3, 0] }]);
  t.equal((await drainBroker(SETTINGS, c.fx('4'))).kind, 'kept');
  t.same(c.calls, []);
});

t.test('a refusal sets no throttle, reassigns nothing and writes no marker', async (t) => {
  const c = fakeCluster([{ topic: 'a', partition: 0, replicas: [3, 0, 1, 2] }], { minIsr: 4 });
  const outcome = await drainBroker(SETTINGS, c.fx('3'));
  t.same({ kind: outcome.kind, code: outcome.code }, { kind: 'refused', code: 'DRAIN_BELOW_MIN_ISR' });
  t.same(c.calls, ['connect', 'close']);
  t.equal(c.written.size, 0);
});

t.test('past -drain-timeout: the throttles still go, no marker, the outcome says what is still moving', async (t) => {
  const c = fakeCluster([{ topic: 'a', partition: 0, replicas: [3, 0] }], { stillMoving: 1000 });
  const outcome = await drainBroker(SETTINGS, c.fx('3'));
  t.equal(outcome.code, 'DRAIN_TIMEOUT');
  t.match(outcome.detail, /a-0/);
  t.equal(c.written.size, 0);
  for (const [resource, entries] of c.configs) if (resource !== 'broker 0') t.same([...entries.keys()], [], `${resource}: no throttle left`);
});

t.test('throttle lists: current replicas as leaders, added ones as followers, per topic', async (t) => {
  const lists = throttleLists([
    { topic: 'a', partition: 0, from: [3, 0], to: [1, 0] },
    { topic: 'a', partition: 2, from: [2, 3], to: [2, 0] },
  ]);
  t.same(lists.get('a'), { leader: ['0:3', '0:0', '2:2', '2:3'], follower: ['0:1', '2:0'] });
});

t.test('kafkajsSecurity: the drain speaks to a listener as -command-config says (TLS material, SASL mechanism and credentials)', async (t) => {
  t.same(kafkajsSecurity({ protocol: 'PLAINTEXT' }), {});
  t.same(kafkajsSecurity({ protocol: 'SSL' }), { ssl: true }, 'TLS with the system CAs when no PEM is given');
  t.match(kafkajsSecurity({ protocol: 'SSL', tls: { ca: 'PEM', verifyHostname: false } }), { ssl: { ca: 'PEM', checkServerIdentity: Function } });
  t.same(kafkajsSecurity({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' } }), {
    sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
  });
  t.match(kafkajsSecurity({ protocol: 'SASL_SSL', sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } }), { ssl: true, sasl: { mechanism: 'plain' } });
});
