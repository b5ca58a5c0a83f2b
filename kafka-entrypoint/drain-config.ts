// The drain inputs of kafka-entrypoint (-brokers-file, -drain-throttle, -drain-timeout, read by readInputs) turned into DrainSettings,
// problems added to readConfig's list. Kept apart from config.ts so the drain is one call there.
import { targetFromProperties } from '../common/kafka-target.ts';
import type { Node } from './server-properties.ts';
import type { DrainSettings } from './drain.ts';
import type { Security } from '../common/kafka-security.ts';

export const DRAIN_MARKER = 'drained.json';

export const drainSettings = (
  values: { readonly brokersFile: string | undefined; readonly drainThrottle: number; readonly drainTimeout: number },
  node: Node | undefined,
  ordinal: number | undefined,
  s: { readonly brokerIdOffset: number; readonly dataDir: string },
  security: Security,
  problems: string[],
): DrainSettings | undefined => {
  const { brokersFile } = values;
  if (brokersFile === undefined || node === undefined || ordinal === undefined || !node.roles.includes('broker')) return undefined;
  const target = targetFromProperties(node.effective.props);
  if (!target.ok || target.target.broker === undefined) {
    problems.push(`-brokers-file: no broker listener to drain through (${target.ok ? 'none in listeners' : target.problem})`);
    return undefined;
  }
  if (target.target.brokerProtocol !== security.protocol) {
    problems.push(
      `-brokers-file: the drain speaks to the ${target.target.brokerProtocol} broker listener, but -command-config says ${security.protocol}: give -command-config that listener's client properties`,
    );
    return undefined;
  }
  return {
    ordinal,
    nodeId: node.nodeId,
    brokerIdOffset: s.brokerIdOffset,
    brokersFile,
    endpoint: target.target.broker,
    throttleBytes: values.drainThrottle,
    timeoutMs: values.drainTimeout,
    markerFile: `${s.dataDir.replace(/\/+$/, '')}/${DRAIN_MARKER}`,
    security,
  };
};
