// deploy/migration/: each phase Component rendered with deploy/ by kubectl kustomize, and what kafka-entrypoint makes
// of the rendered pods (readConfig on their args and env, offline): the properties each phase needs on each set.
import t from 'tap';
import { KUBECTL, render, statefulSets, type Obj, type Container } from '../fixtures/rendered.ts';
import { readConfig } from '../../kafka-entrypoint/config.ts';

const PHASES = ['controllers', 'brokers', 'kraft-brokers', 'finalize', 'kraft'] as const;

const mainContainer = (objs: Obj[], set: string): Container => {
  const s = statefulSets(objs).find((o) => o.metadata.name === set);
  return s?.spec.template.spec.containers[0] as Container;
};
const envOf = (c: Container): Record<string, string> =>
  Object.fromEntries((c.env ?? []).filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
// What the entrypoint renders for this pod of the set (the cluster id is ZooKeeper's at start: pinned here as the
// kafka-cluster-id ConfigMap would pin it after the migration).
const nodeOf = (objs: Obj[], set: string, ordinal: number) => {
  const c = mainContainer(objs, set);
  const env: Record<string, string> = {
    ...envOf(c),
    ...((c.env ?? []).some((e: { name: string }) => e.name === 'CLUSTER_ID') && { CLUSTER_ID: 'q1Sh-9_ISia_zwGINzRvyQ' }),
  };
  const config = readConfig(c.args ?? [], env, { hostname: `${set}-${ordinal}` });
  return { image: c.image, phase: env.KAFKA_MIGRATION_PHASE, props: Object.fromEntries(config.node.effective.props), node: config.node };
};

for (const phase of PHASES) {
  t.test(`deploy/ + migration/${phase}`, { skip: KUBECTL ? false : 'kubectl not found' }, async (t) => {
    const objs = render(KUBECTL!, [`migration/${phase}`]);
    t.same(
      statefulSets(objs)
        .map((s) => s.metadata.name)
        .sort(),
      ['kafka', 'kafka-controller', 'kraft', 'zoo'],
    );
    const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'kafka-controller-svc');
    t.equal(svc?.spec.clusterIP, 'None', 'the controllers have a headless Service');
    t.equal(svc?.spec.publishNotReadyAddresses, true, 'published before ready: the brokers dial them before the migration ends');
    const controller = nodeOf(objs, 'kafka-controller', 1);
    const broker = nodeOf(objs, 'kafka', 2);
    t.same(controller.node.roles, ['controller']);
    t.equal(controller.node.nodeId, 3001, 'controller ids start at 3000, clear of the broker ids');
    t.match(controller.props['controller.quorum.voters'], /^3000@kafka-controller-0\.kafka-controller-svc\.default\.svc\.cluster\.local:9093,3001@.*,3002@/);
    t.equal(broker.node.nodeId, 2, 'the broker keeps its id in every phase');
    if (phase === 'kraft') {
      t.equal(controller.phase, undefined);
      t.equal(broker.phase, undefined);
      t.equal(broker.image, 'statefulset-agents/kafka:dev-kraft');
      t.equal(controller.image, 'statefulset-agents/kafka:dev-kraft');
      t.same(broker.node.roles, ['broker'], 'a broker, not a combined node');
      t.equal(broker.props['zookeeper.connect'], undefined);
      t.equal(controller.props['zookeeper.connect'], undefined);
      t.equal(broker.props['controller.quorum.voters'], controller.props['controller.quorum.voters'], 'brokers and controllers agree on the voters');
      t.equal(broker.props['listeners'], 'PLAINTEXT://:9093', "the seed's listener, so clients keep their bootstrap address");
      return;
    }
    t.equal(controller.phase, phase);
    t.equal(controller.props['zookeeper.metadata.migration.enable'], phase === 'finalize' ? undefined : 'true');
    t.equal(
      broker.phase,
      phase === 'controllers' ? undefined : phase,
      phase === 'controllers' ? 'the brokers are not rolled in the first phase' : 'both sets in the same phase',
    );
    t.equal(broker.node.mode, phase === 'controllers' || phase === 'brokers' ? 'zookeeper' : 'kraft');
    if (phase === 'brokers') {
      t.equal(broker.props['zookeeper.metadata.migration.enable'], 'true');
      t.equal(broker.props['controller.quorum.voters'], controller.props['controller.quorum.voters'], 'brokers and controllers agree on the voters');
      t.equal(broker.props['inter.broker.protocol.version'], '3.9');
    }
  });
}
