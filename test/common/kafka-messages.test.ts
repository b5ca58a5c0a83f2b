import t from 'tap';
import { Reader, Writer } from '../../common/kafka-wire.ts';
import {
  parseApiVersions,
  parseDescribeQuorum,
  parseRemoveRaftVoter,
  removeRaftVoterRequest,
  requestFrame,
  uuidBytes,
  uuidText,
} from '../../common/kafka-messages.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const DIR = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

t.test('Kafka Uuids read and print as Kafka does (URL-safe base64, no padding)', async (t) => {
  t.equal(uuidText(DIR), 'AQIDBAUGBwgJCgsMDQ4PEA');
  t.same(uuidBytes('AQIDBAUGBwgJCgsMDQ4PEA'), DIR);
  for (const bad of ['', 'AQID', 'AQIDBAUGBwgJCgsMDQ4PEA==', 'not a uuid at all!!!!!']) t.equal(uuidBytes(bad), undefined, JSON.stringify(bad));
});

t.test('RemoveRaftVoter v0 is a flexible request: cluster id, voter id, directory id', async (t) => {
  const frame = requestFrame(removeRaftVoterRequest('abc', 2, DIR), 7, 'c');
  // size, api key 81, version 0, correlation 7, client id "c", header tags, then the body.
  const body = '04616263' + '00000002' + hex(DIR) + '00';
  t.equal(hex(frame), `${(2 + 2 + 4 + 3 + 1 + body.length / 2).toString(16).padStart(8, '0')}005100000000000700016300${body}`);
  t.equal(hex(removeRaftVoterRequest(null, 2, DIR).body).slice(0, 2), '00', 'a null cluster id is length 0');
  t.throws(() => removeRaftVoterRequest('abc', 2, new Uint8Array(3)), { name: 'WireError' });
});

t.test('a RemoveRaftVoter answer gives its error code and message', async (t) => {
  const ok = new Writer().int32(0).int16(0).compactString(null).noTags().done();
  t.same(parseRemoveRaftVoter(new Reader(ok)), { errorCode: 0, errorMessage: null });
  const refused = new Writer().int32(0).int16(127).compactString('Cannot remove voter').noTags().done();
  t.same(parseRemoveRaftVoter(new Reader(refused)), { errorCode: 127, errorMessage: 'Cannot remove voter' });
});

t.test('DescribeQuorum v2 keeps each voter directory id', async (t) => {
  const replica = (w: Writer, id: number): Writer => w.int32(id).uuid(DIR).int32(0).int32(10).int32(0).int32(5).int32(0).int32(9).noTags();
  const w = new Writer()
    .int16(0)
    .compactString(null)
    .compactArrayLength(1)
    .compactString('__cluster_metadata')
    .compactArrayLength(1)
    .int32(0)
    .int16(0)
    .compactString(null)
    .int32(1)
    .int32(4)
    .int32(0)
    .int32(10);
  replica(w.compactArrayLength(1), 1);
  w.compactArrayLength(0).noTags().noTags().noTags();
  const q = parseDescribeQuorum(new Reader(w.done()), 2);
  t.same(q.voters, [{ replicaId: 1, directoryId: 'AQIDBAUGBwgJCgsMDQ4PEA', logEndOffset: 10n, lastCaughtUpTimestamp: 9n }]);
  t.equal(q.leaderId, 1);
});

t.test('ApiVersions v3 gives the finalized-features epoch (tag 1), -1 when the node has replayed no metadata', async (t) => {
  const versions = (tags: (w: Writer) => Writer): Writer => tags(new Writer().int16(0).compactArrayLength(1).int16(18).int16(0).int16(4).noTags().int32(0));
  const epoch = new Writer().int32(0).int32(42).done(); // int64 42
  const supported = new Writer().compactArrayLength(0).noTags().done();
  const withEpoch = versions((w) => w.uvarint(2).uvarint(0).uvarint(supported.length).bytes(supported).uvarint(1).uvarint(epoch.length).bytes(epoch)).done();
  t.same(parseApiVersions(new Reader(withEpoch), 3), { errorCode: 0, apis: new Map([[18, { min: 0, max: 4 }]]), finalizedFeaturesEpoch: 42 });
  t.equal(parseApiVersions(new Reader(versions((w) => w.noTags()).done()), 3).finalizedFeaturesEpoch, -1, 'no tag: no metadata');
  const v0 = new Writer().int16(35).int32(1).int16(18).int16(0).int16(3).done();
  t.same(
    parseApiVersions(new Reader(v0), 3),
    { errorCode: 35, apis: new Map([[18, { min: 0, max: 3 }]]), finalizedFeaturesEpoch: -1 },
    'the v0 fallback layout',
  );
});
