// agents-install's vocabulary: the codes it ends with and the events it writes.
import { COMMON_CODES, defineCodes, defineEvents } from '../common/catalogue.ts';
import { EXIT } from '../common/exit-codes.ts';

export const CODES = defineCodes({
  INSTALL_FAILED: [EXIT.failed, 'a copy failed, -from cannot be listed or holds no *.cjs bundle (the line names the path and the error)'],
});

/** The common codes agents-install can end with, for --help and the README. */
export const USED_COMMON_CODES = { CONFIG_INVALID: COMMON_CODES.CONFIG_INVALID };

export const EVENT_TEXT = {
  'agents-install.installed': 'every file was copied: fields dir, files (names), bytes, ms',
  'agents-install.failed': 'the install stopped: fields code and message (which file or input, and why)',
} as const;
export const EVENTS = defineEvents(EVENT_TEXT);
