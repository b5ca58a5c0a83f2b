import t from 'tap';
import fc from 'fast-check';
import { peersFromText } from '../../zk-bootstrap/peers.ts';
import { isHostName } from '../../common/k8s-names.ts';
import { AgentError } from '../../common/errors.ts';

const pod = { hostname: 'zoo-1', setName: 'zoo', ordinal: 1 };
const F = (i: number) => `zoo-${i}.zk.default.svc.cluster.local`;

t.test('splits the peer list into this pod and the others, sorted and deduplicated', async (t) => {
  const rows = [
    { name: 'peer-finder list', text: `${F(0)}\n${F(1)}\n${F(2)}\n`, self: F(1), others: [F(0), F(2)] },
    { name: 'only itself', text: `${F(1)}\n`, self: F(1), others: [] },
    { name: 'trailing dots, blanks, duplicates, no final newline', text: `\n${F(2)}.\n${F(1)}\n${F(2)}`, self: F(1), others: [F(2)] },
  ];
  for (const row of rows) t.same(peersFromText(row.text, { pod, address: undefined }), { self: row.self, others: row.others, dropped: [] }, row.name);
  t.same(
    peersFromText('127.0.0.2\n127.0.0.3\n', { pod, address: '127.0.0.3' }),
    { self: '127.0.0.3', others: ['127.0.0.2'], dropped: [] },
    'matched by -address',
  );
});

t.test('a list without this pod is refused, never read as "alone"', async (t) => {
  for (const text of ['', '\n', `${F(0)}\n${F(2)}\n`, `${F(11)}\n`, `${F(1)}\u0000\n${F(0)}\n`]) {
    t.throws(() => peersFromText(text, { pod, address: undefined }), { code: 'ZK_PEERS_WITHOUT_SELF', exitCode: 2 }, JSON.stringify(text));
  }
});

// Hostile-input issue 8 class 3 and issue 13 item 7: the decision is "drop the bad line and go on" while this pod's
// own entry and at least one valid other member remain (the pod starts, as an SRE wants); a list whose only other
// entries are bad is refused, because dropping them would turn "others exist" into "found a second ensemble".
t.test('lines that are not host names are dropped and reported, never used', async (t) => {
  const bad = ['zoo-9\u0000', 'zoo 9', 'zoo-9:2181', 'zoo-9,zoo-8', 'zoo-9\u0007', 'zoo-\ufffd9', 'server.9=x:1:2', 'zoo_9', '-zoo9', `${'a'.repeat(64)}.zk`];
  for (const line of bad) {
    const peers = peersFromText(`${F(0)}\n${line}\n${F(1)}\n`, { pod, address: undefined });
    t.same(peers, { self: F(1), others: [F(0)], dropped: [line] }, JSON.stringify(line));
  }
  t.throws(
    () => peersFromText(`${F(1)}\nzoo-2\u0000\n`, { pod, address: undefined }),
    { code: 'ZK_PEERS_INVALID', exitCode: 2 },
    'only bad others: refused, not founded',
  );
  const huge = `${F(1)}\n${'x\u0000'.repeat(50_000)}\n`;
  const error = (() => {
    try {
      peersFromText(huge, { pod, address: undefined });
    } catch (e) {
      return e as AgentError;
    }
  })();
  t.ok(error && error.message.length < 600 && !/\u0000/.test(error.message), 'the refusal is short and escaped');
});

t.test('a 1,000-member list is read whole', async (t) => {
  const text = Array.from({ length: 1000 }, (_, i) => F(i)).join('\n') + '\n';
  t.ok(text.length < 64 * 1024, `${text.length} bytes`);
  t.equal(peersFromText(text, { pod, address: undefined }).others.length, 999);
});

t.test('property: whatever is on stdin, only host names come out, or one exit-2 refusal', async (t) => {
  const line = fc.oneof(fc.constantFrom(F(0), F(1), F(2), '127.0.0.5'), fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }));
  fc.assert(
    fc.property(fc.array(line, { maxLength: 20 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
      let peers;
      try {
        peers = peersFromText(lines.join(eol), { pod, address: undefined });
      } catch (error) {
        if (!(error instanceof AgentError) || error.exitCode !== 2 || /[\n\u0000]/.test(error.message)) throw error;
        return;
      }
      for (const name of [peers.self ?? '', ...peers.others])
        if (!isHostName(name) || /[:,\s]/.test(name)) throw new Error(`bad name out: ${JSON.stringify(name)}`);
      if (peers.others.length + 1 > lines.length) throw new Error('more names out than lines in');
    }),
    { numRuns: 300 },
  );
  t.pass('held for 300 lists');
});
