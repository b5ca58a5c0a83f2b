// The probe's only I/O: four-letter words to the local server, each bounded by the probe's deadline.
import { sendFourLetterWord, type FourLetterResult, type FourLetterWord } from '../../common/zk-4lw.ts';
import type { Config } from './config.ts';

export type Effects = {
  readonly ask: (word: FourLetterWord, config: Config) => Promise<FourLetterResult>;
  readonly now: () => number;
};

export const realEffects: Effects = {
  ask: (word, config) => sendFourLetterWord({ host: config.host, port: config.port, word, timeoutMs: config.timeoutMs, maxBytes: 64 * 1024 }),
  now: () => Date.now(),
};
