// zk-wire on bytes: each request as ZooKeeper's Java client writes it (zookeeper.jute field order), each reply read back.
import t from 'tap';
import * as wire from '../../common/zk-wire.ts';

const hex = (b: Buffer): string => b.toString('hex');
// Hex with spaces between fields, for tables a reader can check against zookeeper.jute.
const h = (spaced: string): string => spaced.replaceAll(' ', '');
const ascii = (s: string): string => Buffer.from(s).toString('hex');

t.test('requests', async (t) => {
  const rows: Array<{ name: string; bytes: Buffer; want: string }> = [
    {
      name: 'ConnectRequest: protocol 0, zxid 0, timeout, session 0, 16-byte empty password, readOnly false',
      bytes: wire.connectRequest(4000),
      want: h(`0000002d 00000000 0000000000000000 00000fa0 0000000000000000 00000010 ${'00'.repeat(16)} 00`),
    },
    {
      name: 'AuthPacket on xid -4, opcode 100: type 0, scheme digest, user:password',
      bytes: wire.authRequest('super', 'pw'),
      want: h(`00000022 fffffffc 00000064 00000000 00000006 ${ascii('digest')} 00000008 ${ascii('super:pw')}`),
    },
    { name: 'SyncRequest: opcode 9, path', bytes: wire.syncRequest(1, '/'), want: h(`0000000d 00000001 00000009 00000001 ${ascii('/')}`) },
    {
      name: 'GetDataRequest: opcode 4, path, watch false',
      bytes: wire.getDataRequest(2, '/a'),
      want: h(`0000000f 00000002 00000004 00000002 ${ascii('/a')} 00`),
    },
    {
      name: 'GetChildrenRequest: opcode 8, path, watch false',
      bytes: wire.getChildrenRequest(7, '/b'),
      want: h(`0000000f 00000007 00000008 00000002 ${ascii('/b')} 00`),
    },
    {
      name: 'ReconfigRequest: opcode 16, joining, leaving null (-1), newMembers null, configId',
      bytes: wire.reconfigRequest(3, { joining: 's', leaving: null, newMembers: null, configId: 0x100000000n }),
      want: h(`0000001d 00000003 00000010 00000001 ${ascii('s')} ffffffff ffffffff 0000000100000000`),
    },
    {
      name: 'ReconfigRequest with any version (-1) and an empty joining string (length 0, not null)',
      bytes: wire.reconfigRequest(4, { joining: '', leaving: '2', newMembers: null, configId: -1n }),
      want: h(`0000001d 00000004 00000010 00000000 00000001 ${ascii('2')} ffffffff ffffffffffffffff`),
    },
    { name: 'CloseSession: opcode -11, no body', bytes: wire.closeRequest(5), want: h('00000008 00000005 fffffff5') },
    { name: 'UTF-8 is counted in bytes, not characters', bytes: wire.syncRequest(6, '/é'), want: h(`0000000f 00000006 00000009 00000003 2fc3a9`) },
  ];
  for (const row of rows) t.equal(hex(row.bytes), row.want, row.name);
});

t.test('splitFrames', async (t) => {
  const frames = (s: string) => wire.splitFrames(Buffer.from(h(s), 'hex'));
  const rows = [
    { name: 'two whole frames and a partial one', input: '00000001 aa 00000002 bbcc 00000003 dd', frames: ['aa', 'bbcc'], rest: '00000003dd', tooLarge: false },
    { name: 'a partial length', input: '0000', frames: [], rest: '0000', tooLarge: false },
    { name: 'an empty frame', input: '00000000', frames: [''], rest: '', tooLarge: false },
    { name: 'a length over the limit', input: `${(wire.MAX_FRAME_BYTES + 1).toString(16).padStart(8, '0')} 00`, frames: [], rest: '', tooLarge: true },
    { name: 'a negative length', input: 'ffffffff', frames: [], rest: '', tooLarge: true },
  ];
  for (const row of rows) {
    const got = frames(row.input);
    t.same(
      { frames: got.frames.map(hex), rest: hex(got.rest), tooLarge: got.tooLarge },
      { frames: row.frames, rest: row.rest, tooLarge: row.tooLarge },
      row.name,
    );
  }
});

t.test('replies', async (t) => {
  const buf = (s: string) => Buffer.from(h(s), 'hex');
  t.same(
    wire.connectResponse(buf(`00000000 00000fa0 0102030405060708 00000010 ${'ab'.repeat(16)} 00`)),
    { timeoutMs: 4000, sessionId: 0x0102030405060708n },
    'ConnectResponse: timeout and session id',
  );
  t.same(wire.connectResponse(buf('00000000 00000000 0000000000000000 00000000')), { timeoutMs: 0, sessionId: 0n }, 'an expired session: timeout 0');
  t.equal(wire.connectResponse(buf('00000000')), undefined, 'too short');

  t.same(
    wire.reply(buf('00000007 0000000000000009 ffffff9a 99')),
    { xid: 7, zxid: 9n, err: -102, body: buf('99') },
    'ReplyHeader: xid, zxid, err (NO_AUTH) and the body',
  );
  t.equal(wire.reply(buf('00000007 00')), undefined, 'a reply shorter than its header');

  t.equal(hex(wire.replyData(buf(`00000002 6869 ${'00'.repeat(68)}`)) as Buffer), '6869', 'GetDataResponse: the data, the Stat left unread');
  t.equal(hex(wire.replyData(buf('ffffffff')) as Buffer), '', 'null data is empty');
  t.equal(wire.replyData(buf('00000005 6869')), undefined, 'data longer than the frame');
  t.equal(wire.replyData(buf('00')), undefined, 'no length');
  t.same(wire.replyChildren(buf('00000002 00000001 31 00000002 3130')), ['1', '10'], 'GetChildrenResponse: the names');
  t.same(wire.replyChildren(buf('ffffffff')), [], 'a null vector is no children');
  t.equal(wire.replyChildren(buf('00000002 00000001 31')), undefined, 'fewer names than counted');
  t.equal(wire.replyChildren(buf('00000001 00000009 31')), undefined, 'a name longer than the frame');
  t.equal(wire.replyChildren(buf('7fffffff')), undefined, 'a count past the frame');
});
