// kafka-probe: readiness (`ready`) and liveness (`live`) checks for a Kafka node over the Kafka protocol itself
// (no JVM per probe), one line of output each.
import { helpText } from '../../common/flags.ts';
import { EXIT } from '../../common/exit-codes.ts';
import { exitCodeRows } from '../../common/catalogue.ts';
import { readInputs } from '../../common/inputs.ts';
import { setLogFormat } from '../../common/log.ts';
import { runMain } from '../../common/run-main.ts';
import { readConfig, inputPaths, SPECS } from './config.ts';
import { CODES, USED_COMMON_CODES } from './catalogue.ts';
import { verdictLine } from '../../common/probe-verdict.ts';
import { realEffects, type Effects } from './effects.ts';

export const HELP = helpText({
  usage: 'kafka-probe ready|live [flags]',
  summary: [
    'live:  the node answers ApiVersions on its controller listener (opens first), else its broker listener.',
    'ready: broker role: its own node.id/broker.id is in the Metadata answer of its own listener (registered, unfenced);',
    '       controller-only: it is a voter of the KRaft quorum and caught up with the leader (DescribeQuorum).',
    'Node id, roles and listeners come from the server.properties kafka-entrypoint wrote (-config), or from flags.',
    'Prints one line (<= 512 bytes) on stdout. Supports PLAINTEXT, SSL (PEM) and SASL PLAIN/SCRAM via -command-config.',
  ].join('\n'),
  flags: Object.values(SPECS),
  exitCodes: exitCodeRows(
    [
      [EXIT.ok, 'check passed'],
      [EXIT.failed, 'check failed, timed out, or could not tell (the line says which)'],
      [EXIT.usage, 'bad flags, arguments or files'],
    ],
    CODES,
    USED_COMMON_CODES,
  ),
});

export const main = async (argv: readonly string[], env: NodeJS.ProcessEnv, fx: Effects = realEffects): Promise<number> => {
  const read = readInputs(SPECS, argv, env);
  setLogFormat(read.values.logFormat); // first, so even a config error is written in the chosen format
  if (read.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const config = readConfig(read, await fx.readInputs(inputPaths(read)));
  const started = fx.now();
  // A last guard in case a socket ignores the deadline: kubelet must get an answer before its own timeout.
  const guard = setTimeout(() => {
    process.stdout.write(verdictLine(config.check, { kind: 'fail', detail: 'deadline passed' }, Math.round(fx.now() - started)) + '\n');
    process.exit(EXIT.failed);
  }, config.timeoutMs + 250);
  guard.unref();
  const verdict = await fx.check(config);
  clearTimeout(guard);
  process.stdout.write(verdictLine(config.check, verdict, Math.round(fx.now() - started)) + '\n');
  return verdict.kind === 'ok' ? EXIT.ok : EXIT.failed;
};

if (import.meta.main) runMain('kafka-probe', main);
