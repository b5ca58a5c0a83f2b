// kafkajs 2.2.4 is unmaintained and Kafka 4.0 removed old protocol versions (KIP-896): prove the round trip the
// tests and clients rely on still works against the Kafka 4.x broker this project ships.
import t from 'tap';
import { waitFor } from '../../harness/wait.ts';
import { Kafka, logLevel } from 'kafkajs';
import { startKraftNode, liveBrokerIds } from '../../fixtures/real-kafka.ts';
import { consumeLines } from '../../fixtures/kafkajs-consume.ts';

t.test('kafkajs creates a topic, produces and consumes in a group against Kafka 4.2.2', async (t) => {
  const node = await startKraftNode(t, { version: '4.2.2' });
  await waitFor('node 0 registered', async () => ((await liveBrokerIds(node.port)).includes(0) ? true : undefined), { timeoutMs: 90_000, intervalMs: 200 });
  const kafka = new Kafka({ clientId: 'kafkajs-4x', brokers: [`127.0.0.1:${node.port}`], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  t.ok(await admin.createTopics({ topics: [{ topic: 'test', numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true }));
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'test', messages: [{ value: 'I like kafka' }, { value: 'hello world' }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: 'kafkajs-4x', sessionTimeout: 10_000 });
  await consumer.connect();
  t.teardown(() => consumer.disconnect());
  t.same(await consumeLines(consumer, 'test', 2, 60_000), ['I like kafka', 'hello world'].sort());
  const offsets = await admin.fetchOffsets({ groupId: 'kafkajs-4x', topics: ['test'] });
  t.equal(offsets[0]?.partitions.length, 3, 'group offsets readable (OffsetFetch negotiated)');
});
