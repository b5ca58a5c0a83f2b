import t from 'tap';
import { Cluster, skipUnlessRoot } from '../harness/index.ts';
import { replaySeedScenario } from './seed-scenario.ts';

t.test(
  'the seed scenario passes end to end with our agents: ZooKeeper by reconfig, Kafka 3.9 from the seed overrides, scale to 4',
  { skip: skipUnlessRoot },
  async (t) => {
    const cluster = await Cluster.create(t);
    const r = await replaySeedScenario(cluster, (line) => t.comment(line));
    t.same(r.zkOrder, ['zoo-0', 'zoo-1', 'zoo-2'], 'ZooKeeper pods became Ready in order');
    t.same(r.zkRoot, ['zookeeper'], 'ls / on zoo-0 shows [zookeeper]');
    t.same(r.brokerIds, [0, 1, 2], 'broker ids are the ordinals');
    t.equal(r.topic.length, 3, 'topic test has 3 partitions');
    t.ok(
      r.topic.every((p) => p.replicas.length === 2),
      'each with 2 replicas',
    );
    t.same(r.consumed, ['I like kafka', 'hello world'].sort(), 'lines produced on kafka-1 arrive at the consumer on kafka-0');
    t.same(r.brokersAfterScale, [0, 1, 2, 3], 'kafka-3 joins with broker id 3');
    t.same(r.brokerIdByPod, { 'kafka-0': 0, 'kafka-1': 1, 'kafka-2': 2, 'kafka-3': 3 }, 'each pod registered with its ordinal as broker id');
  },
);
