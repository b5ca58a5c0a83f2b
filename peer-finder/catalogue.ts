// peer-finder's vocabulary: the codes it ends with (each with its exit code) and the events it logs, declared once
// for main, the plan, --help, the README and the tests.
import { COMMON_CODES, defineCodes, defineEvents } from '../common/catalogue.ts';
import { EXIT } from '../common/exit-codes.ts';

export const CODES = defineCodes({
  HOOK_FAILED: [EXIT.failed, 'the on-start or on-change hook exited non-zero or was killed (fields command, exitCode, signal)'],
  HOOK_STOPPED: [EXIT.failed, 'peer-finder was told to stop (SIGTERM, SIGINT) during a hook and passed the signal on to it'],
  PEERS_TIMEOUT: [EXIT.failed, 'no hook ran within -timeout (field missing: what the last lookup lacked)'],
});

/** The common codes peer-finder can end with: bad inputs, and a -resolv-conf that is a FIFO, a device or too big. */
export const USED_COMMON_CODES = {
  CONFIG_INVALID: COMMON_CODES.CONFIG_INVALID,
  FILE_NOT_REGULAR: COMMON_CODES.FILE_NOT_REGULAR,
  FILE_TOO_LARGE: COMMON_CODES.FILE_TOO_LARGE,
};

export const EVENT_TEXT = {
  'peer-finder.starting': 'who this pod decided it is: self, discovery, domain, domainFrom, nameservers, pollPeriodMs, timeoutMs',
  'peer-finder.no-members-yet': 'the lookup found no record (NXDOMAIN, no data): detail, retryMs',
  'peer-finder.self-not-found': 'members were found but not this pod: self, count, members, retryMs',
  'peer-finder.members-unchanged': 'the member set is the one the last hook got: count',
  'peer-finder.lookup-failed': 'the lookup failed (timeout, refused, bad answer) and is retried: detail, retryMs',
  'peer-finder.lookup-cut-short': 'the lookup was still running at the -timeout deadline: detail',
  'peer-finder.names-rejected': 'names in the answer that are not valid host names were left out: count, names, from',
  'peer-finder.peers-updated': 'a hook runs with the new member list: hook, self, count, added, removed, from',
  'peer-finder.giving-up': 'no hook ran within -timeout: missing, timeoutMs (then peer-finder.failed with PEERS_TIMEOUT)',
  'peer-finder.exiting': 'done after the hook: reason no-on-change or static-members',
  'peer-finder.failed': 'the one error line before a non-zero exit: code, message and the facts',
} as const;
export const EVENTS = defineEvents(EVENT_TEXT);
