// What ZooKeeper says about a Kafka cluster's move to KRaft (KIP-866): the znodes kafka-entrypoint's migration checks
// and a migrating controller's readiness read, and what they mean. The reading needs a ZooKeeper session
// (zk-session.ts), loaded only when a node takes part in a migration.
import { excerpt } from './log.ts';
import type { Verdict } from './probe-verdict.ts';

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

export const jsonField = (text: string | undefined, key: string): unknown => {
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

// Read the three znodes in one session within timeoutMs (ZK_UNREACHABLE / ZK_TIMEOUT otherwise).
export const readKafkaZnodes = async (connect: string, timeoutMs: number): Promise<ZookeeperFacts> => {
  const { openSession } = await import('./zk-session.ts');
  const { readData, readChildren } = await import('./zk-read.ts');
  const { hosts, chroot } = zookeeperParts(connect);
  const session = await openSession({ connectString: hosts, timeoutMs });
  try {
    const [clusterIdJson, migrationJson, zkBrokerIds] = await Promise.all([
      readData(session, `${chroot}/cluster/id`),
      readData(session, `${chroot}/migration`),
      readChildren(session, `${chroot}/brokers/ids`),
    ]);
    return { clusterIdJson, migrationJson, zkBrokerIds: zkBrokerIds ?? [] };
  } finally {
    session.close();
  }
};

// A controller in migration mode is ready only once the metadata is migrated: before that the cluster is not served
// by it (and the runbook's next phase must wait).
export const migrationReadyVerdict = (facts: Pick<ZookeeperFacts, 'migrationJson'>): Verdict => {
  const state = migrationState(facts);
  return state.migrated ? { kind: 'ok', detail: state.detail } : { kind: 'fail', detail: `migration not finished: ${state.detail}` };
};
