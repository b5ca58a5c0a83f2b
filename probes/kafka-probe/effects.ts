// The probe's I/O: read its files, then run the check (common/kafka-check.ts, the same one kafka-entrypoint's
// health endpoints run) under -timeout.
import { DEFAULT_MAX_FILE_BYTES, readTextBounded } from '../../common/files.ts';
import { isAgentError } from '../../common/errors.ts';
import { checkKafka } from '../../common/kafka-check.ts';
import type { Verdict } from '../../common/probe-verdict.ts';
import type { Config, FileRead, Files } from './config.ts';

export type Effects = {
  readonly readInputs: (paths: { serverProperties: string; commandConfig?: string }) => Promise<Files>;
  readonly check: (config: Config) => Promise<Verdict>;
  readonly now: () => number;
};

// Synchronous on purpose: the first async fs call starts libuv's four-thread pool, ~4 ms of a probe's start.
// Bounded: a 200 MB -config or a FIFO is refused at once, well inside -timeout (it used to cost seconds and GBs).
const readMaybe = (file: string): FileRead => {
  try {
    return { path: file, text: readTextBounded(file, 'input', 'latin1') };
  } catch (e) {
    if (isAgentError(e)) return { path: file, error: e.code === 'FILE_TOO_LARGE' ? `larger than ${DEFAULT_MAX_FILE_BYTES} bytes` : 'not a regular file' };
    return { path: file, error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
};

const readInputs: Effects['readInputs'] = async (paths) => {
  const serverProperties = readMaybe(paths.serverProperties);
  const commandConfig = paths.commandConfig === undefined ? undefined : readMaybe(paths.commandConfig);
  return { serverProperties, ...(commandConfig && { commandConfig }) };
};

// The deadline starts now: -timeout bounds the whole check.
const check: Effects['check'] = (config) => checkKafka(config, { clientId: 'kafka-probe', deadline: Date.now() + config.timeoutMs });

export const realEffects: Effects = { readInputs, check, now: () => performance.now() };
