import t from 'tap';
import { podIdentityFromHostname } from '../../common/hostname.ts';
import { AgentError } from '../../common/errors.ts';

t.test('takes the ordinal after the last dash, as the seed did with ${HOSTNAME##*-}', async (t) => {
  const rows = [
    { name: 'first pod', hostname: 'zoo-0', set: 'zoo', ordinal: 0 },
    { name: 'dashed set name', hostname: 'my-kafka-12', set: 'my-kafka', ordinal: 12 },
    { name: 'fqdn', hostname: 'kafka-2.kafka.default.svc.cluster.local', set: 'kafka', ordinal: 2 },
    { name: 'trailing newline from /etc/hostname', hostname: 'zoo-3\n', set: 'zoo', ordinal: 3 },
  ];
  for (const row of rows) {
    const id = podIdentityFromHostname(row.hostname);
    t.same({ set: id.setName, ordinal: id.ordinal }, { set: row.set, ordinal: row.ordinal }, row.name);
  }
});

t.test('refuses a hostname without an ordinal, naming it', async (t) => {
  for (const hostname of ['zoo', 'zoo-', 'zoo-01', 'zoo-x', '', 'ZOO-1']) {
    t.throws(() => podIdentityFromHostname(hostname), { code: 'HOSTNAME_NO_ORDINAL', exitCode: 2 }, JSON.stringify(hostname));
  }
  const error = (() => {
    try {
      podIdentityFromHostname('web');
    } catch (e) {
      return e;
    }
  })();
  t.ok(error instanceof AgentError);
});
