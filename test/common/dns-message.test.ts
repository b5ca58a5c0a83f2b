import t from 'tap';
import { encode, decode, type Packet } from 'dns-packet';
import { buildQuery, replyMatches, replyMeaning, decodeReply, framedMessage, EDNS_UDP_SIZE } from '../../common/dns-message.ts';

const query = buildQuery(4242, 'zk.default.svc.cluster.local.', 'SRV');
const reply = (overrides: Partial<Packet> & { rcode?: string }): ReturnType<typeof decode> =>
  decode(
    encode({
      type: 'response',
      id: 4242,
      flags: 0,
      questions: [{ type: 'SRV', class: 'IN', name: 'zk.default.svc.cluster.local' }],
      answers: [{ type: 'SRV', name: 'zk.default.svc.cluster.local', data: { target: 'zoo-0.zk.default.svc.cluster.local', port: 2181 } }],
      ...overrides,
    } as Packet),
  );

t.test('builds a recursive query with EDNS0 and a 1232-byte UDP size, framed for UDP and TCP', async (t) => {
  const sent = decode(query.udp);
  t.match(sent, { id: 4242, type: 'query', flag_rd: true, questions: [{ type: 'SRV', class: 'IN', name: 'zk.default.svc.cluster.local' }] });
  t.match(sent.additionals, [{ type: 'OPT', udpPayloadSize: EDNS_UDP_SIZE }]);
  t.equal(query.tcp.readUInt16BE(0), query.udp.length);
  t.same(query.tcp.subarray(2), query.udp);
});

t.test('drops replies that do not answer our question', async (t) => {
  const rows = [
    { name: 'our reply', packet: reply({}), want: true },
    { name: 'name in another case', packet: reply({ questions: [{ type: 'SRV', class: 'IN', name: 'ZK.default.svc.cluster.local' }] }), want: true },
    { name: 'another id (late or spoofed)', packet: reply({ id: 4243 }), want: false },
    { name: 'another name', packet: reply({ questions: [{ type: 'SRV', class: 'IN', name: 'evil.example' }] }), want: false },
    { name: 'another type', packet: reply({ questions: [{ type: 'A', class: 'IN', name: 'zk.default.svc.cluster.local' }] }), want: false },
    { name: 'a query, not a response', packet: reply({ type: 'query' }), want: false },
    { name: 'no question', packet: reply({ questions: [] }), want: false },
  ];
  for (const row of rows) t.equal(replyMatches(query, row.packet), row.want, row.name);
});

t.test('tells answers, missing names and server problems apart', async (t) => {
  const rows = [
    { name: 'SRV answers', packet: reply({}), want: { kind: 'answers' } },
    { name: 'NXDOMAIN', packet: reply({ flags: 3, answers: [] }), want: { kind: 'not-found', rcode: 'NXDOMAIN' } },
    { name: 'NOERROR without SRV is NODATA', packet: reply({ answers: [{ type: 'A', name: 'zk.default.svc.cluster.local', data: '10.0.0.1' }] }), want: { kind: 'not-found', rcode: 'NODATA' } },
    { name: 'SERVFAIL', packet: reply({ flags: 2, answers: [] }), want: { kind: 'error', reason: 'servfail' } },
    { name: 'REFUSED', packet: reply({ flags: 5, answers: [] }), want: { kind: 'error', reason: 'refused' } },
    { name: 'NOTIMP', packet: reply({ flags: 4, answers: [] }), want: { kind: 'error', reason: 'rcode', rcode: 'NOTIMP' } },
  ];
  for (const row of rows) t.match(replyMeaning('SRV', row.packet), row.want, row.name);
});

t.test('keeps the answers of a reply whose glue records are unreadable, as Go does', async (t) => {
  const good = encode({ type: 'response', id: 4242, flags: 0, questions: [{ type: 'SRV', class: 'IN', name: 'zk.default.svc.cluster.local' }], answers: [{ type: 'SRV', name: 'zk.default.svc.cluster.local', data: { target: 'zoo-0.zk.default.svc.cluster.local', port: 2181 } }] });
  // One additional A record whose owner name is a compression pointer to offset 1023, past the end (dnsmasq 2.90).
  const broken = Buffer.concat([good, Buffer.from([0xc3, 0xff, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 10, 0, 0, 1])]);
  broken.writeUInt16BE(1, 10);
  t.throws(() => decode(broken), 'dns-packet alone refuses it');
  const reply = decodeReply(broken);
  t.ok(reply && replyMatches(query, reply));
  t.match(reply && replyMeaning('SRV', reply), { kind: 'answers', answers: [{ data: { target: 'zoo-0.zk.default.svc.cluster.local' } }] });
});

t.test('decodes garbage to undefined instead of throwing', async (t) => {
  t.equal(decodeReply(Buffer.from([1, 2, 3])), undefined);
  t.ok(decodeReply(query.udp));
});

t.test('waits for a whole TCP message', async (t) => {
  t.equal(framedMessage(Buffer.from([0])), undefined);
  t.equal(framedMessage(query.tcp.subarray(0, 10)), undefined);
  t.same(framedMessage(Buffer.concat([query.tcp, Buffer.from([9, 9])])), query.udp);
});
