// zk-session's pure part: the servers a connect string names (the sockets are tested in zk-admin.cli.test.ts).
import t from 'tap';
import { serverAddresses } from '../../common/zk-session.ts';

t.test('serverAddresses', async (t) => {
  const rows = [
    {
      name: 'host names with ports, in order',
      input: 'zoo-0.zk:2181,zoo-1.zk:3181',
      want: [
        { host: 'zoo-0.zk', port: 2181 },
        { host: 'zoo-1.zk', port: 3181 },
      ],
    },
    { name: 'no port: 2181', input: '10.0.0.5', want: [{ host: '10.0.0.5', port: 2181 }] },
    { name: 'bracketed IPv6', input: '[fd00::1]:2182', want: [{ host: 'fd00::1', port: 2182 }] },
    {
      name: 'empty entries are skipped',
      input: 'a:1,,b:2,',
      want: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2 },
      ],
    },
    { name: 'nothing', input: '', want: [] },
  ];
  for (const row of rows) t.same(serverAddresses(row.input), row.want, row.name);
});
