import t from 'tap';
import { endpointText, parseEndpoint, parseEndpoints } from '../../common/kafka-endpoint.ts';

t.test('host:port is parsed once for every agent: names, IPv4, bracketed IPv6; bad ports and shapes refused', async (t) => {
  const rows = [
    { name: 'a pod FQDN', text: 'ctrl-0.ctrl.default.svc.cluster.local:9093', want: { host: 'ctrl-0.ctrl.default.svc.cluster.local', port: 9093 } },
    { name: 'IPv4 with spaces around', text: ' 127.0.0.1:9092 ', want: { host: '127.0.0.1', port: 9092 } },
    { name: 'bracketed IPv6 loses its brackets', text: '[::1]:9093', want: { host: '::1', port: 9093 } },
    { name: 'port 0', text: 'kafka:0', want: undefined },
    { name: 'port past 65535', text: 'kafka:65536', want: undefined },
    { name: 'no port', text: 'kafka', want: undefined },
    { name: 'no host', text: ':9092', want: undefined },
    { name: 'a listener, not an endpoint', text: 'PLAINTEXT://kafka:9092x', want: undefined },
  ];
  for (const row of rows) t.same(parseEndpoint(row.text), row.want, row.name);
});

t.test('a bootstrap list is every entry or nothing, and prints back as Kafka writes it', async (t) => {
  t.same(parseEndpoints('a:1, [::1]:2,'), [
    { host: 'a', port: 1 },
    { host: '::1', port: 2 },
  ]);
  t.equal(parseEndpoints('a:1,b'), undefined, 'one bad entry');
  t.equal(parseEndpoints(' , '), undefined, 'empty');
  t.same((parseEndpoints('a:1,[::1]:2') ?? []).map(endpointText), ['a:1', '[::1]:2']);
});
