import t from 'tap';
import { readConfig } from '../../kafka-entrypoint/config.ts';
import {
  storagePlan,
  quorumExists,
  formatArgs,
  parseMeta,
  redactedCommand,
  strayEntries,
  type DirEntry,
  type LogDirState,
} from '../../kafka-entrypoint/storage-plan.ts';

const CID = 'MkU3OEVBNTcwNTJENDM2Qg';
const OTHER = 'q1Sh-9_ISia_zwGINzRvyQ';
const kraft = (hostname: string, extra: string[] = []) =>
  readConfig([`--cluster-id=${CID}`, '--service=k', '--controllers=3', '--data-dir=/v', ...extra], {}, { hostname }).node;
const dynamic = (hostname: string, roles = 'controller') => kraft(hostname, ['--quorum=dynamic', '--override', `process.roles=${roles}`]);
const zk = readConfig(['--override', 'zookeeper.connect=zk:2181', '--data-dir=/v'], {}, { hostname: 'kafka-1' }).node;

const empty: LogDirState[] = [{ dir: '/v/data', kind: 'unformatted', entries: [], complete: true }];
const meta = (text: string): LogDirState[] => [{ dir: '/v/data', kind: 'meta', text }];
const kraftMeta = (id: number, cid = CID) => meta(`version=1\nnode.id=${id}\ncluster.id=${cid}\ndirectory.id=abc\n`);

t.test('decides what to do with the volume', async (t) => {
  const rows = [
    { name: 'formatted KRaft volume of this node starts as is', plan: storagePlan(kraft('k-1'), CID, kraftMeta(1)), want: { kind: 'start' } },
    { name: 'another node id is refused', plan: storagePlan(kraft('k-1'), CID, kraftMeta(0)), want: { kind: 'refuse', code: 'NODE_ID_MISMATCH' } },
    { name: 'another cluster id is refused', plan: storagePlan(kraft('k-1'), CID, kraftMeta(1, OTHER)), want: { kind: 'refuse', code: 'CLUSTER_ID_MISMATCH' } },
    {
      name: 'ZooKeeper-era data in KRaft mode is refused',
      plan: storagePlan(kraft('k-1'), CID, meta('version=0\nbroker.id=1\n')),
      want: { kind: 'refuse', code: 'META_WRONG_MODE' },
    },
    {
      name: 'unreadable meta.properties is refused',
      plan: storagePlan(kraft('k-1'), CID, meta('version=7\n')),
      want: { kind: 'refuse', code: 'META_UNREADABLE' },
    },
    { name: 'empty volume, static quorum: plain format', plan: storagePlan(kraft('k-1'), CID, empty), want: { kind: 'format', quorumFlag: 'none' } },
    {
      name: 'empty volume, dynamic broker: plain format',
      plan: storagePlan(kraft('b-0', ['--quorum=dynamic', '--controller-set=k', '--override', 'process.roles=broker']), CID, empty),
      want: { kind: 'format', quorumFlag: 'none' },
    },
    {
      name: 'empty volume, dynamic, not the first controller: joins',
      plan: storagePlan(dynamic('k-2'), CID, empty),
      want: { kind: 'format', quorumFlag: 'no-initial-controllers' },
    },
    { name: 'empty volume, first controller: asks the others first', plan: storagePlan(dynamic('k-0'), CID, empty), want: { kind: 'ask-quorum' } },
    {
      name: 'first controller and no quorum anywhere: founds it',
      plan: storagePlan(dynamic('k-0'), CID, empty, { quorumExists: false }),
      want: { kind: 'format', quorumFlag: 'standalone' },
    },
    {
      name: 'first controller wiped while a quorum runs: rejoins it',
      plan: storagePlan(dynamic('k-0'), CID, empty, { quorumExists: true }),
      want: { kind: 'format', quorumFlag: 'no-initial-controllers' },
    },
    {
      name: 'first controller that cannot read a controller that answered: founds nothing',
      plan: storagePlan(dynamic('k-0'), CID, empty, { quorumExists: 'cannot-tell' }),
      want: { kind: 'refuse', code: 'QUORUM_UNKNOWN', message: /-command-config/ },
    },
    {
      name: 'ZooKeeper mode with its own broker id starts',
      plan: storagePlan(zk, undefined, meta('version=0\nbroker.id=1\ncluster.id=x\n')),
      want: { kind: 'start' },
    },
    {
      name: 'ZooKeeper mode with another broker id is refused',
      plan: storagePlan(zk, undefined, meta('version=0\nbroker.id=3\n')),
      want: { kind: 'refuse', code: 'NODE_ID_MISMATCH' },
    },
    { name: 'ZooKeeper mode on an empty volume starts (Kafka writes meta.properties)', plan: storagePlan(zk, undefined, empty), want: { kind: 'start' } },
  ];
  for (const row of rows) t.match(row.plan, row.want, row.name);
});

t.test('a quorum exists when another controller knows a leader or has replayed quorum metadata (an election)', async (t) => {
  const down = { endpoint: 'k-1:9093', error: 'ECONNREFUSED' };
  const neverJoined = { endpoint: 'k-2:9093', leaderId: -1, metadataEpoch: -1 };
  const rows = [
    { name: 'nobody answers: found', answers: [down, { ...down, endpoint: 'k-2:9093' }], exists: false },
    { name: 'only controllers that never saw a quorum (parallel first start): found', answers: [down, neverJoined], exists: false },
    { name: 'a controller knows the leader: rejoin', answers: [down, { endpoint: 'k-2:9093', leaderId: 1, metadataEpoch: 12 }], exists: true },
    {
      name: 'an election after the leader died (measured on 4.2: leader=-1 for ~1 s, epoch kept): rejoin',
      answers: [{ endpoint: 'k-1:9093', leaderId: -1, metadataEpoch: 13 }, neverJoined],
      exists: true,
    },
    // A secured controller listener spoken to with the wrong client properties: it is up, so it may know a quorum.
    ...['SASL_FAILED', 'SASL_MECHANISM', 'TLS_FAILED', 'TLS_FILE_UNREADABLE', 'KAFKA_PROTOCOL', 'KAFKA_CLOSED'].map((error) => ({
      name: `a controller answered but could not be read (${error}): cannot tell`,
      answers: [down, { endpoint: 'k-2:9093', error }],
      exists: 'cannot-tell' as const,
    })),
    {
      name: 'one that could not be read, one that knows the leader: rejoin',
      answers: [
        { endpoint: 'k-1:9093', error: 'SASL_FAILED' },
        { endpoint: 'k-2:9093', leaderId: 2, metadataEpoch: 40 },
      ],
      exists: true,
    },
    {
      name: 'unreachable or timed out is still down: found',
      answers: [
        { endpoint: 'k-1:9093', error: 'KAFKA_UNREACHABLE' },
        { endpoint: 'k-2:9093', error: 'KAFKA_TIMEOUT' },
      ],
      exists: false,
    },
  ];
  for (const row of rows) t.equal(quorumExists(row.answers).exists, row.exists, row.name);
  t.equal(quorumExists([down, neverJoined]).detail, 'k-1:9093 ECONNREFUSED, k-2:9093 leader=-1 metadataEpoch=-1');
});

t.test('a lost metadata dir next to formatted data dirs is refused, not formatted over', async (t) => {
  const node = kraft('k-1', ['--override', 'log.dirs=/v/a,/v/b']);
  const dirs: LogDirState[] = [
    { dir: '/v/a', kind: 'unformatted', entries: [], complete: true },
    { dir: '/v/b', kind: 'meta', text: `version=1\nnode.id=1\ncluster.id=${CID}\n` },
  ];
  t.match(storagePlan(node, CID, dirs), { kind: 'refuse', code: 'METADATA_DIR_LOST' });
});

t.test('a single controller set founds its quorum without asking anyone', async (t) => {
  const node = readConfig([`--cluster-id=${CID}`, '--service=k', '--controllers=1', '--quorum=dynamic'], {}, { hostname: 'k-0' }).node;
  t.match(storagePlan(node, CID, empty), { kind: 'format', quorumFlag: 'standalone' });
});

t.test('format arguments pass the cluster id in --cluster-id= form', async (t) => {
  t.same(formatArgs({ quorumFlag: 'standalone' }, CID, '/v/server.properties'), [
    'format',
    `--cluster-id=${CID}`,
    '--config',
    '/v/server.properties',
    '--standalone',
  ]);
  t.same(formatArgs({ quorumFlag: 'none' }, CID, '/c'), ['format', `--cluster-id=${CID}`, '--config', '/c']);
});

t.test('parses both meta.properties versions', async (t) => {
  t.match(parseMeta('version=0\nbroker.id=4\ncluster.id=abc\n'), { version: 0, id: 4, clusterId: 'abc' });
  t.match(parseMeta(`#\nversion=1\nnode.id=2\ncluster.id=${CID}\ndirectory.id=d\n`), { version: 1, id: 2, directoryId: 'd' });
  t.type(parseMeta('version=1\n'), 'string');
});

t.test('SCRAM credentials go to the format command and are redacted in logs', async (t) => {
  const args = formatArgs({ quorumFlag: 'none' }, CID, '/c', ['SCRAM-SHA-256=[name=a,password=s3cret]']);
  t.equal(args.at(-1), '--add-scram=SCRAM-SHA-256=[name=a,password=s3cret]');
  t.notMatch(redactedCommand(['java', ...args]), /s3cret/);
});

const holding = (entries: DirEntry[], complete = true): LogDirState[] => [{ dir: '/v/data', kind: 'unformatted', entries, complete }];
const file = (name: string): DirEntry => ({ name, kind: 'file' });
const dir = (name: string, children: string[] = [], childrenComplete = true): DirEntry => ({ name, kind: 'dir', children, childrenComplete });
const SNAPSHOT = '00000000000000000000-0000000000.checkpoint';

t.test('formats a log dir without meta.properties only when it is provably empty', async (t) => {
  const rows = [
    { name: 'missing or empty dir', dirs: empty, want: 'format' },
    { name: 'lost+found of a fresh ext4 volume', dirs: holding([dir('lost+found')]), want: 'format' },
    {
      name: 'leftovers of a format stopped before meta.properties',
      dirs: holding([
        file('bootstrap.checkpoint'),
        file('bootstrap.checkpoint.tmp'),
        file('meta.properties.tmp'),
        dir('__cluster_metadata-0', [SNAPSHOT, '00000000000000000000-0000000000-1838849093310737406.checkpoint.part']),
      ]),
      want: 'format',
    },
    {
      name: 'its own server.properties and temp file when -config-out is in the log dir',
      dirs: holding([file('server.properties'), file('.server.properties.tmp-0123456789ab')]),
      own: ['/v/data/server.properties'],
      want: 'format',
    },
    { name: 'topic partition segments', dirs: holding([dir('orders-0', ['00000000000000000000.log'])]), want: 'refuse' },
    {
      name: 'a metadata log with segments',
      dirs: holding([file('bootstrap.checkpoint'), dir('__cluster_metadata-0', [SNAPSHOT, '00000000000000000000.log', 'quorum-state'])]),
      want: 'refuse',
    },
    { name: 'a metadata dir too big to list whole', dirs: holding([dir('__cluster_metadata-0', [SNAPSHOT], false)]), want: 'refuse' },
    { name: 'checkpoint files of a broker that ran', dirs: holding([file('recovery-point-offset-checkpoint')]), want: 'refuse' },
    { name: 'server.properties that is not ours', dirs: holding([file('server.properties')]), own: ['/v/server.properties'], want: 'refuse' },
    { name: 'lost+found as a file', dirs: holding([file('lost+found')]), want: 'refuse' },
    { name: 'a socket or fifo', dirs: holding([{ name: 'x', kind: 'other' }]), want: 'refuse' },
    { name: 'a listing cut short', dirs: holding([dir('lost+found')], false), want: 'refuse' },
    { name: 'a hidden file', dirs: holding([file('.lock')]), want: 'refuse' },
  ];
  for (const row of rows) {
    const plan = storagePlan(kraft('k-1'), CID, row.dirs, { ownFiles: row.own ?? [] });
    t.equal(plan.kind, row.want, row.name);
    if (plan.kind === 'refuse') t.equal(plan.code, 'LOG_DIR_NOT_EMPTY', row.name);
  }
});

t.test('the refusal names a few entries, escaped and shortened, never the whole listing', async (t) => {
  const many = Array.from({ length: 64 }, (_, i) => dir(`topic-${String(i).padStart(2, '0')}`));
  const plan = storagePlan(kraft('k-1'), CID, holding([file('evil\nname'), file('x'.repeat(5000)), ...many], false));
  t.equal(plan.kind, 'refuse');
  if (plan.kind !== 'refuse') return;
  t.notMatch(plan.message, /\n/, 'one line');
  t.ok(plan.message.length < 600, `short: ${plan.message.length} chars`);
  t.match(plan.message, /"evil\\nname"/);
  t.match(plan.message, /and more/);
  t.same(strayEntries({ entries: [file('b'), dir('a')], complete: true }), ['a/', 'b'], 'sorted, directories marked');
});

// Property-based (bounded runs): the format decision over any listing of a log dir without meta.properties.
t.test('storage decision properties: only known harmless entries format; order never matters; more entries never unlock a format (fast-check)', async (t) => {
  const fc = await import('fast-check');
  const KNOWN = [
    'lost+found',
    'bootstrap.checkpoint',
    'bootstrap.checkpoint.tmp',
    'meta.properties.tmp',
    '__cluster_metadata-0',
    'server.properties',
    '.server.properties.tmp-0123456789ab',
  ];
  const name = fc.oneof(
    fc.constantFrom(...KNOWN),
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.constantFrom('orders-0', '.lock', 'quorum-state', '00000000000000000000.log'),
  );
  const child = fc.oneof(fc.constant(SNAPSHOT), fc.constant('00000000000000000000-0000000000-42.checkpoint.part'), fc.string({ maxLength: 24 }));
  const entry = fc.record({
    name,
    kind: fc.constantFrom<DirEntry['kind'][]>('file', 'dir', 'other'),
    children: fc.array(child, { maxLength: 3 }),
    childrenComplete: fc.boolean(),
  });
  const listing = fc.record({ entries: fc.uniqueArray(entry, { selector: (e) => e.name, maxLength: 6 }), complete: fc.boolean() });
  const decide = (l: { entries: DirEntry[]; complete: boolean }) =>
    storagePlan(kraft('k-1'), CID, holding(l.entries, l.complete), { ownFiles: ['/v/data/server.properties'] });
  fc.assert(
    fc.property(listing, fc.integer({ min: 0, max: 1000 }), entry, (l, seed, extra) => {
      const plan = decide(l);
      // Format only when every name is one of the few known harmless ones and the listing is whole.
      if (plan.kind === 'format' && (!l.complete || l.entries.some((e) => !KNOWN.includes(e.name)))) return false;
      if (plan.kind !== 'format' && plan.kind !== 'refuse') return false;
      if (plan.kind === 'refuse' && (plan.code !== 'LOG_DIR_NOT_EMPTY' || /[\n\r]/.test(plan.message) || plan.message.length > 700)) return false;
      // Order independence.
      const shuffled = [...l.entries].sort((a, b) => ((a.name.length * 31 + seed) % 7) - ((b.name.length * 31 + seed) % 7));
      if (decide({ ...l, entries: shuffled }).kind !== plan.kind) return false;
      // Monotone: adding an entry to a refused dir keeps it refused.
      if (plan.kind === 'refuse' && !l.entries.some((e) => e.name === extra.name) && decide({ ...l, entries: [...l.entries, extra] }).kind !== 'refuse')
        return false;
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass('500 runs');
});
