import t from 'tap';
import { brokerVerdict, controllerVerdict, liveVerdict } from '../../common/kafka-verdict.ts';
import type { DescribeQuorum, Metadata } from '../../common/kafka-messages.ts';

const metadata = (ids: number[]): Metadata => ({ brokers: ids.map((nodeId) => ({ nodeId, host: 'h', port: 1, rack: null })), clusterId: 'c', controllerId: 0 });
const replica = (replicaId: number, caughtUp: bigint) => ({ replicaId, logEndOffset: 10n, lastCaughtUpTimestamp: caughtUp });
const quorum = (over: Partial<DescribeQuorum>): DescribeQuorum => ({
  errorCode: 0,
  partitionErrorCode: 0,
  leaderId: 0,
  leaderEpoch: 3,
  highWatermark: 10n,
  voters: [replica(0, 10_000n), replica(1, 9_500n), replica(2, 1_000n)],
  observers: [replica(5, 10_000n)],
  ...over,
});

t.test('broker readiness is its own id in the metadata, not merely an answer', async (t) => {
  const rows = [
    { name: 'registered', v: brokerVerdict(metadata([0, 1, 2]), 1), kind: 'ok' },
    { name: 'others registered, not this one (starting or fenced)', v: brokerVerdict(metadata([0, 2]), 1), kind: 'fail' },
    { name: 'no broker at all (the seed tool looped forever here)', v: brokerVerdict(metadata([]), 1), kind: 'fail' },
  ];
  for (const row of rows) t.equal(row.v.kind, row.kind, row.name);
});

t.test('controller readiness is a caught-up voter of the quorum', async (t) => {
  const rows = [
    { name: 'the leader', v: controllerVerdict(quorum({}), 0, 2000), kind: 'ok' },
    { name: 'a voter caught up 500 ms behind the leader', v: controllerVerdict(quorum({}), 1, 2000), kind: 'ok' },
    { name: 'a voter 9 s behind', v: controllerVerdict(quorum({}), 2, 2000), kind: 'fail' },
    { name: 'an observer that has not joined yet', v: controllerVerdict(quorum({}), 5, 2000), kind: 'fail' },
    { name: 'not in the quorum at all', v: controllerVerdict(quorum({}), 9, 2000), kind: 'fail' },
    { name: 'a voter that never caught up', v: controllerVerdict(quorum({ voters: [replica(0, 10n), replica(1, -1n)] }), 1, 2000), kind: 'fail' },
    { name: 'an error from the leader', v: controllerVerdict(quorum({ partitionErrorCode: 6 }), 0, 2000), kind: 'fail' },
  ];
  for (const row of rows) t.equal(row.v.kind, row.kind, row.name);
});

t.test('liveness is an ApiVersions answer without error', async (t) => {
  t.equal(liveVerdict({ errorCode: 0, apis: new Map([[18, { min: 0, max: 4 }]]), finalizedFeaturesEpoch: -1 }).kind, 'ok');
  t.equal(liveVerdict({ errorCode: 35, apis: new Map(), finalizedFeaturesEpoch: -1 }).kind, 'fail');
});
