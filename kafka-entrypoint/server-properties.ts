// The effective server.properties: built-in defaults and values derived from the pod (id, listeners, quorum),
// under the user's layers (file, env, --override). Pure: every problem is returned, nothing is thrown.
import type { PodIdentity } from '../common/hostname.ts';
import { excerpt } from '../common/log.ts';
import { overlay, layerOf, type Layered, type Source } from './layers.ts';
import { parseListeners, advertisedListeners, renderListeners, type Listener } from '../common/kafka-listeners.ts';
import { quorumFor, type Quorum } from './quorum.ts';
import type { Role } from '../common/kafka-target.ts';
import { migrationRole, type MigrationPhase, type MigrationRole } from './migration-plan.ts';

export type Mode = 'zookeeper' | 'kraft';

export type Settings = {
  readonly mode: Mode | undefined;
  /** The ZooKeeper-to-KRaft migration phase all pods share (migration-plan.ts), unset outside a migration. */
  readonly migration?: MigrationPhase | undefined;
  readonly quorum: 'static' | 'dynamic' | undefined;
  readonly pod: PodIdentity;
  readonly service: string | undefined;
  readonly namespace: string;
  readonly domain: string;
  readonly controllerSet: string | undefined;
  readonly controllerService: string | undefined;
  readonly controllers: number | undefined;
  readonly brokerIdOffset: number;
  readonly controllerIdOffset: number;
  readonly port: number;
  readonly controllerPort: number;
  readonly rack: string | undefined;
  readonly dataDir: string;
};

export type Node = {
  readonly mode: Mode;
  readonly roles: readonly Role[];
  readonly nodeId: number;
  /** `broker.id` in ZooKeeper mode, `node.id` in KRaft: the key meta.properties stores the id under. */
  readonly idKey: 'broker.id' | 'node.id';
  readonly fqdn: string | undefined;
  readonly quorum: Quorum;
  readonly logDirs: readonly string[];
  /** Where KRaft keeps __cluster_metadata (metadata.log.dir, else the first log dir). */
  readonly metadataLogDir: string;
  readonly effective: Layered;
  /** Settings Kafka 3.9/4.x will refuse or ignore, logged before the JVM starts so the fix is named early. */
  readonly warnings: readonly string[];
  /** What the migration phase makes of this node; undefined outside a migration. */
  readonly migration?: MigrationRole | undefined;
};

/** Kafka node ids are int32 (node.id, broker.id, the ids in controller.quorum.voters). */
export const MAX_NODE_ID = 2 ** 31 - 1;
/** A DNS name, the pod FQDN advertised to clients, has at most 253 characters. */
const MAX_FQDN = 253;

// The id of the pod with this ordinal under this offset, or why there is none (past int32: Kafka would refuse it,
// or a voter id would silently wrap).
export const nodeIdFor = (ordinal: number, offset: number): number | string =>
  ordinal + offset <= MAX_NODE_ID
    ? ordinal + offset
    : `ordinal ${ordinal} + offset ${offset} = ${ordinal + offset} is past the largest Kafka node id ${MAX_NODE_ID}; lower the id offset flag`;

export type NodeResult = { readonly ok: true; readonly node: Node } | { readonly ok: false; readonly problems: readonly string[] };

// The seed's inter.broker.protocol.version=0.10.2-IV0 makes Kafka 3.x exit at start ("log.message.format.version
// 3.0-IV1 can only be used when inter.broker.protocol.version is set to version 0.11.0 or higher").
const warningsFor = (effective: Layered): string[] => {
  const ibp = effective.props.get('inter.broker.protocol.version');
  const old = ibp !== undefined && /^0\.(\d+)/.exec(ibp);
  return old && Number(old[1]) < 11
    ? [`${named('inter.broker.protocol.version', effective)}=${ibp} is refused by Kafka 3.x (needs 0.11.0 or later); remove it to use the broker's own version`]
    : [];
};

const named = (key: string, user: Layered): string => `${key} (from ${user.sources.get(key) ?? 'default'})`;

const rolesFrom = (mode: Mode, user: Layered, problems: string[], migration: MigrationRole | undefined): readonly Role[] => {
  if (mode === 'zookeeper') return ['broker'];
  // A migrated broker set names no roles: it was a ZooKeeper-mode broker until this phase.
  const text = user.props.get('process.roles') ?? (migration ? 'broker' : 'broker,controller');
  const roles = [...new Set(text.split(',').map((s) => s.trim()))].sort() as Role[];
  if (roles.length === 0 || roles.some((r) => r !== 'broker' && r !== 'controller')) {
    problems.push(`${named('process.roles', user)}=${excerpt(text)}: use broker, controller or broker,controller`);
    return ['broker'];
  }
  return roles;
};

const modeFrom = (settings: Settings, user: Layered, problems: string[], migration: MigrationRole | undefined): Mode => {
  if (migration) {
    if (settings.mode !== undefined && settings.mode !== migration.mode)
      problems.push(
        `--mode=${settings.mode} disagrees with --migration-phase=${migration.phase}, which runs this node in ${migration.mode} mode; remove --mode`,
      );
    return migration.mode;
  }
  const zk = user.props.has('zookeeper.connect');
  const mode = settings.mode ?? (zk ? 'zookeeper' : 'kraft');
  if (mode === 'kraft' && zk) problems.push(`${named('zookeeper.connect', user)} is set but --mode=kraft; remove one (ZooKeeper mode ends with Kafka 3.9)`);
  if (mode === 'zookeeper' && !zk) problems.push('zookeeper.connect is missing: set KAFKA_ZOOKEEPER_CONNECT or --override zookeeper.connect=zoo-0.zk:2181,...');
  if (mode === 'zookeeper' && user.props.has('process.roles')) problems.push(`${named('process.roles', user)} is KRaft-only; remove it in ZooKeeper mode`);
  return mode;
};

const defaultListeners = (mode: Mode, roles: readonly Role[], s: Settings): Listener[] => [
  ...(roles.includes('broker') ? [{ name: 'PLAINTEXT', host: '', port: s.port }] : []),
  ...(mode === 'kraft' && roles.includes('controller') ? [{ name: 'CONTROLLER', host: '', port: s.controllerPort }] : []),
];

// The controller listener's name (the first of controller.listener.names, CONTROLLER by default) and the defaults
// that let a node speak to it: KRaft nodes, and ZooKeeper-mode brokers registering with KRaft controllers.
const controllerListenerDefaults = (user: Layered, defaults: Map<string, string>): string => {
  defaults.set('controller.listener.names', 'CONTROLLER');
  const ctrlName = (user.props.get('controller.listener.names') ?? 'CONTROLLER').split(',')[0]?.trim().toUpperCase() ?? 'CONTROLLER';
  if (!user.props.has('listener.security.protocol.map'))
    defaults.set('listener.security.protocol.map', `${ctrlName}:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL`);
  return ctrlName;
};

const rolesIn = (user: Layered): string[] => (user.props.get('process.roles') ?? '').split(',').map((r) => r.trim());

// The migration phase for this node, and the user layer it runs with: a KRaft node that no longer migrates reads
// zookeeper.connect only for its start check (Kafka would refuse it in server.properties).
const migrationOf = (settings: Settings, user: Layered, problems: string[]): { migration: MigrationRole | undefined; user: Layered } => {
  if (settings.migration === undefined) return { migration: undefined, user };
  const zookeeper = user.props.get('zookeeper.connect');
  if (zookeeper === undefined)
    problems.push(`--migration-phase=${settings.migration} needs zookeeper.connect (KAFKA_ZOOKEEPER_CONNECT) on every pod until the migration is finalized`);
  const migration = migrationRole(settings.migration, rolesIn(user).includes('controller'), zookeeper ?? '');
  if (migration.mode === 'zookeeper' || migration.migrating) return { migration, user };
  const props = new Map(user.props);
  props.delete('zookeeper.connect');
  return { migration, user: { props, sources: user.sources } };
};

// The properties a migration phase adds (KIP-866): the flag on migrating nodes, and on a ZooKeeper-mode broker that
// registers with the KRaft controllers their quorum, their listener and the inter-broker protocol the migration needs.
const migrationProps = (
  migration: MigrationRole,
  settings: Settings,
  user: Layered,
  nodeId: number,
  derived: Map<string, string>,
  defaults: Map<string, string>,
  problems: string[],
): void => {
  if (migration.migrating) derived.set('zookeeper.metadata.migration.enable', 'true');
  if (!migration.talksToControllers) return;
  controllerListenerDefaults(user, defaults);
  const ibp = user.props.get('inter.broker.protocol.version');
  if (ibp !== undefined && !/^3\.9(\b|-)/.test(ibp))
    problems.push(`${named('inter.broker.protocol.version', user)}=${excerpt(ibp)}: the migration needs 3.9 on every broker; remove it`);
  defaults.set('inter.broker.protocol.version', '3.9');
  const q = quorumFor(settings, user, { roles: ['broker'], nodeId, controllerPort: settings.controllerPort });
  problems.push(...q.problems);
  for (const [k, v] of q.props) derived.set(k, v);
};

// Resolve the node and its effective properties, or every problem found.
export const resolveNode = (settings: Settings, given: Layered): NodeResult => {
  const problems: string[] = [];
  const { migration, user } = migrationOf(settings, given, problems);
  const mode = modeFrom(settings, user, problems, migration);
  const roles = rolesFrom(mode, user, problems, migration);
  const isController = roles.includes('controller');
  const offset = isController ? settings.controllerIdOffset : settings.brokerIdOffset;
  const id = nodeIdFor(settings.pod.ordinal, offset);
  if (typeof id === 'string') return { ok: false, problems: [...problems, id] };
  const nodeId = id;
  const idKey = mode === 'zookeeper' ? 'broker.id' : 'node.id';
  for (const key of ['broker.id', 'node.id']) {
    const given = user.props.get(key);
    if (given !== undefined && given !== String(nodeId)) {
      problems.push(
        `${named(key, user)}=${given} disagrees with id ${nodeId} derived from hostname ${settings.pod.hostname} (ordinal ${settings.pod.ordinal} + offset ${offset}); remove it or change the id offset flag`,
      );
    }
  }
  const fqdn = settings.service === undefined ? undefined : `${settings.pod.hostname}.${settings.service}.${settings.namespace}.svc.${settings.domain}`;
  if (fqdn !== undefined && fqdn.length > MAX_FQDN)
    problems.push(`the pod FQDN ${excerpt(fqdn)} is ${fqdn.length} characters, past DNS's ${MAX_FQDN}; shorten the names (-service, -namespace, -domain)`);
  const derived = new Map<string, string>([[idKey, String(nodeId)]]);
  const defaults = new Map<string, string>();
  if (!user.props.has('log.dirs') && !user.props.has('log.dir')) defaults.set('log.dirs', `${settings.dataDir.replace(/\/+$/, '')}/data`);
  const listenerText = user.props.get('listeners') ?? renderListeners(defaultListeners(mode, roles, settings));
  const parsed = parseListeners(listenerText);
  if (!parsed.ok) problems.push(`${named('listeners', user)} ${parsed.reason}`);
  const listeners = parsed.ok ? parsed.listeners : [];
  if (!user.props.has('listeners')) derived.set('listeners', listenerText);
  let quorum: Quorum = { kind: 'none' };
  if (mode === 'kraft') {
    derived.set('process.roles', roles.join(','));
    const ctrlName = controllerListenerDefaults(user, defaults);
    const ctrlPort = listeners.find((l) => l.name === ctrlName)?.port ?? settings.controllerPort;
    const q = quorumFor(settings, user, { roles, nodeId, controllerPort: ctrlPort });
    problems.push(...q.problems);
    quorum = q.quorum;
    for (const [k, v] of q.props) derived.set(k, v);
    if (!user.props.has('advertised.listeners') && fqdn !== undefined) {
      // A dynamic quorum finds voters through the advertised controller endpoint (KIP-853); a static one must not
      // advertise it on Kafka 3.x controllers.
      const shown = listeners.filter((l) => l.name !== ctrlName || quorum.kind === 'dynamic');
      if (shown.length > 0) derived.set('advertised.listeners', renderListeners(advertisedListeners(shown, fqdn)));
    }
    if (isController && quorum.kind === 'dynamic' && fqdn === undefined)
      problems.push('--service is missing: a dynamic quorum needs the controller listener advertised with the pod FQDN');
  } else if (!user.props.has('advertised.listeners') && fqdn !== undefined && listeners.length > 0) {
    derived.set('advertised.listeners', renderListeners(advertisedListeners(listeners, fqdn)));
  }
  if (migration) migrationProps(migration, settings, user, nodeId, derived, defaults, problems);
  if (settings.rack !== undefined && roles.includes('broker')) derived.set('broker.rack', settings.rack);
  if (user.props.has('log.dir') && user.props.has('log.dirs'))
    problems.push(`${named('log.dir', user)} is ignored by Kafka because log.dirs is also set; keep one`);
  const effective = overlay(
    overlay(
      layerOf(defaults, () => 'default'),
      layerOf(derived, () => 'derived' as Source),
    ),
    user,
  );
  const logDirs = (effective.props.get('log.dirs') ?? effective.props.get('log.dir') ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  if (logDirs.length === 0) problems.push('log.dirs is empty: set --data-dir or KAFKA_LOG_DIRS');
  for (const key of ['log.dirs', 'log.dir', 'metadata.log.dir']) {
    const text = effective.props.get(key);
    const entries = (text ?? '')
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    if (text !== undefined && key === 'metadata.log.dir' && entries.length !== 1) problems.push(`${named(key, effective)} must be one absolute path`);
    // Kafka resolves a relative log dir against its working directory: data would land wherever the JVM started.
    for (const dir of entries) {
      if (!dir.startsWith('/') || /[\u0000-\u001f\u007f]/.test(dir)) problems.push(`${named(key, effective)} entry ${excerpt(dir)} is not an absolute path`);
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const metadataLogDir = effective.props.get('metadata.log.dir') ?? (logDirs[0] as string);
  return { ok: true, node: { mode, roles, nodeId, idKey, fqdn, quorum, logDirs, metadataLogDir, effective, warnings: warningsFor(effective), migration } };
};
