// peer-finder: find the members of a headless Service through DNS; once this pod is among them, run the hook
// with the sorted member list on stdin (on-start once, on-change on every later change).
import { AgentError } from '../common/errors.ts';
import { EXIT } from '../common/exit-codes.ts';
import { readInputs } from '../common/inputs.ts';
import { log, setLogFormat } from '../common/log.ts';
import { runMain } from '../common/run-main.ts';
import { SPECS, HELP } from './flags.ts';
import { CODES, EVENTS } from './catalogue.ts';
import { readConfig, type Config } from './config.ts';
import { initialState, nextStep, lookupBudgetMs, type HookRun } from './plan.ts';
import { realEffects, type Effects, type HookOutcome } from './effects.ts';

export const main = async (argv: readonly string[], env: NodeJS.ProcessEnv, fx: Effects = realEffects): Promise<number> => {
  const read = readInputs(SPECS, argv, env); // the one parse: values, every problem, help
  setLogFormat(read.values.logFormat); // first, so even a config error is written in the chosen format
  if (read.help) {
    fx.print(HELP);
    return EXIT.ok;
  }
  const files = { hostname: fx.hostname(), resolvConf: await fx.readText(read.values.resolvConf), addresses: fx.addresses() };
  const config = readConfig(read, env, files); // throws ConfigError naming every problem
  log.info(EVENTS['peer-finder.starting'], startFields(config));
  const discover = fx.discoverer(config);
  let state = initialState(fx.now());
  for (;;) {
    const answer = await discover(lookupBudgetMs(config, state, fx.now()));
    const step = nextStep(config, state, answer, fx.now()); // pure: wait, run or timeout
    if (step.warning) log.warn(step.warning.event, step.warning.fields);
    if (step.note) log[step.note.level](step.note.event, step.note.fields);
    if (step.kind === 'timeout') throw new AgentError(CODES.PEERS_TIMEOUT, step.message, { context: { timeoutMs: config.timeoutMs, missing: step.missing } });
    if (step.kind === 'run') requireSuccess(step.hook, await fx.runHook(step.hook)); // argv + stdin, never data in a shell string
    if (step.kind === 'run' && step.final) {
      log.info(EVENTS['peer-finder.exiting'], { reason: config.onChange === undefined ? 'no-on-change' : 'static-members' });
      return EXIT.ok;
    }
    state = step.state;
    await fx.sleep(step.retryMs);
  }
};

// What the pod decided it is, once, so a wrong namespace or domain shows in the first log line.
const startFields = (config: Config) => ({
  self: config.fqdn || config.selfNames.join(','),
  discovery: config.discovery.kind === 'static' ? `static (${config.discovery.peers.length} peers)` : `${config.discovery.kind} ${config.discovery.name}`,
  domain: config.clusterDomain || undefined,
  domainFrom: config.domainSource,
  nameservers: config.discovery.kind === 'static' ? undefined : config.resolv.nameservers.map((s) => `${s}:${config.dnsPort}`).join(','),
  pollPeriodMs: config.pollPeriodMs,
  timeoutMs: config.timeoutMs || undefined,
});

// A failed hook ends peer-finder with exit 1, as in the original; its output has already gone to our stdout/stderr.
// So does a hook stopped because peer-finder was told to stop (SIGTERM passed on to it).
const requireSuccess = (hook: HookRun, outcome: HookOutcome): void => {
  if (outcome.kind === 'ok') return;
  throw new AgentError(
    outcome.stoppedBy ? CODES.HOOK_STOPPED : CODES.HOOK_FAILED,
    `${hook.which} hook ${outcome.stoppedBy ? 'was stopped' : 'failed'}: ${outcome.detail}`,
    {
      context: { command: hook.command, exitCode: outcome.exitCode, signal: outcome.signal },
    },
  );
};

// Run only as the entry point (the bundle), so tests can import main with their own effects.
if (import.meta.main) runMain('peer-finder', main);
