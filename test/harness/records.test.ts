import t from 'tap';
import { serviceRecords } from './service.ts';
import { dnsmasqFiles } from './dns.ts';
import { expandVars, kubeletResolvConf } from './pod.ts';

const endpoints = [
  { hostname: 'zoo-0', ip: '10.0.0.10' },
  { hostname: 'zoo-1', ip: '10.0.0.11' },
];

t.test('serves the records CoreDNS serves for a headless service', async (t) => {
  const records = serviceRecords([{ name: 'zk', ports: [{ name: 'peer', port: 2888 }] }], () => endpoints, 'default', 'cluster.local');
  t.same(records.a.get('zoo-1.zk.default.svc.cluster.local'), ['10.0.0.11'], 'an A record per pod');
  t.same(records.a.get('zk.default.svc.cluster.local'), ['10.0.0.10', '10.0.0.11'], 'the service name resolves to every pod');
  t.same(
    records.srv.get('zk.default.svc.cluster.local')?.map((r) => r.target),
    ['zoo-0.zk.default.svc.cluster.local', 'zoo-1.zk.default.svc.cluster.local'],
    'SRV on the bare service name, as peer-finder queries it',
  );
  t.equal(records.srv.get('_peer._tcp.zk.default.svc.cluster.local')?.[0]?.port, 2888, 'SRV per named port');
});

t.test('a service without endpoints has no records at all (NXDOMAIN)', async (t) => {
  const records = serviceRecords([{ name: 'zk' }], () => [], 'default', 'cluster.local');
  t.equal(records.a.size + records.srv.size, 0);
});

t.test('renders dnsmasq files that keep the zone local', async (t) => {
  const records = serviceRecords([{ name: 'zk', ports: [{ name: 'client', port: 2181 }] }], () => endpoints, 'default', 'cluster.local');
  const files = dnsmasqFiles(records, '10.0.0.2', '/x', 'cluster.local');
  t.match(files.conf, /^local=\/cluster\.local\/$/m);
  t.match(files.conf, /^srv-host=zk\.default\.svc\.cluster\.local,zoo-0\.zk\.default\.svc\.cluster\.local,2181,0,50$/m);
  t.match(files.hosts, /^10\.0\.0\.11 zoo-1\.zk\.default\.svc\.cluster\.local$/m);
});

t.test('expands $(VAR) like a Kubernetes container spec and leaves unknown ones', async (t) => {
  t.equal(expandVars('$(VOLUME)/zoo.cfg $(NOPE)', { VOLUME: '/v' }), '/v/zoo.cfg $(NOPE)');
});

t.test('writes resolv.conf as kubelet does', async (t) => {
  t.equal(
    kubeletResolvConf('prod', 'cluster.local', ['10.0.0.2']),
    'search prod.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.0.0.2\noptions ndots:5\n',
  );
});
