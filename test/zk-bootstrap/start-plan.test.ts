import t from 'tap';
import { readConfig } from '../../zk-bootstrap/config.ts';
import { planStart, type VolumeFacts, type Peers, type EnsembleView } from '../../zk-bootstrap/start-plan.ts';

const DOMAIN = 'zk.default.svc.cluster.local';
const fqdn = (i: number) => `zoo-${i}.${DOMAIN}`;
const line = (id: number, role = 'participant') => `server.${id}=${fqdn(id - 1)}:2888:3888:${role};0.0.0.0:2181`;
const config = (hostname: string, argv: string[] = [], env: Record<string, string> = {}) =>
  readConfig(['init', ...argv], { HOSTNAME: hostname, ZK_SUPER_SECRET: 'x', ...env }, { hostname: 'vm' });

const EMPTY: VolumeFacts = { myid: undefined, hasTxnData: false, zooCfg: undefined, currentDynamic: undefined, ownDynamic: undefined };
const withData = (myid: string, current: string[], extra: Partial<VolumeFacts> = {}): VolumeFacts => ({
  myid,
  hasTxnData: true,
  zooCfg: 'dataDir=/data\ndynamicConfigFile=/data/conf/zoo.cfg.dynamic.100000004\n',
  currentDynamic: current.join('\n') + '\n',
  ownDynamic: undefined,
  ...extra,
});
const peers = (self: number, others: number[]): Peers => ({ self: fqdn(self), others: others.map(fqdn) });
const committed = (lines: string[], from = fqdn(0)): EnsembleView => ({ kind: 'config', text: [...lines, 'version=100000004'].join('\n'), from });

type Row = {
  name: string;
  host: string;
  volume: VolumeFacts;
  peers?: Peers;
  ensemble?: EnsembleView;
  argv?: string[];
  kind: string;
  why?: string;
  code?: string;
  waitingFor?: string;
  dynamic?: string;
  removeFirst?: number;
  connect?: string;
};

const rows: Row[] = [
  {
    name: 'empty volume, DNS shows only itself: founds the ensemble',
    host: 'zoo-0',
    volume: EMPTY,
    peers: peers(0, []),
    kind: 'write',
    why: 'found',
    dynamic: `${line(1)}\n`,
  },
  {
    name: 'empty volume, others exist: asks them for the config',
    host: 'zoo-1',
    volume: EMPTY,
    peers: peers(1, [0]),
    kind: 'ask-ensemble',
    connect: `${fqdn(0)}:2181`,
  },
  {
    name: 'empty volume, others exist but none serves: waits, founds nothing',
    host: 'zoo-0',
    volume: EMPTY,
    peers: peers(0, [1, 2]),
    ensemble: { kind: 'unreachable', tried: 'zoo-1,zoo-2', reason: 'timeout' },
    kind: 'wait',
    waitingFor: 'a-serving-member',
  },
  {
    name: 'empty volume, ensemble answers: joins as observer from its config',
    host: 'zoo-2',
    volume: EMPTY,
    peers: peers(2, [0, 1]),
    ensemble: committed([line(1), line(2)]),
    kind: 'write',
    why: 'join',
    dynamic: `${line(1)}\n${line(2)}\n${line(3, 'observer')}\n`,
  },
  {
    name: 'lost volume, still in the config: removed first, then joins (an empty disk never votes)',
    host: 'zoo-1',
    volume: EMPTY,
    peers: peers(1, [0, 2]),
    ensemble: committed([line(1), line(2), line(3)]),
    kind: 'write',
    why: 'join',
    removeFirst: 2,
    dynamic: `${line(1)}\n${line(2, 'observer')}\n${line(3)}\n`,
  },
  {
    name: "zoo-0's volume lost while the others run: joins them instead of founding",
    host: 'zoo-0',
    volume: EMPTY,
    peers: peers(0, [1, 2]),
    ensemble: committed([line(1), line(2), line(3)], fqdn(1)),
    kind: 'write',
    why: 'join',
    removeFirst: 1,
  },
  {
    name: 'data and own line on the volume: keeps the files (no day-one config on restart)',
    host: 'zoo-0',
    volume: withData('1\n', [line(1), line(2), line(3)]),
    peers: peers(0, []),
    kind: 'write',
    why: 'keep',
  },
  {
    name: 'data present, DNS shows only itself: still keeps its files, never refounds',
    host: 'zoo-1',
    volume: withData('2', [line(1), line(2)]),
    peers: peers(1, []),
    kind: 'write',
    why: 'keep',
  },
  {
    name: 'restarted before it was added: its files lack it, so it asks the servers they list',
    host: 'zoo-2',
    volume: withData('3', [line(1), line(2)], { ownDynamic: `${line(1)}\n${line(3, 'observer')}\n` }),
    kind: 'ask-ensemble',
    connect: `${fqdn(0)}:2181,${fqdn(1)}:2181`,
  },
  {
    name: 'removed earlier, restarted with data: rejoins as observer',
    host: 'zoo-2',
    volume: withData('3', [line(1), line(2)], { ownDynamic: `${line(1)}\n${line(3)}\n` }),
    ensemble: committed([line(1), line(2)]),
    kind: 'write',
    why: 'join',
    dynamic: `${line(1)}\n${line(2)}\n${line(3, 'observer')}\n`,
  },
  {
    name: 'data present, config files lost, listed by the ensemble: restores the files',
    host: 'zoo-1',
    volume: { ...EMPTY, myid: '2', hasTxnData: true },
    peers: peers(1, [0]),
    ensemble: committed([line(1), line(2)]),
    kind: 'write',
    why: 'restore',
    dynamic: `${line(1)}\n${line(2)}\n`,
  },
  {
    name: 'myid on the volume disagrees: refuses, changes nothing',
    host: 'zoo-1',
    volume: withData('3', [line(1), line(2), line(3)]),
    kind: 'refuse',
    code: 'ZK_MYID_MISMATCH',
  },
  { name: 'empty volume without a peer list (run without init): refuses', host: 'zoo-1', volume: EMPTY, kind: 'refuse', code: 'ZK_NOT_INITIALISED' },
  {
    name: 'an observer alone cannot found an ensemble',
    host: 'zoo-0',
    volume: EMPTY,
    peers: peers(0, []),
    argv: ['-role=observer'],
    kind: 'refuse',
    code: 'ZK_OBSERVER_ALONE',
  },
  {
    name: 'a static-mode volume is not taken over by dynamic mode',
    host: 'zoo-0',
    volume: withData('1', [], { zooCfg: `server.1=${fqdn(0)}:2888:3888\n` }),
    kind: 'refuse',
    code: 'ZK_MODE_MISMATCH',
  },
  {
    name: 'the ensemble has no voter besides this member: waits',
    host: 'zoo-1',
    volume: EMPTY,
    peers: peers(1, [0]),
    ensemble: committed([line(2)]),
    kind: 'wait',
    waitingFor: 'another-voter',
  },
  { name: 'data, not in its config, nobody else known: refuses', host: 'zoo-1', volume: withData('2', []), kind: 'refuse', code: 'ZK_NO_ENSEMBLE_KNOWN' },
  {
    name: 'joining with no way to know its own address: refuses',
    host: 'zoo-2',
    volume: withData('3', [line(1)]),
    ensemble: committed([line(1)]),
    kind: 'refuse',
    code: 'ZK_ADDRESS_UNKNOWN',
  },
  {
    name: 'static mode writes every server',
    host: 'zoo-1',
    volume: EMPTY,
    argv: ['-mode=static', '-replicas=3', `-domain=${DOMAIN}`],
    kind: 'write',
    why: 'static',
  },
  {
    name: 'static mode refuses a dynamic volume',
    host: 'zoo-1',
    volume: withData('2', [line(2)]),
    argv: ['-mode=static', '-replicas=3', `-domain=${DOMAIN}`],
    kind: 'refuse',
    code: 'ZK_MODE_MISMATCH',
  },
  {
    name: 'static mode refuses an id outside the list',
    host: 'zoo-5',
    volume: EMPTY,
    argv: ['-mode=static', '-replicas=3', `-domain=${DOMAIN}`],
    kind: 'refuse',
    code: 'ZK_ID_NOT_LISTED',
  },
];

t.test('planStart decision table', async (t) => {
  for (const row of rows) {
    const step = planStart({ config: config(row.host, row.argv), volume: row.volume, peers: row.peers, ensemble: row.ensemble });
    t.equal(step.kind, row.kind, row.name);
    if (step.kind === 'write') {
      if (row.why) t.equal(step.why, row.why, `${row.name}: why`);
      if (row.dynamic) t.equal(step.files.dynamic, row.dynamic, `${row.name}: dynamic file`);
      t.equal(step.removeFirst, row.removeFirst, `${row.name}: removeFirst`);
    }
    if (step.kind === 'refuse') t.equal(step.error.code, row.code, `${row.name}: code`);
    if (step.kind === 'wait') t.equal(step.waitingFor, row.waitingFor, `${row.name}: waiting for`);
    if (step.kind === 'ask-ensemble' && row.connect) t.equal(step.connectString, row.connect, `${row.name}: connect string`);
  }
});

t.test('keep refreshes settings but leaves the dynamic file ZooKeeper chose', async (t) => {
  const step = planStart({ config: config('zoo-0', [], { ZOO_TICK_TIME: '1000' }), volume: withData('1', [line(1)]), peers: undefined });
  if (step.kind !== 'write') return t.fail(step.kind);
  t.match(step.files.zooCfg, /tickTime=1000\n/);
  t.match(step.files.zooCfg, /dynamicConfigFile=\/data\/conf\/zoo.cfg.dynamic.100000004\n$/);
  t.equal(step.files.dynamic, undefined, 'membership untouched');
  t.equal(step.files.myid, undefined, 'myid untouched');
});

t.test('myid is written only on an empty volume, and last', async (t) => {
  const found = planStart({ config: config('zoo-0'), volume: EMPTY, peers: peers(0, []) });
  t.equal(found.kind === 'write' && found.files.myid, '1\n');
  t.equal(Object.keys(found.kind === 'write' ? found.files : {}).at(-1), 'myid');
});
