import t from 'tap';
import { leaveFacts, leaveIntent, desiredFromText, ownMeta, removalStep, removalAnswer, type LeaveFacts } from '../../kafka-entrypoint/leave-plan.ts';
import type { DescribeQuorum } from '../../common/kafka-messages.ts';

const CONTROLLER = [
  'node.id=2',
  'process.roles=controller',
  'listeners=CONTROLLER://:9093',
  'controller.listener.names=CONTROLLER',
  'controller.quorum.bootstrap.servers=ctrl-0.ctrl.default.svc.cluster.local:9093,ctrl-1.ctrl.default.svc.cluster.local:9093',
  'controller.quorum.auto.join.enable=true',
  'log.dirs=/var/lib/kafka/data',
].join('\n');

const facts = (over: Partial<LeaveFacts> = {}): LeaveFacts => ({ ...(leaveFacts(CONTROLLER) as LeaveFacts), ...over });

t.test('reads id, role, quorum, own controller and metadata dir from the server.properties the entrypoint wrote', async (t) => {
  t.same(leaveFacts(CONTROLLER), {
    nodeId: 2,
    isController: true,
    quorum: 'dynamic',
    bootstrap: [
      { host: 'ctrl-0.ctrl.default.svc.cluster.local', port: 9093 },
      { host: 'ctrl-1.ctrl.default.svc.cluster.local', port: 9093 },
    ],
    ownController: { host: '127.0.0.1', port: 9093 },
    metadataDir: '/var/lib/kafka/data',
    autoJoin: true,
  });
  const rows = [
    {
      name: 'static voters',
      text: 'node.id=0\nprocess.roles=controller\nlisteners=CONTROLLER://:9093\ncontroller.listener.names=CONTROLLER\ncontroller.quorum.voters=0@a:9093\nlog.dirs=/d',
      quorum: 'static',
    },
    { name: 'metadata.log.dir wins over log.dirs', text: `${CONTROLLER}\nmetadata.log.dir=/meta`, metadataDir: '/meta' },
  ];
  for (const row of rows) {
    const f = leaveFacts(row.text) as LeaveFacts;
    if (row.quorum) t.equal(f.quorum, row.quorum, row.name);
    if (row.metadataDir) t.equal(f.metadataDir, row.metadataDir, row.name);
  }
  for (const row of [
    { name: 'no node id', text: 'process.roles=controller' },
    { name: 'bad bootstrap servers', text: `${CONTROLLER}\ncontroller.quorum.bootstrap.servers=nohost` },
    { name: 'no log dirs', text: CONTROLLER.replace('log.dirs=/var/lib/kafka/data', '') },
  ])
    t.type(leaveFacts(row.text), 'string', row.name);
});

t.test('the desired controller count file holds a whole number of at least 1', async (t) => {
  t.same(desiredFromText('2\n'), { kind: 'count', count: 2 });
  for (const text of ['', '0', 'two', '-1', '2.5']) t.equal(desiredFromText(text).kind, 'unknown', JSON.stringify(text));
});

t.test('a controller leaves only when its ordinal is at or past the desired count', async (t) => {
  const rows = [
    { name: 'scale 3 -> 2: ordinal 2 leaves', f: facts(), ordinal: 2, desired: { kind: 'count', count: 2 } as const, want: 'leave' },
    { name: 'scale 3 -> 1: ordinal 1 leaves', f: facts(), ordinal: 1, desired: { kind: 'count', count: 1 } as const, want: 'leave' },
    { name: 'rolling restart: ordinal 2 of 3 stays', f: facts(), ordinal: 2, desired: { kind: 'count', count: 3 } as const, want: 'stay' },
    { name: 'file unreadable: cannot tell, stays', f: facts(), ordinal: 2, desired: { kind: 'unknown', reason: 'ENOENT' } as const, want: 'stay' },
    { name: 'by hand without a file: leaves', f: facts(), ordinal: 0, desired: { kind: 'unset' } as const, want: 'leave' },
    { name: 'a broker never leaves the quorum', f: facts({ isController: false }), ordinal: 5, desired: { kind: 'count', count: 1 } as const, want: 'stay' },
    { name: 'static voters cannot leave', f: facts({ quorum: 'static' }), ordinal: 5, desired: { kind: 'count', count: 1 } as const, want: 'stay' },
  ];
  for (const row of rows) t.equal(leaveIntent(row.f, row.ordinal, row.desired).kind, row.want, row.name);
});

t.test('meta.properties gives the directory id and cluster id; anything unreadable gives neither', async (t) => {
  t.same(ownMeta('version=1\nnode.id=2\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAQ\n'), {
    directoryId: 'AAAAAAAAAAAAAAAAAAAAAQ',
    clusterId: 'MkU3OEVBNTcwNTJENDM2Qg',
  });
  t.same(ownMeta(undefined), {});
  t.same(ownMeta('version=7'), {});
});

const voter = (replicaId: number, directoryId?: string) => ({ replicaId, logEndOffset: 10n, lastCaughtUpTimestamp: 10n, ...(directoryId && { directoryId }) });
const quorum = (voters: ReturnType<typeof voter>[], over: Partial<DescribeQuorum> = {}): DescribeQuorum => ({
  errorCode: 0,
  partitionErrorCode: 0,
  leaderId: 0,
  leaderEpoch: 1,
  highWatermark: 10n,
  voters,
  observers: [],
  ...over,
});

t.test('the removal step: done when not a voter, never the last voter, the leader names the directory', async (t) => {
  const rows = [
    {
      name: 'a voter among three is removed with the directory the leader lists',
      q: quorum([voter(0, 'd0'), voter(1, 'd1'), voter(2, 'd2')]),
      want: { kind: 'remove', voterId: 2, directoryId: 'd2' },
    },
    {
      name: 'no directory id from the leader (v1): meta.properties gives it',
      q: quorum([voter(0), voter(2)]),
      want: { kind: 'remove', voterId: 2, directoryId: 'mine' },
    },
    { name: 'already gone: done (idempotent)', q: quorum([voter(0, 'd0'), voter(1, 'd1')]), want: { kind: 'done' } },
    { name: 'the last voter is refused', q: quorum([voter(2, 'd2')]), want: { kind: 'refuse', code: 'LAST_VOTER' } },
    { name: 'an error from the leader is retried', q: quorum([], { partitionErrorCode: 6 }), want: { kind: 'retry' } },
  ];
  for (const row of rows) t.match(removalStep(row.q, 2, 'mine'), row.want, row.name);
  t.match(removalStep(quorum([voter(0), voter(2)]), 2, undefined), { kind: 'refuse', code: 'NO_DIRECTORY_ID' }, 'no directory id anywhere is refused');
});

t.test('a RemoveRaftVoter answer is sent, retried or a refusal', async (t) => {
  const rows = [
    { name: 'accepted', code: 0, want: 'sent' },
    { name: 'NOT_LEADER_OR_FOLLOWER', code: 6, want: 'retry' },
    { name: 'REQUEST_TIMED_OUT (another change in flight)', code: 7, want: 'retry' },
    { name: 'VOTER_NOT_FOUND (asked again: gone or last)', code: 127, want: 'retry' },
    { name: 'UNSUPPORTED_VERSION (kraft.version 0)', code: 35, want: 'refuse' },
    { name: 'INCONSISTENT_CLUSTER_ID', code: 104, want: 'refuse' },
  ];
  for (const row of rows) t.equal(removalAnswer(row.code, null).kind, row.want, row.name);
});
