// zk-probe: readiness (`ready`) and liveness (`live`) checks for a ZooKeeper server, one line of output each.
import { helpText } from '../../common/flags.ts';
import { EXIT } from '../../common/exit-codes.ts';
import { exitCodeRows } from '../../common/catalogue.ts';
import { readInputs } from '../../common/inputs.ts';
import { setLogFormat } from '../../common/log.ts';
import { runMain } from '../../common/run-main.ts';
import { readConfig, SPECS } from './config.ts';
import { CODES, USED_COMMON_CODES } from './catalogue.ts';
import { verdictLine } from '../../common/probe-verdict.ts';
import { liveVerdict, readyFromConf, readyFromSrvr, type Verdict } from '../../common/zk-verdict.ts';
import { realEffects, type Effects } from './effects.ts';

export const HELP = helpText({
  usage: 'zk-probe ready|live [flags]',
  summary: [
    'live:  the server process answers `ruok` with `imok` (independent of quorum: use it as the liveness probe).',
    'ready: the server is serving and holds -role in its committed config, from one `conf` (refused unless serving):',
    '       a joiner that follows before `reconfig -add` lists it is not ready. -role=any: `srvr` shows a Mode.',
    '       Needs conf (or srvr for -role=any) in 4lw.commands.whitelist; zk-bootstrap always adds ruok, srvr, conf.',
    'Prints one line (<= 512 bytes) on stdout. No side effects: it only sends four-letter words.',
  ].join('\n'),
  flags: Object.values(SPECS),
  exitCodes: exitCodeRows(
    [
      [EXIT.ok, 'check passed'],
      [EXIT.failed, 'check failed, timed out, or could not tell (the line says which)'],
      [EXIT.usage, 'bad flags or arguments'],
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
  const config = readConfig(read);
  const started = fx.now();
  let verdict: Verdict;
  if (config.check === 'live') {
    verdict = liveVerdict(await fx.ask('ruok', config));
  } else if (config.role === 'any') {
    verdict = readyFromSrvr(await fx.ask('srvr', config));
  } else {
    verdict = readyFromConf(await fx.ask('conf', config), config.role);
  }
  process.stdout.write(verdictLine(config.check, verdict, Math.round(fx.now() - started)) + '\n');
  return verdict.kind === 'ok' ? EXIT.ok : EXIT.failed;
};

runMain('zk-probe', main);
