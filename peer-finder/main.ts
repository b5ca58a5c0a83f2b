// peer-finder: Discover the members of a headless Service through DNS SRV records and run a hook with the sorted list on stdin.
import { parseFlags, helpText, type FlagSpec } from '../common/flags.ts';
import { ConfigError } from '../common/errors.ts';
import { EXIT } from '../common/exit-codes.ts';
import { runMain } from '../common/run-main.ts';

const FLAGS: readonly FlagSpec[] = [];

const HELP = helpText({
  usage: 'peer-finder [flags]',
  summary: 'Discover the members of a headless Service through DNS SRV records and run a hook with the sorted list on stdin. (not implemented yet)',
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
  process.stderr.write('peer-finder: not implemented yet\n');
  return EXIT.failed;
};

runMain('peer-finder', main);
