import t from 'tap';
import { compareBytewise, sortedMembers, hookInput, hookEnv } from '../../peer-finder/hook.ts';

t.test('sorts members byte-wise like Go sort.Strings, without duplicates', async (t) => {
  const rows = [
    { name: 'zoo-10 before zoo-2', members: ['zoo-2.zk', 'zoo-10.zk', 'zoo-1.zk'], want: ['zoo-1.zk', 'zoo-10.zk', 'zoo-2.zk'] },
    { name: 'upper case before lower case', members: ['b', 'B', 'a'], want: ['B', 'a', 'b'] },
    { name: 'duplicates once', members: ['a', 'a'], want: ['a'] },
    { name: 'prefix first', members: ['ab', 'a'], want: ['a', 'ab'] },
    { name: 'astral code points after U+FFFF, as in UTF-8', members: ['\u{1F600}', '\uFFFD'], want: ['\uFFFD', '\u{1F600}'] },
  ];
  for (const row of rows) t.same(sortedMembers(row.members), row.want, row.name);
  t.equal(compareBytewise('a', 'a'), 0);
});

t.test('hands the hook one member per line with a final newline', async (t) => {
  t.equal(hookInput(['a', 'b', 'c']), 'a\nb\nc\n');
  t.equal(hookInput(['only']), 'only\n');
});

t.test('tells the hook who it is and how many members there are', async (t) => {
  const env = hookEnv({
    event: 'start',
    self: 'zoo-2.zk.default.svc.cluster.local',
    hostname: 'zoo-2',
    ordinal: 2,
    service: 'zk',
    namespace: 'default',
    clusterDomain: 'cluster.local',
    members: ['a', 'b', 'c'],
  });
  t.same(env, {
    PEER_FINDER_EVENT: 'start',
    PEER_FINDER_SELF: 'zoo-2.zk.default.svc.cluster.local',
    PEER_FINDER_HOSTNAME: 'zoo-2',
    PEER_FINDER_ORDINAL: '2',
    PEER_FINDER_MEMBER_COUNT: '3',
    PEER_FINDER_SERVICE: 'zk',
    PEER_FINDER_NAMESPACE: 'default',
    PEER_FINDER_DOMAIN: 'cluster.local',
  });
  t.equal(
    hookEnv({ event: 'change', self: 'x', hostname: 'web', ordinal: undefined, service: '', namespace: '', clusterDomain: '', members: [] })
      .PEER_FINDER_ORDINAL,
    '',
  );
});

t.test('orders like UTF-8 bytes across the whole code point range', async (t) => {
  const samples = ['a', 'z', '\u00e9', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}', 'ab', 'a\u{1f600}', 'a\uffff'];
  const byBytes = [...samples].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  t.same(sortedMembers(samples), byBytes);
});
