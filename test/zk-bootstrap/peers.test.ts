import t from 'tap';
import { peersFromText } from '../../zk-bootstrap/peers.ts';

const pod = { hostname: 'zoo-1', setName: 'zoo', ordinal: 1 };
const F = (i: number) => `zoo-${i}.zk.default.svc.cluster.local`;

t.test('splits the peer list into this pod and the others, sorted and deduplicated', async (t) => {
  const rows = [
    { name: 'peer-finder list', text: `${F(0)}\n${F(1)}\n${F(2)}\n`, self: F(1), others: [F(0), F(2)] },
    { name: 'only itself', text: `${F(1)}\n`, self: F(1), others: [] },
    { name: 'trailing dots, blanks, duplicates, no final newline', text: `\n${F(2)}.\n${F(1)}\n${F(2)}`, self: F(1), others: [F(2)] },
  ];
  for (const row of rows) t.same(peersFromText(row.text, { pod, address: undefined }), { self: row.self, others: row.others }, row.name);
  t.same(peersFromText('127.0.0.2\n127.0.0.3\n', { pod, address: '127.0.0.3' }), { self: '127.0.0.3', others: ['127.0.0.2'] }, 'matched by -address');
});

t.test('a list without this pod is refused, never read as "alone"', async (t) => {
  for (const text of ['', '\n', `${F(0)}\n${F(2)}\n`, `${F(11)}\n`]) {
    t.throws(() => peersFromText(text, { pod, address: undefined }), { code: 'ZK_PEERS_WITHOUT_SELF', exitCode: 2 }, JSON.stringify(text));
  }
});
