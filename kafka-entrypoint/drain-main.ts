// The two places the drain touches the entrypoint's run: a start on a drained volume is refused, and a stop signal
// drains first. Kept out of main.ts so main stays one call each.
import { AgentError } from '../common/errors.ts';
import { log } from '../common/log.ts';
import { drainBroker, type DrainEffects, type DrainSettings } from './drain.ts';
import { returningCheck } from './drain-plan.ts';
import type { LogDirState } from './storage-plan.ts';
import { CODES, EVENTS } from './catalogue.ts';

// A drained broker id never serves its old log dirs silently (drain-plan.ts returningProblem says why and the fix).
export const refuseReturning = async (s: DrainSettings, dirs: readonly LogDirState[], fx: DrainEffects): Promise<void> => {
  const text = await fx.readText(s.markerFile);
  const problem = returningCheck(
    typeof text === 'string' ? text : undefined,
    dirs.some((d) => d.kind === 'meta'),
    s.markerFile,
    `kubectl delete pvc of this pod, after scaling it away`,
  );
  if (problem) throw new AgentError(CODES.DRAINED_BROKER_RETURNS, problem, { context: { marker: s.markerFile } });
};

// The supervisor's beforeStop: drain, log the outcome in one line, never throw (the JVM is stopped either way).
// A refusal moves nothing and makes the container exit 2 after the JVM's clean stop.
export const drainBeforeStop = (s: DrainSettings, fx: DrainEffects): { readonly run: () => Promise<void>; readonly refused: () => boolean } => {
  let refused = false;
  const run = async (): Promise<void> => {
    try {
      const outcome = await drainBroker(s, fx);
      if (outcome.kind === 'refused') {
        refused = true;
        log.error(EVENTS['kafka-entrypoint.drain-refused'], { code: outcome.code, detail: outcome.detail });
      } else if (outcome.kind === 'timed-out') log.error(EVENTS['kafka-entrypoint.drain-timed-out'], { code: outcome.code, detail: outcome.detail });
      else log.info(EVENTS['kafka-entrypoint.drain-done'], { outcome: outcome.kind, detail: outcome.detail });
    } catch (error) {
      log.error(EVENTS['kafka-entrypoint.drain-failed'], {
        code: (error as AgentError).code ?? CODES.DRAIN_FAILED.code,
        message: (error as Error).message,
        hint: 'the JVM stops anyway; check replicas with kafka-topics.sh --describe --under-replicated-partitions',
      });
    }
  };
  return { run, refused: () => refused };
};
