// Duration flags of the Kafka agents (kafka-entrypoint, its `leave`, kafka-probe), range-checked at parse time: a
// value past what a Node timer holds (2^31-1 ms) used to become a 1 ms deadline, a probe that kills a healthy pod.
// Pure. Narrower than durationMs's timer bound (2^31-1 ms): nothing these agents wait for takes an hour.
import { durationMs } from './flags.ts';
import { excerpt } from './log.ts';

/** Nothing these agents wait for takes an hour: a deadline, a probe timeout, a lag bound, a leave. */
export const MAX_DURATION_MS = 60 * 60 * 1000;
export const MIN_DURATION_MS = 1;

// Milliseconds of a Go-syntax duration within 1ms..1h, or the problem line naming the flag and the allowed range.
export const boundedDurationMs = (flag: string, text: string, example: string): number | string => {
  const ms = durationMs(text);
  if (ms !== undefined && ms >= MIN_DURATION_MS && ms <= MAX_DURATION_MS) return ms;
  return `${flag}=${excerpt(text)}: expected a duration from 1ms to 1h, such as ${example}`;
};
