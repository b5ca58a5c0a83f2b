// kafka-entrypoint: derive a Kafka node's identity and config from its StatefulSet pod, format KRaft storage exactly
// once, then become the JVM (or supervise it while serving health endpoints). Reads top-down: inputs, decisions, effects.
import { helpText } from '../common/flags.ts';
import { AgentError } from '../common/errors.ts';
import { EXIT } from '../common/exit-codes.ts';
import { log, setLogFormat } from '../common/log.ts';
import { readInputs } from '../common/inputs.ts';
import { runMain } from '../common/run-main.ts';
import { configOf, inputPaths } from './config.ts';
import { SPECS, LEAVE_SPECS } from './inputs.ts';
import { storagePlan, quorumExists, formatArgs, redactedCommand } from './storage-plan.ts';
import { renderProperties } from '../common/java-properties.ts';
import { effectiveConfigLines } from './effective-config.ts';
import { javaArgs, BROKER_MAIN, STORAGE_TOOL_MAIN } from './jvm.ts';
import { realEffects, type Effects } from './effects.ts';
import { leaveInputPaths, leaveConfig } from './leave-config.ts';
import { leaveQuorum } from './leave.ts';
import type { LeaveSettings } from './leave-plan.ts';
import type { ChildExit } from '../common/supervise.ts';
import { isAgentError } from '../common/errors.ts';
import { jvmRun, healthStatus } from './health-plan.ts';
import { CODES, EVENTS, USED_COMMON_CODES, START_CODES, LEAVE_CODES } from './catalogue.ts';
import { exitCodeRows, type Code, type Codes } from '../common/catalogue.ts';
import { drainBeforeStop, refuseReturning } from './drain-main.ts';
import { migrationVerdict } from './migration-plan.ts';

const asCodes = (list: readonly Code[]): Codes => Object.fromEntries(list.map((c) => [c.code, c]));

const HELP = helpText({
  usage: 'kafka-entrypoint [flags] [--override key=value ...]',
  summary:
    'Derive broker.id (ZooKeeper mode) or node.id (KRaft) from the pod ordinal plus a per-role offset, render\n' +
    'server.properties (defaults < derived < -config-file < KAFKA_* env < --override), check meta.properties on\n' +
    'every log dir, format KRaft storage only when the volume is empty, then exec the JVM (kafka.Kafka).\n' +
    'With -controllers-file a dynamic-quorum controller supervises the JVM and leaves the quorum after a scale-down.\n' +
    'With -health-port it supervises the JVM and serves /livez, /readyz and /status for httpGet probes (no process per probe).\n' +
    '`kafka-entrypoint leave --help`: the subcommand that removes this controller from the quorum.',
  flags: Object.values(SPECS),
  env: [
    ['KAFKA_<NAME>', 'Kafka property, apache/kafka image rules: KAFKA_LOG_RETENTION_HOURS -> log.retention.hours, ___ -> -, __ -> _'],
    ['KAFKA_HEAP_OPTS', 'broker heap (default -Xmx1G -Xms1G; StorageTool -Xmx256M)'],
    ['KAFKA_JVM_PERFORMANCE_OPTS', 'JVM flags (default as kafka-run-class.sh: G1 ...)'],
    ['KAFKA_OPTS, KAFKA_GC_LOG_OPTS, KAFKA_JMX_OPTS, KAFKA_LOG4J_OPTS', 'passed to java as in kafka-run-class.sh'],
    ['KAFKA_HOME', 'Kafka install; jars in $KAFKA_HOME/libs unless -libs'],
    ['JAVA_HOME', 'java is $JAVA_HOME/bin/java unless -java'],
    ['KAFKA_PORT, KAFKA_SERVICE_HOST, *_PORT_<n>_TCP*', 'Kubernetes service links: ignored, never properties'],
  ],
  exitCodes: exitCodeRows(
    [
      [EXIT.ok, '-help or -dry-run done (otherwise the process becomes the JVM, or supervises it, and exits with its code)'],
      [EXIT.failed, 'StorageTool format failed, a volume that cannot be read or used, or a founding check that could not read a controller'],
      [EXIT.usage, 'bad flag, env var or override; hostname without ordinal; missing setting; a volume of another node, cluster or mode'],
      [EXIT.internal, 'bug'],
    ],
    asCodes(START_CODES),
    USED_COMMON_CODES,
  ),
});

const LEAVE_HELP = helpText({
  usage: 'kafka-entrypoint leave [flags]',
  summary:
    'Remove this KRaft controller from a dynamic quorum (KIP-853 RemoveRaftVoter to the quorum leader), unless it is\n' +
    'the last voter; done already when it no longer votes. Refused while its own JVM runs with auto-join enabled (it\n' +
    'would add itself back): run the entrypoint with -controllers-file to leave after the JVM stops on a scale-down.\n' +
    'An SSL or SASL controller listener is spoken to with the client properties of -command-config (env KAFKA_COMMAND_CONFIG).',
  flags: Object.values(LEAVE_SPECS),
  exitCodes: exitCodeRows(
    [
      [EXIT.ok, 'left, not a voter, or stays (not a controller, static quorum, ordinal below the desired count)'],
      [EXIT.failed, 'refused, or no answer before -timeout'],
      [EXIT.usage, 'bad flags, hostname without ordinal, server.properties missing or unreadable, a bad -command-config'],
    ],
    asCodes(LEAVE_CODES),
    { CONFIG_INVALID: USED_COMMON_CODES.CONFIG_INVALID, HOSTNAME_NO_ORDINAL: USED_COMMON_CODES.HOSTNAME_NO_ORDINAL },
  ),
});

const HEADER = ['Written by kafka-entrypoint at every start; edit the inputs (env, --override, -config-file), not this file.'];

// `kafka-entrypoint leave`: by hand (or a preStop where auto-join is off).
const leave = async (argv: readonly string[], env: NodeJS.ProcessEnv, fx: Effects): Promise<number> => {
  const read = readInputs(LEAVE_SPECS, argv, env); // the one parse: values, every problem, help
  setLogFormat(read.values.logFormat); // first, so even a config error is written in the chosen format
  if (read.help) {
    fx.stdout(LEAVE_HELP);
    return EXIT.ok;
  }
  const outcome = await leaveQuorum(leaveConfig(read, fx.hostname(), await fx.readInputs(leaveInputPaths(read))), fx.leave);
  log.info(EVENTS['kafka-entrypoint.leave-done'], { outcome: outcome.kind, detail: outcome.detail });
  return EXIT.ok;
};

// After the supervised controller JVM stopped on a signal: leave the quorum if this pod is scaled away. The JVM's
// exit code stays the container's; a failure is logged (the pod is going anyway) and leaves a dead voter behind.
const leaveAfterStop = async (settings: LeaveSettings, fx: Effects): Promise<void> => {
  try {
    const outcome = await leaveQuorum(settings, fx.leave);
    log.info(EVENTS['kafka-entrypoint.leave-done'], { outcome: outcome.kind, detail: outcome.detail });
  } catch (error) {
    if (!isAgentError(error)) throw error;
    log.error(EVENTS['kafka-entrypoint.leave-failed'], {
      code: error.code,
      message: error.message,
      hint: 'remove it by hand: kafka-metadata-quorum remove-controller',
    });
  }
};

export const main = async (argv: readonly string[], env: NodeJS.ProcessEnv, fx: Effects = realEffects): Promise<number> => {
  if (argv[0] === 'leave') return leave(argv.slice(1), env, fx);
  const read = readInputs(SPECS, argv, env); // the one parse: values, every problem, help
  setLogFormat(read.values.logFormat); // first, so even a config error is written in the chosen format
  if (read.help) {
    fx.stdout(HELP);
    return EXIT.ok;
  }
  const config = configOf(read, env, await fx.readInputs(inputPaths(read)));
  const { node } = config;
  log.info(EVENTS['kafka-entrypoint.node'], {
    mode: node.mode,
    roles: node.roles.join(','),
    [node.idKey]: node.nodeId,
    fqdn: node.fqdn,
    quorum: node.quorum.kind,
    clusterId: config.clusterId?.value,
    clusterIdSource: config.clusterId?.source ?? (node.migration?.mode === 'kraft' ? 'ZooKeeper /cluster/id' : undefined),
    migrationPhase: node.migration?.phase,
  });
  if (config.ignoredServiceLinks.length > 0) log.info(EVENTS['kafka-entrypoint.service-links-ignored'], { names: config.ignoredServiceLinks.join(',') });
  for (const line of effectiveConfigLines(node.effective)) log.info(EVENTS['kafka-entrypoint.config'], { ...line });
  for (const warning of node.warnings) log.warn(EVENTS['kafka-entrypoint.config-warning'], { warning });

  // A KRaft node of a migration: the cluster is ZooKeeper's, and the phase's step must be safe (migration-plan.ts).
  let clusterId = config.clusterId;
  if (node.migration?.mode === 'kraft') {
    const verdict = migrationVerdict(node.migration, clusterId, await fx.readZookeeper(node.migration.zookeeper, config.quorumCheckTimeoutMs));
    if (!verdict.ok) throw new AgentError(CODES[verdict.code], verdict.message, { context: { phase: node.migration.phase } });
    clusterId = { value: verdict.clusterId, source: 'ZooKeeper /cluster/id' };
    log.info(EVENTS['kafka-entrypoint.migration-checked'], {
      phase: node.migration.phase,
      check: node.migration.check,
      clusterId: clusterId.value,
      state: verdict.detail,
    });
  }

  const dirs = await fx.readLogDirs(node.logDirs);
  if (config.drain) await refuseReturning(config.drain, dirs, fx.drain);
  const ownFiles = [config.configOut];
  let plan = storagePlan(node, clusterId?.value, dirs, { ownFiles });
  if (plan.kind === 'ask-quorum') {
    const answer = quorumExists(await fx.askControllers(plan.endpoints, config.quorumCheckTimeoutMs, config.clientSecurity));
    log.info(EVENTS['kafka-entrypoint.quorum-asked'], { exists: answer.exists, answers: answer.detail });
    plan = storagePlan(node, clusterId?.value, dirs, { ownFiles, quorumExists: answer.exists });
  }
  if (plan.kind === 'refuse') {
    throw new AgentError(CODES[plan.code], plan.message, { context: { dir: plan.dir } });
  }
  if (plan.kind === 'ask-quorum') throw new Error('storage plan asked twice');
  log.info(EVENTS['kafka-entrypoint.storage-plan'], { plan: plan.kind, ...(plan.kind === 'format' && { quorumFlag: plan.quorumFlag }), reason: plan.reason });

  const properties = renderProperties(node.effective.props, HEADER);
  const formatCommand =
    plan.kind === 'format' && clusterId
      ? javaArgs(config.jvm, STORAGE_TOOL_MAIN, formatArgs(plan, clusterId.value, config.configOut, config.addScram))
      : undefined;
  const brokerCommand = javaArgs(config.jvm, BROKER_MAIN, [config.configOut]);
  const run = jvmRun(config);
  if (config.dryRun) {
    fx.stdout(properties);
    if (formatCommand) log.info(EVENTS['kafka-entrypoint.would-format'], { command: redactedCommand([config.jvm.java, ...formatCommand]) });
    log.info(EVENTS['kafka-entrypoint.would-start'], {
      run: run.kind,
      command: [config.jvm.java, ...brokerCommand].join(' '),
      ...(run.kind === 'supervise' && { why: run.why }),
    });
    return EXIT.ok;
  }

  // Bound before anything is written or started: a taken port stops the pod at its first start (exit 2 naming the
  // port), not after a format, and the endpoints answer (503) while storage is formatted and the JVM starts.
  let jvmPid: number | undefined;
  const health = config.health && (await fx.serveHealth(config.health, () => healthStatus(node, clusterId?.value, jvmPid)));
  if (health)
    log.info(EVENTS['kafka-entrypoint.health-endpoints'], {
      port: health.port,
      paths: '/livez,/readyz,/status',
      checkTimeoutMs: config.health?.checkTimeoutMs,
    });
  let exit: ChildExit;
  const drain = config.drain && drainBeforeStop(config.drain, fx.drain);
  try {
    // A missing java is found before anything is written.
    await fx.findExecutable(config.jvm.java);
    log.info(EVENTS['kafka-entrypoint.config-written'], { file: config.configOut, result: await fx.writeFileAtomic(config.configOut, properties) });
    if (formatCommand) {
      log.info(EVENTS['kafka-entrypoint.storage-formatting'], { dirs: node.logDirs.join(','), quorumFlag: plan.kind === 'format' ? plan.quorumFlag : 'none' });
      await fx.runTool(config.jvm.java, formatCommand);
    }
    if (run.kind === 'exec') {
      log.info(EVENTS['kafka-entrypoint.exec'], { java: config.jvm.java, main: BROKER_MAIN, config: config.configOut });
      return await fx.execJvm(config.jvm.java, brokerCommand, env);
    }
    log.info(EVENTS['kafka-entrypoint.supervise'], { java: config.jvm.java, main: BROKER_MAIN, config: config.configOut, why: run.why });
    const jvm = await fx.superviseJvm(config.jvm.java, brokerCommand, env, config.stopGraceMs, drain?.run);
    jvmPid = jvm.pid;
    exit = await jvm.exited;
  } finally {
    // The endpoints live as long as the JVM: closed before the entrypoint leaves the quorum or exits.
    await health?.close();
  }
  log.info(EVENTS['kafka-entrypoint.jvm-exited'], { code: exit.code, stopSignal: exit.stopSignal });
  // A crash is restarted by kubelet with the same volume: only a requested stop may be a scale-down.
  if (exit.stopSignal && config.leave) await leaveAfterStop(config.leave, fx);
  return drain?.refused() ? EXIT.usage : exit.code;
};

if (import.meta.main) runMain('kafka-entrypoint', main);
