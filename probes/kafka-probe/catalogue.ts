// kafka-probe's vocabulary: it ends with no code of its own (a failed check, TLS_FAILED or KAFKA_UNREACHABLE
// included, is exit 1 with its verdict line on stdout, not an error) and logs one event, the error line of a bad
// input.
import { COMMON_CODES, defineCodes, defineEvents } from '../../common/catalogue.ts';

export const CODES = defineCodes({});

/** The common codes kafka-probe can end with, for --help and the README. */
export const USED_COMMON_CODES = { CONFIG_INVALID: COMMON_CODES.CONFIG_INVALID };

export const EVENT_TEXT = {
  'kafka-probe.failed': 'the probe could not run: bad flags, env or input files (code CONFIG_INVALID, exit 2), or a bug (INTERNAL, exit 70)',
} as const;
export const EVENTS = defineEvents(EVENT_TEXT);
