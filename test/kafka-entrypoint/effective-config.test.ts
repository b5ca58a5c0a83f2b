import t from 'tap';
import { effectiveConfigLines, REDACTED } from '../../kafka-entrypoint/effective-config.ts';
import { layerOf } from '../../kafka-entrypoint/layers.ts';

t.test('prints every key with its source and redacts secrets', async (t) => {
  const layer = layerOf(
    new Map([
      ['ssl.keystore.password', 'hunter2'],
      ['listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config', 'x required username="a" password="b";'],
      ['ssl.key.password', 'k'],
      ['log.dirs', '/data'],
    ]),
    () => 'env KAFKA_X',
  );
  const lines = effectiveConfigLines(layer);
  t.same(
    lines.map((l) => l.key),
    [...layer.props.keys()].sort(),
  );
  t.equal(lines.find((l) => l.key === 'log.dirs')?.value, '/data');
  t.equal(lines.filter((l) => l.value === REDACTED).length, 3);
  t.equal(lines[0]?.source, 'env KAFKA_X');
});
