// The resident health endpoints (issue 10): what /livez and /readyz check, what /status shows, and whether the JVM
// is exec'd or supervised. Pure.
import { targetFromProperties, checkTarget, type CheckName, type KafkaCheck } from '../common/kafka-target.ts';
import type { Security } from '../common/kafka-security.ts';
import type { Node } from './server-properties.ts';

export type Health = {
  readonly port: number;
  readonly checkTimeoutMs: number;
  readonly checks: Readonly<Record<CheckName, KafkaCheck>>;
};

export type HealthChecksResult = { readonly ok: true; readonly checks: Health['checks'] } | { readonly ok: false; readonly problem: string };

// The checks behind /livez and /readyz, built once from the properties this entrypoint writes to server.properties,
// exactly as kafka-probe builds them from that file (same target, same listener choice, same verdict code).
export const healthChecks = (props: ReadonlyMap<string, string>, security: Security, maxLagMs: number): HealthChecksResult => {
  const target = targetFromProperties(props);
  if (!target.ok) return { ok: false, problem: `-health-port: cannot tell what to check: ${target.problem}` };
  const build = (check: CheckName): KafkaCheck | string => {
    const { role, endpoint } = checkTarget(check, target.target);
    const zookeeperMigration = check === 'ready' && role === 'controller' ? target.target.zookeeperMigration : undefined;
    return endpoint
      ? { check, nodeId: target.target.nodeId, role, endpoint, maxLagMs, security, zookeeperMigration }
      : `-health-port: no ${role} listener to check ${check} on`;
  };
  const live = build('live');
  const ready = build('ready');
  if (typeof live === 'string') return { ok: false, problem: live };
  if (typeof ready === 'string') return { ok: false, problem: ready };
  return { ok: true, checks: { live, ready } };
};

export type JvmRun = { readonly kind: 'exec' } | { readonly kind: 'supervise'; readonly why: string };

// exec keeps the JVM as the container's PID 1 and costs nothing; the entrypoint stays its parent only when it has
// work while the JVM runs (health endpoints) or after it stops (leaving the quorum).
export const jvmRun = (config: { readonly health: Health | undefined; readonly leave: unknown; readonly drain?: unknown }): JvmRun => {
  const why = [
    config.health && `health endpoints on port ${config.health.port}`,
    config.leave && 'leave the quorum after a scale-down',
    config.drain && 'drain before the JVM stops on a scale-down',
  ].filter(Boolean);
  return why.length === 0 ? { kind: 'exec' } : { kind: 'supervise', why: why.join(', ') };
};

// /status: who this node is, for a human with curl; never a secret (no properties, no credentials).
export const healthStatus = (node: Node, clusterId: string | undefined, jvmPid: number | undefined): Readonly<Record<string, unknown>> => ({
  agent: 'kafka-entrypoint',
  mode: node.mode,
  [node.idKey]: node.nodeId,
  roles: node.roles,
  fqdn: node.fqdn ?? null,
  quorum: node.quorum.kind,
  clusterId: clusterId ?? null,
  jvm: { pid: jvmPid ?? null },
});
