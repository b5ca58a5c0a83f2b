import t from 'tap';
import fc from 'fast-check';
import { encode, decode, type Packet } from 'dns-packet';
import { buildQuery, replyMatches, replyMismatch, replyMeaning, decodeReply, framedMessage, EDNS_UDP_SIZE } from '../../common/dns-message.ts';

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
    {
      name: 'NOERROR without SRV is NODATA',
      packet: reply({ answers: [{ type: 'A', name: 'zk.default.svc.cluster.local', data: '10.0.0.1' }] }),
      want: { kind: 'not-found', rcode: 'NODATA' },
    },
    { name: 'SERVFAIL', packet: reply({ flags: 2, answers: [] }), want: { kind: 'error', reason: 'servfail' } },
    { name: 'REFUSED', packet: reply({ flags: 5, answers: [] }), want: { kind: 'error', reason: 'refused' } },
    { name: 'NOTIMP', packet: reply({ flags: 4, answers: [] }), want: { kind: 'error', reason: 'rcode', rcode: 'NOTIMP' } },
  ];
  for (const row of rows) t.match(replyMeaning('SRV', row.packet), row.want, row.name);
});

t.test('keeps the answers of a reply whose glue records are unreadable, as Go does', async (t) => {
  const good = encode({
    type: 'response',
    id: 4242,
    flags: 0,
    questions: [{ type: 'SRV', class: 'IN', name: 'zk.default.svc.cluster.local' }],
    answers: [{ type: 'SRV', name: 'zk.default.svc.cluster.local', data: { target: 'zoo-0.zk.default.svc.cluster.local', port: 2181 } }],
  });
  // One additional A record whose owner name is a compression pointer to offset 1023, past the end (dnsmasq 2.90).
  const broken = Buffer.concat([good, Buffer.from([0xc3, 0xff, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 10, 0, 0, 1])]);
  broken.writeUInt16BE(1, 10);
  t.throws(() => decode(broken), 'dns-packet alone refuses it');
  const decoded = decodeReply(broken);
  t.ok(decoded.kind === 'ok' && replyMatches(query, decoded.reply));
  t.match(decoded.kind === 'ok' && replyMeaning('SRV', decoded.reply), {
    kind: 'answers',
    answers: [{ data: { target: 'zoo-0.zk.default.svc.cluster.local' } }],
  });
});

// Hand-made wire bytes: header, then the rest. Offsets: the question name starts at 12.
const header = (counts: [number, number, number, number], id = 4242): Buffer => {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(0x8180, 2); // response, RD, RA
  counts.forEach((c, i) => b.writeUInt16BE(c, 4 + 2 * i));
  return b;
};
const QNAME = Buffer.from([2, 0x7a, 0x6b, 0]); // "zk."
const QTAIL = Buffer.from([0, 33, 0, 1]); // SRV IN

t.test('says what is wrong with an answer it cannot use, instead of just dropping it', async (t) => {
  const good = encode({
    type: 'response',
    id: 1,
    flags: 0,
    questions: [{ type: 'SRV', class: 'IN', name: 'zk' }],
    answers: [{ type: 'SRV', name: 'zk', data: { target: 'zoo-0.zk', port: 1 } }],
  });
  const rows = [
    { name: 'shorter than a header', bytes: Buffer.from([1, 2, 3]), reason: /shorter than a DNS header/ },
    { name: 'a pointer to itself (a loop)', bytes: Buffer.concat([header([1, 0, 0, 0]), Buffer.from([0xc0, 12]), QTAIL]), reason: /compression pointer loop/ },
    {
      name: 'two pointers to each other',
      bytes: Buffer.concat([header([1, 1, 0, 0]), QNAME, QTAIL, Buffer.from([1, 0x61, 0xc0, 30, 0, 33, 0, 1, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 1, 0xc0, 25])]),
      reason: /compression pointer loop/,
    },
    {
      name: 'a name over 255 bytes',
      bytes: Buffer.concat([
        header([1, 0, 0, 0]),
        ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)])),
        Buffer.from([0]),
        QTAIL,
      ]),
      reason: /longer than 255 bytes/,
    },
    { name: 'counts promising more records than present', bytes: Buffer.concat([header([1, 5, 0, 0]), QNAME, QTAIL]), reason: /truncated.*counts/ },
    { name: 'cut in the middle of a record', bytes: good.subarray(0, good.length - 3), reason: /truncated/ },
    { name: 'a reserved label type', bytes: Buffer.concat([header([1, 0, 0, 0]), Buffer.from([0x40, 0]), QTAIL]), reason: /reserved type/ },
  ];
  for (const row of rows) t.match(decodeReply(row.bytes), { kind: 'malformed', reason: row.reason }, row.name);
  t.match(decodeReply(query.udp), { kind: 'ok' });
});

t.test('says why a decodable reply is not for our query', async (t) => {
  const rows = [
    { name: 'wrong id', packet: reply({ id: 7 }), want: /wrong id 7 \(asked with 4242\)/ },
    {
      name: 'two questions',
      packet: reply({
        questions: [
          { type: 'SRV', class: 'IN', name: 'zk.default.svc.cluster.local' },
          { type: 'SRV', class: 'IN', name: 'x' },
        ],
      }),
      want: /2 questions instead of 1/,
    },
    { name: 'a query', packet: reply({ type: 'query' }), want: /not a response/ },
    { name: 'another question', packet: reply({ questions: [{ type: 'A', class: 'IN', name: 'zk.default.svc.cluster.local' }] }), want: /different question/ },
  ];
  for (const row of rows) t.match(replyMismatch(query, row.packet), row.want, row.name);
});

const wellFormed = fc
  .record({
    id: fc.integer({ min: 0, max: 65535 }),
    targets: fc.array(fc.string({ unit: fc.constantFrom('a', 'z', '0', '-', '.', '_'), minLength: 1, maxLength: 30 }), { maxLength: 5 }),
  })
  .map(({ id, targets }) =>
    encode({
      type: 'response',
      id,
      flags: 0,
      questions: [{ type: 'SRV', class: 'IN', name: 'zk.default' }],
      answers: targets.map((target, i) => ({
        type: 'SRV',
        name: 'zk.default',
        data: { target: target.replace(/\.+/g, '.').replace(/^\.|\.$/g, '') || 'x', port: i },
      })),
    } as Packet),
  );

t.test('property: random, garbage and mutated packets decode or are malformed, never throw, never loop', async (t) => {
  const check = (bytes: Uint8Array): boolean => {
    const decoded = decodeReply(Buffer.from(bytes));
    if (decoded.kind === 'malformed') return typeof decoded.reason === 'string' && decoded.reason.length < 200;
    replyMismatch(query, decoded.reply);
    replyMeaning('SRV', decoded.reply);
    return true;
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), check), { numRuns: 500 });
  const mutated = fc
    .tuple(wellFormed, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat())
    .map(([packet, edits, cut]) => {
      const bytes = Buffer.from(packet);
      for (const [at, value] of edits) bytes[at % bytes.length] = value;
      return bytes.subarray(0, Math.max(0, bytes.length - (cut % 4)));
    });
  fc.assert(fc.property(mutated, check), { numRuns: 1000 });
  // Pointers anywhere, to anywhere: a packet made mostly of 0xc0 bytes.
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(0xc0, 0x0c, 0x00, 0x01, 0x3f), { minLength: 12, maxLength: 300 }).map((a) => Uint8Array.from(a)),
      check,
    ),
    { numRuns: 300 },
  );
  t.pass('bounded');
});

t.test('waits for a whole TCP message', async (t) => {
  t.equal(framedMessage(Buffer.from([0])), undefined);
  t.equal(framedMessage(query.tcp.subarray(0, 10)), undefined);
  t.same(framedMessage(Buffer.concat([query.tcp, Buffer.from([9, 9])])), query.udp);
});
