// A Kafka node's id, roles and the listeners to dial from inside its own pod, read from the server.properties
// kafka-entrypoint wrote: kafka-probe needs no flags of its own in a pod, and `kafka-entrypoint leave` finds its own
// controller, and what a health check (kafka-probe, kafka-entrypoint's endpoints) asks of which listener. Pure.
import { parseListeners, type Listener } from './kafka-listeners.ts';
import type { Endpoint } from './kafka-endpoint.ts';
import type { Security } from './kafka-security.ts';

/** The KRaft process roles (a ZooKeeper-mode node is a broker). */
export type Role = 'broker' | 'controller';

export type Target = {
  readonly nodeId: number;
  /** Roles the node runs; a combined node is probed as a broker unless -role=controller. */
  readonly roles: readonly Role[];
  readonly broker: Endpoint | undefined;
  readonly controller: Endpoint | undefined;
  /** Security protocol of the broker listener (from listener.security.protocol.map). */
  readonly brokerProtocol: string;
  /** A controller in ZooKeeper-migration mode: its zookeeper.connect, where readiness reads the migration state. */
  readonly zookeeperMigration?: string | undefined;
};

export type TargetResult = { readonly ok: true; readonly target: Target } | { readonly ok: false; readonly problem: string };

const PROTOCOLS = new Set(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']);

// A wildcard or empty listener host is dialled on loopback: the probe runs in the broker's own pod.
const dialable = (l: Listener): Endpoint => ({
  host: l.host === '' || l.host === '0.0.0.0' || l.host === '[::]' ? '127.0.0.1' : l.host.replace(/^\[|\]$/g, ''),
  port: l.port,
});

const protocolMap = (text: string | undefined): Map<string, string> =>
  new Map(
    (text ?? '')
      .split(',')
      .map((p) => p.trim().split(':'))
      .filter((kv) => kv.length === 2)
      .map(([k, v]) => [(k as string).toUpperCase(), (v as string).toUpperCase()]),
  );

export const targetFromProperties = (props: ReadonlyMap<string, string>): TargetResult => {
  const idText = props.get('node.id') ?? props.get('broker.id');
  if (idText === undefined || !/^\d+$/.test(idText)) return { ok: false, problem: 'node.id / broker.id is missing or not a number' };
  const zk = props.has('zookeeper.connect') && !props.has('process.roles');
  const roles = zk
    ? (['broker'] as Role[])
    : (props.get('process.roles') ?? '')
        .split(',')
        .map((r) => r.trim())
        .filter((r): r is Role => r === 'broker' || r === 'controller');
  if (roles.length === 0) return { ok: false, problem: 'process.roles is missing (and no zookeeper.connect)' };
  const parsed = parseListeners(props.get('listeners') ?? 'PLAINTEXT://:9092');
  if (!parsed.ok) return { ok: false, problem: `listeners ${parsed.reason}` };
  const controllerNames = new Set(
    (props.get('controller.listener.names') ?? '')
      .split(',')
      .map((n) => n.trim().toUpperCase())
      .filter(Boolean),
  );
  const map = protocolMap(props.get('listener.security.protocol.map'));
  const protocolOf = (name: string): string => map.get(name) ?? (PROTOCOLS.has(name) ? name : 'PLAINTEXT');
  const brokerListeners = parsed.listeners.filter((l) => !controllerNames.has(l.name));
  // Prefer the inter-broker listener: every broker has it, so the Metadata answer lists this node on it.
  const interBroker = props.get('inter.broker.listener.name')?.toUpperCase();
  const brokerListener =
    brokerListeners.find((l) => l.name === interBroker) ?? brokerListeners.find((l) => protocolOf(l.name) === 'PLAINTEXT') ?? brokerListeners[0];
  const controllerListener = parsed.listeners.find((l) => controllerNames.has(l.name));
  return {
    ok: true,
    target: {
      nodeId: Number(idText),
      roles,
      broker: roles.includes('broker') && brokerListener ? dialable(brokerListener) : undefined,
      controller: roles.includes('controller') && controllerListener ? dialable(controllerListener) : undefined,
      brokerProtocol: brokerListener ? protocolOf(brokerListener.name) : 'PLAINTEXT',
      zookeeperMigration:
        roles.includes('controller') && props.get('zookeeper.metadata.migration.enable') === 'true' ? props.get('zookeeper.connect') : undefined,
    },
  };
};

/** kafka-probe's `live` and `ready`, kafka-entrypoint's /livez and /readyz. */
export type CheckName = 'live' | 'ready';

/** What one check asks of which listener; the deadline is the caller's (a probe's -timeout, an HTTP request's). */
export type KafkaCheck = {
  readonly check: CheckName;
  readonly nodeId: number;
  readonly role: Role;
  readonly endpoint: Endpoint;
  readonly maxLagMs: number;
  readonly security: Security;
  /** ready of a controller in migration mode also needs the metadata migrated (kafka-migration.ts). */
  readonly zookeeperMigration?: string | undefined;
};

/** Controller ready: how far behind the leader a voter may have last caught up, unless told otherwise. */
export const DEFAULT_MAX_LAG = '2s';

// The role a check judges and the listener it dials, unless flags name them: a node without the broker role is
// judged as a controller. live asks the listener that opens first: a KRaft broker listener opens only once unfenced
// (KAFKA-14658).
export const checkTarget = (
  check: CheckName,
  target: Target | undefined,
  given: { readonly role?: Role | undefined; readonly endpoint?: Endpoint | undefined } = {},
): { readonly role: Role; readonly endpoint: Endpoint | undefined } => {
  const role = given.role ?? (target && !target.roles.includes('broker') ? 'controller' : 'broker');
  const listener = check === 'live' ? (target?.controller ?? target?.broker) : role === 'controller' ? target?.controller : target?.broker;
  return { role, endpoint: given.endpoint ?? listener };
};
