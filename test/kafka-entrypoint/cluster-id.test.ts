import t from 'tap';
import { clusterIdFromSeed, clusterIdProblem } from '../../kafka-entrypoint/cluster-id.ts';

t.test('derives the same valid Kafka Uuid from the same seed on every pod', async (t) => {
  const a = clusterIdFromSeed('default/kafka');
  t.equal(a, clusterIdFromSeed('default/kafka'));
  t.equal(a.length, 22);
  t.equal(clusterIdProblem(a), undefined);
  t.not(a, clusterIdFromSeed('prod/kafka'));
});

t.test('never derives an id starting with a dash, over many seeds', async (t) => {
  for (let i = 0; i < 2000; i++) {
    const id = clusterIdFromSeed(`seed-${i}`);
    if (clusterIdProblem(id) !== undefined || id.startsWith('-')) t.fail(`seed-${i} gave ${id}`);
  }
  t.pass('all valid');
});

t.test('checks given ids as Kafka would', async (t) => {
  const rows = [
    { name: 'random-uuid output', id: 'MkU3OEVBNTcwNTJENDM2Qg', ok: true },
    { name: 'too short', id: 'abc', ok: false },
    { name: 'not base64url', id: 'MkU3OEVBNTcwNTJENDM2Q+', ok: false },
    // A ZooKeeper-mode cluster's id may start with "-" (seen: -jF1aVBCTmC8tgh9r2P-Eg); its migration keeps it.
    { name: 'leading dash', id: '-jF1aVBCTmC8tgh9r2P-Eg', ok: true },
    { name: 'all zeros', id: 'AAAAAAAAAAAAAAAAAAAAAA', ok: false },
  ];
  for (const row of rows) t.equal(clusterIdProblem(row.id) === undefined, row.ok, row.name);
});
