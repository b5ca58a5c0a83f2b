// zk-probe: Readiness (ready) and liveness (live) checks for a ZooKeeper server.
import { parseFlags, helpText, type FlagSpec } from '../../common/flags.ts';
import { ConfigError } from '../../common/errors.ts';
import { EXIT } from '../../common/exit-codes.ts';
import { runMain } from '../../common/run-main.ts';

const FLAGS: readonly FlagSpec[] = [];

const HELP = helpText({
  usage: 'zk-probe [flags]',
  summary: 'Readiness (ready) and liveness (live) checks for a ZooKeeper server. (not implemented yet)',
  flags: FLAGS,
  exitCodes: [
    [EXIT.ok, 'success'],
    [EXIT.usage, 'bad flags'],
  ],
});

export const main = async (argv: readonly string[]): Promise<number> => {
  const parsed = parseFlags(FLAGS, argv);
  if (parsed.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (parsed.problems.length > 0) throw new ConfigError(parsed.problems);
  process.stderr.write('zk-probe: not implemented yet\n');
  return EXIT.failed;
};

runMain('zk-probe', main);
