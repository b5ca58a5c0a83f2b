// Kafka 3.9's move from ZooKeeper to KRaft (KIP-866) as four phases, one `kubectl apply` each (docs/migration.md).
// Every pod of both StatefulSets gets the same phase (-migration-phase, env KAFKA_MIGRATION_PHASE); what it means for
// this node follows from its role, and the facts read from ZooKeeper decide whether the step is safe. Pure.
import { excerpt } from '../common/log.ts';

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

/** ZooKeeper's hosts and the chroot Kafka's znodes live under (`zoo-0:2181,zoo-1:2181/kafka` → `/kafka`). */
export const zookeeperParts = (connect: string): { readonly hosts: string; readonly chroot: string } => {
  const slash = connect.indexOf('/');
  return slash === -1 ? { hosts: connect, chroot: '' } : { hosts: connect.slice(0, slash), chroot: connect.slice(slash).replace(/\/+$/, '') };
};

/** What the checks read from ZooKeeper (under the chroot); undefined: no such znode. */
export type ZookeeperFacts = {
  /** /cluster/id: `{"version":"1","id":"<cluster id>"}`, written by the first ZooKeeper-mode broker. */
  readonly clusterIdJson: string | undefined;
  /** /migration: the KRaft controller's migration state (KIP-866), written once it took over. */
  readonly migrationJson: string | undefined;
  /** /brokers/ids: the ZooKeeper-mode brokers alive now (ephemeral znodes; KRaft brokers never register there). */
  readonly zkBrokerIds: readonly string[];
};

export type MigrationVerdict =
  | { readonly ok: true; readonly clusterId: string; readonly detail: string }
  | { readonly ok: false; readonly code: MigrationRefusal; readonly message: string };

export type MigrationRefusal = 'MIGRATION_NO_CLUSTER' | 'MIGRATION_CLUSTER_ID_MISMATCH' | 'MIGRATION_NOT_DONE' | 'MIGRATION_ZK_BROKERS_LEFT';

const jsonField = (text: string | undefined, key: string): unknown => {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
};

/** Whether the controllers have copied ZooKeeper's metadata into the KRaft log: /migration holds the KRaft offset the
 * copy ended at (-1 while it waits for every broker to register with migration enabled). */
export const migrationState = (facts: Pick<ZookeeperFacts, 'migrationJson'>): { readonly migrated: boolean; readonly detail: string } => {
  const offset = jsonField(facts.migrationJson, 'kraft_metadata_offset');
  if (facts.migrationJson === undefined) return { migrated: false, detail: 'no /migration znode: no KRaft controller has taken over yet' };
  if (typeof offset !== 'number') return { migrated: false, detail: `/migration ${excerpt(facts.migrationJson)} holds no kraft_metadata_offset` };
  return offset >= 0
    ? {
        migrated: true,
        detail: `metadata migrated (kraft_metadata_offset ${offset}, controller ${String(jsonField(facts.migrationJson, 'kraft_controller_id'))})`,
      }
    : { migrated: false, detail: 'the controllers wait for every broker to register with migration enabled (kraft_metadata_offset -1)' };
};

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
