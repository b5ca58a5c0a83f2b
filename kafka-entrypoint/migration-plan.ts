// Kafka 3.9's move from ZooKeeper to KRaft (KIP-866) as four phases, one `kubectl apply` each (docs/migration.md).
// Every pod of both StatefulSets gets the same phase (-migration-phase, env KAFKA_MIGRATION_PHASE); what it means for
// this node follows from its role, and the facts read from ZooKeeper decide whether the step is safe. Pure.
import { excerpt } from '../common/log.ts';
import { jsonField, migrationState, type ZookeeperFacts } from '../common/kafka-migration.ts';

export { zookeeperParts, type ZookeeperFacts } from '../common/kafka-migration.ts';

export const MIGRATION_PHASES = ['controllers', 'brokers', 'kraft-brokers', 'finalize'] as const;
export type MigrationPhase = (typeof MIGRATION_PHASES)[number];

/** What the phase makes of this node. */
export type MigrationRole = {
  readonly phase: MigrationPhase;
  /** The mode the node runs in: controllers are KRaft from the start, brokers from kraft-brokers on. */
  readonly mode: 'zookeeper' | 'kraft';
  /** zookeeper.metadata.migration.enable=true (and zookeeper.connect kept): controllers until finalized, brokers in `brokers`. */
  readonly migrating: boolean;
  /** A ZooKeeper-mode broker that also registers with the KRaft controllers: needs their quorum and listener. */
  readonly talksToControllers: boolean;
  /** The start check that makes the step safe, run against ZooKeeper before anything is written. */
  readonly check: 'none' | 'migrated' | 'finalizable';
  /** zookeeper.connect: kept in server.properties while migrating, else read only by the checks. */
  readonly zookeeper: string;
};

export const migrationRole = (phase: MigrationPhase, isController: boolean, zookeeper: string): MigrationRole => {
  if (isController) {
    const finalize = phase === 'finalize';
    return { phase, mode: 'kraft', migrating: !finalize, talksToControllers: false, check: finalize ? 'finalizable' : 'none', zookeeper };
  }
  if (phase === 'controllers') return { phase, mode: 'zookeeper', migrating: false, talksToControllers: false, check: 'none', zookeeper };
  if (phase === 'brokers') return { phase, mode: 'zookeeper', migrating: true, talksToControllers: true, check: 'none', zookeeper };
  return { phase, mode: 'kraft', migrating: false, talksToControllers: false, check: phase === 'kraft-brokers' ? 'migrated' : 'none', zookeeper };
};

export type MigrationVerdict =
  | { readonly ok: true; readonly clusterId: string; readonly detail: string }
  | { readonly ok: false; readonly code: MigrationRefusal; readonly message: string };

export type MigrationRefusal = 'MIGRATION_NO_CLUSTER' | 'MIGRATION_CLUSTER_ID_MISMATCH' | 'MIGRATION_NOT_DONE' | 'MIGRATION_ZK_BROKERS_LEFT';

// Decide for a KRaft node of the migration (a controller in any phase, a broker from kraft-brokers on): the cluster id
// is ZooKeeper's (a configured one must agree, never a derived one: that would be a second cluster), and the phase's
// check must hold. ZooKeeper-mode brokers need no decision: Kafka reads the id from ZooKeeper itself.
export const migrationVerdict = (
  role: MigrationRole,
  configuredClusterId: { value: string; source: string } | undefined,
  facts: ZookeeperFacts,
): MigrationVerdict => {
  const zkId = jsonField(facts.clusterIdJson, 'id');
  if (typeof zkId !== 'string' || zkId === '')
    return {
      ok: false,
      code: 'MIGRATION_NO_CLUSTER',
      message: `ZooKeeper ${excerpt(role.zookeeper)} has no Kafka cluster id (/cluster/id ${facts.clusterIdJson === undefined ? 'missing' : excerpt(facts.clusterIdJson)}): check zookeeper.connect (and its chroot) names the ZooKeeper of the brokers being migrated`,
    };
  if (configuredClusterId !== undefined && configuredClusterId.value !== zkId)
    return {
      ok: false,
      code: 'MIGRATION_CLUSTER_ID_MISMATCH',
      message: `the cluster id ${configuredClusterId.value} from ${configuredClusterId.source} is not the migrated cluster's ${zkId} (ZooKeeper /cluster/id): set CLUSTER_ID=${zkId} or remove the setting; nothing was changed`,
    };
  const state = migrationState(facts);
  if (role.check === 'migrated' && !state.migrated)
    return {
      ok: false,
      code: 'MIGRATION_NOT_DONE',
      message: `a KRaft broker may start only after the controllers migrated the metadata, and ${state.detail}: finish phase "brokers" first (every broker rolled with it, every controller Ready); nothing was changed`,
    };
  if (role.check === 'finalizable') {
    if (!state.migrated)
      return {
        ok: false,
        code: 'MIGRATION_NOT_DONE',
        message: `finalizing needs a finished migration, and ${state.detail}: go back to phase "kraft-brokers" and finish it; nothing was changed`,
      };
    if (facts.zkBrokerIds.length > 0)
      return {
        ok: false,
        code: 'MIGRATION_ZK_BROKERS_LEFT',
        message: `broker${facts.zkBrokerIds.length > 1 ? 's' : ''} ${facts.zkBrokerIds.slice(0, 10).join(',')} still run${facts.zkBrokerIds.length > 1 ? '' : 's'} in ZooKeeper mode (/brokers/ids): finalizing now would cut them off; roll every broker with phase "kraft-brokers" first; nothing was changed`,
      };
  }
  return { ok: true, clusterId: zkId, detail: state.detail };
};
