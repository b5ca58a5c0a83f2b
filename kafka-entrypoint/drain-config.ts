// The drain inputs of kafka-entrypoint (-brokers-file, -drain-throttle, -drain-timeout) turned into DrainSettings,
// problems added to readConfig's list. Kept apart from config.ts so the drain is one call there.
import { durationInRange } from '../common/flags.ts';
import { KAFKA_DURATION_RANGE } from '../common/kafka-durations.ts';
import { targetFromProperties } from '../common/kafka-target.ts';
import { excerpt } from '../common/log.ts';
import type { Node } from './server-properties.ts';
import type { DrainSettings } from './drain.ts';

export const DEFAULT_DRAIN_THROTTLE = 52_428_800;
export const DEFAULT_DRAIN_TIMEOUT = '4m';
export const DRAIN_MARKER = 'drained.json';

export const drainSettings = (
  get: (name: string) => string | undefined,
  node: Node | undefined,
  ordinal: number | undefined,
  s: { readonly brokerIdOffset: number; readonly dataDir: string },
  problems: string[],
): DrainSettings | undefined => {
  const brokersFile = get('brokers-file');
  const throttleText = get('drain-throttle');
  const throttleBytes = throttleText === undefined ? DEFAULT_DRAIN_THROTTLE : /^\d{1,12}$/.test(throttleText) && Number(throttleText) >= 1024 ? Number(throttleText) : undefined;
  if (throttleBytes === undefined) problems.push(`-drain-throttle=${excerpt(throttleText ?? '')}: expected bytes per second, a whole number of at least 1024`);
  const timeoutMs = durationInRange('-drain-timeout', get('drain-timeout') ?? DEFAULT_DRAIN_TIMEOUT, { ...KAFKA_DURATION_RANGE, example: DEFAULT_DRAIN_TIMEOUT }, problems);
  if (brokersFile === undefined || node === undefined || ordinal === undefined || !node.roles.includes('broker')) return undefined;
  const target = targetFromProperties(node.effective.props);
  if (!target.ok || target.target.broker === undefined) {
    problems.push(`-brokers-file: no broker listener to drain through (${target.ok ? 'none in listeners' : target.problem})`);
    return undefined;
  }
  if (target.target.brokerProtocol !== 'PLAINTEXT') {
    problems.push(`-brokers-file: the drain speaks PLAINTEXT only for now, the broker listener is ${target.target.brokerProtocol}`);
    return undefined;
  }
  return {
    ordinal,
    nodeId: node.nodeId,
    brokerIdOffset: s.brokerIdOffset,
    brokersFile,
    endpoint: target.target.broker,
    throttleBytes: throttleBytes ?? DEFAULT_DRAIN_THROTTLE,
    timeoutMs: timeoutMs ?? 240_000,
    markerFile: `${s.dataDir.replace(/\/+$/, '')}/${DRAIN_MARKER}`,
  };
};
