// zk-bootstrap: a ZooKeeper pod's identity and membership. `init` (peer-finder's on-start hook) writes myid,
// zoo.cfg and zoo.cfg.dynamic on the volume; `run` starts the server once and promotes this member after it has
// synced; `leave` (preStop) removes it from the ensemble unless it is the last voter.
import { helpText } from '../common/flags.ts';
import { EXIT } from '../common/exit-codes.ts';
import { AgentError } from '../common/errors.ts';
import { COMMON_CODES, exitCodeRows } from '../common/catalogue.ts';
import { wantsHelp } from '../common/inputs.ts';
import { log, setLogFormat, truncated } from '../common/log.ts';
import { runMain } from '../common/run-main.ts';
import { readArgs, configFrom, type Config } from './config.ts';
import { SPECS, ZOO_ENV } from './inputs.ts';
import { CODES, EVENTS } from './catalogue.ts';
import { peersFromText, MAX_PEER_LIST_BYTES } from './peers.ts';
import { localHost, ownAddress } from './start-plan.ts';
import { realEffects, superDigest, type Effects } from './effects.ts';
import { prepareVolume, ensureMembership, leaveEnsemble } from './join.ts';
import { serverInvocation, superDigestArgFile, javaOfCommand } from './server-invocation.ts';
import type { DigestArgFile } from './jvm-secret.ts';

const HELP = helpText({
  usage: 'zk-bootstrap init|run|leave [flags] [-- server command]',
  summary: [
    'init   peer-finder -on-start hook: reads the sorted peer FQDNs on stdin, writes myid (= ordinal + offset), zoo.cfg and',
    '       zoo.cfg.dynamic on the volume. Data on the volume: files kept. Empty volume: founds the ensemble only when no',
    "       other member exists, otherwise joins as an observer from the running ensemble's config, or waits.",
    'run    run -- java ... QuorumPeerMain <conf-dir>/zoo.cfg: starts the server once (signals forwarded, its exit code is',
    '       ours), and after it serves makes sure the committed config lists this member with -role (reconfig -add).',
    '       With -health-port: HTTP /livez (zk-probe live), /readyz (zk-probe ready with -role; 200 or 503, the verdict',
    '       line as body) and /status (JSON) on all addresses, for httpGet probes; up before the server starts.',
    'leave  preStop hook: reconfig -remove this member unless it is the last voting one.',
    'Static mode (-mode=static): every server listed from -replicas/-domain or ZOO_SERVERS, no reconfig; run also does init.',
  ].join('\n'),
  flags: Object.values(SPECS),
  env: ZOO_ENV,
  exitCodes: exitCodeRows(
    [
      [EXIT.ok, 'done (run: the server exited 0)'],
      [EXIT.failed, 'ensemble unreachable past -wait-timeout, reconfig refused, volume unreadable or unwritable (any other ZooKeeper error: ZK_<name>)'],
      [EXIT.usage, 'bad flags, env, peer list, volume or server command'],
      [EXIT.internal, 'a bug'],
      [128, "+ N: run only, the server died of signal N (any other code: the server's own)"],
    ],
    CODES,
    COMMON_CODES,
  ),
});

const init = async (config: Config, fx: Effects): Promise<number> => {
  const auth = await fx.loadAuth(config);
  const peers = config.mode === 'dynamic' ? peersFromText((await fx.readStdin(MAX_PEER_LIST_BYTES, config.timeoutMs)).toString('utf8'), config) : undefined;
  if (peers && peers.dropped.length > 0) {
    log.warn(EVENTS['zk-bootstrap.peers-dropped'], {
      count: peers.dropped.length,
      first: truncated(peers.dropped[0] as string, 48),
      reason: 'not-a-host-name',
    });
  }
  await prepareVolume(config, peers, auth, fx);
  return EXIT.ok;
};

const once = (fn: () => Promise<void>): (() => Promise<void>) => {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
};

// The launcher reads the @argfile before the JVM exists, so once the server answers on its client port the digest
// file has done its job. Removed then rather than at the server's exit: the pod's /tmp (an emptyDir) outlives a
// SIGKILLed agent, and would keep one file per unclean restart, each holding the digest.
const ARGFILE_POLL_MS = 250;
// The poll ends with the server, its socket and timer with it: it never holds up the agent's exit.
const removeOnceServerAnswers = async (config: Config, remove: () => Promise<void>, serverExit: Promise<unknown>, fx: Effects): Promise<void> => {
  const exited = new AbortController();
  void serverExit.finally(() => exited.abort()).catch(() => undefined);
  const host = localHost(config);
  while (!exited.signal.aborted && !(await fx.serverAnswers(host, config.ports.client, 1000, exited.signal))) await fx.sleep(ARGFILE_POLL_MS, exited.signal);
  await remove().catch(() => undefined); // at worst it goes with the server
};

// The server's life: prepare the volume, start it once, promote this member; resolves with the server's exit code.
const runServer = async (config: Config, env: NodeJS.ProcessEnv, fx: Effects, started: (pid: number | undefined) => void): Promise<number> => {
  const auth = await fx.loadAuth(config);
  await prepareVolume(config, undefined, auth, fx);
  let argFile: DigestArgFile | undefined;
  if (auth) {
    await fx.checkJava(javaOfCommand(config.serverCommand, env), env);
    argFile = await fx.writeDigestArgFile(superDigestArgFile(superDigest(auth)));
  }
  const invocation = serverInvocation(config.serverCommand, env, argFile?.path);
  const [file, ...args] = invocation.argv as [string, ...string[]];
  const server = fx.startServer(file, args, invocation.env, config.stopGraceMs);
  started(server.pid);
  const removeArgFile = argFile === undefined ? undefined : once(argFile.remove);
  // Every path out of run waits for serverExit, so the digest file is gone at the latest with the server.
  const serverExit = server.exited.finally(() => removeArgFile?.()).then((exit) => exit.code);
  // A failed start (ENOENT, EACCES) rejects while the steps below still await: observed here, thrown by the race.
  serverExit.catch(() => undefined);
  if (removeArgFile) void removeOnceServerAnswers(config, removeArgFile, serverExit, fx);
  log.info(EVENTS['zk-bootstrap.started'], { pid: server.pid, myid: config.myid, mode: config.mode });
  if (config.mode === 'static') return serverExit;

  // prepareVolume wrote this member's line into zoo.cfg.dynamic, so its address is known from here on.
  const address = ownAddress(config, undefined, await fx.readVolume(config));
  if (address === undefined) {
    server.stop('SIGTERM');
    await serverExit;
    throw new AgentError(CODES.ZK_ADDRESS_UNKNOWN, `no line for server ${config.myid} in ${config.confDir}/zoo.cfg.dynamic: set -address (env ZK_ADDRESS)`);
  }
  const stop = new AbortController();
  const membership = ensureMembership(config, address, auth, fx, stop.signal).then(
    () => undefined,
    (error: unknown) => error,
  );
  const first = await Promise.race([serverExit.then((code) => ({ exited: code })), membership.then((error) => ({ error }))]).catch((error: unknown) => {
    stop.abort(); // the server never started: no promotion to wait for
    throw error;
  });
  if ('exited' in first) {
    stop.abort();
    return first.exited;
  }
  if (first.error === undefined) return serverExit;
  // Promotion failed for good (wrong digest, reconfig disabled, deadline): stop the server so the failure is seen.
  log.error(EVENTS['zk-bootstrap.promote-failed'], {
    error: first.error instanceof Error ? first.error.message : String(first.error),
    code: (first.error as { code?: string }).code,
  });
  server.stop('SIGTERM');
  await serverExit;
  throw first.error;
};

// The health endpoints go up first: a busy port stops the agent (exit 2) before a JVM exists. They close when the
// server has exited; the listener is unref'd, so it never holds up signal forwarding or the agent's exit.
const run = async (config: Config, env: NodeJS.ProcessEnv, fx: Effects): Promise<number> => {
  let serverPid: number | undefined;
  const health = await fx.serveHealth(config, () => serverPid);
  try {
    return await runServer(config, env, fx, (pid) => (serverPid = pid));
  } finally {
    await health?.close();
  }
};

const leave = async (config: Config, fx: Effects): Promise<number> => {
  if (config.mode === 'static') {
    log.info(EVENTS['zk-bootstrap.leave'], { note: 'static mode: membership never changes', mode: config.mode });
    return EXIT.ok;
  }
  await leaveEnsemble(config, await fx.loadAuth(config), fx);
  return EXIT.ok;
};

export const main = async (argv: readonly string[], env: NodeJS.ProcessEnv, fx: Effects = realEffects): Promise<number> => {
  if (wantsHelp(argv)) {
    fx.print(HELP);
    return EXIT.ok;
  }
  const read = readArgs(argv, env);
  setLogFormat(read.values.logFormat); // first, so even a config error is a line in the chosen format
  const config = configFrom(read, env, { hostname: fx.hostname() }); // throws ConfigError naming every problem
  if (config.command === 'init') return init(config, fx);
  if (config.command === 'run') return run(config, env, fx);
  return leave(config, fx);
};

// Run only as the entry point (the bundle), so tests can import main with their own effects.
if (import.meta.main) runMain('zk-bootstrap', main);
