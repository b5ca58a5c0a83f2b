// The range of the Kafka agents' duration flags (kafka-entrypoint, its `leave`, kafka-probe); common/inputs.ts's
// inputs.duration parses and words the problem. Narrower than a timer's bound (2^31-1 ms), which is the default for
// the ZooKeeper agents and peer-finder: nothing these agents wait for takes an hour (a deadline, a probe timeout, a
// lag bound, a leave).
import type { DurationRange } from './inputs.ts';

export const KAFKA_DURATION_RANGE: DurationRange = { min: 1, max: 60 * 60 * 1000 };
