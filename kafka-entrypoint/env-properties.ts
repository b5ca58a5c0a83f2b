// KAFKA_* environment variables to Kafka properties, with the apache/kafka image's rules (KafkaDockerWrapper), so a
// manifest written for that image keeps working: strip the first `KAFKA_`, lower-case, `_` -> `.`, then `...` -> `-`
// and `..` -> `_` (so `___` means `-` and `__` means `_`).

// Variables the apache/kafka image reads itself (JVM and logging options), never Kafka properties. KAFKA_HOME,
// KAFKA_LIBS, KAFKA_COMMAND_CONFIG, KAFKA_HEALTH_*, KAFKA_MIGRATION_PHASE and KAFKA_STOP_GRACE are this entrypoint's own inputs.
export const NOT_PROPERTIES: ReadonlySet<string> = new Set([
  'KAFKA_VERSION',
  'KAFKA_HEAP_OPTS',
  'KAFKA_LOG4J_OPTS',
  'KAFKA_OPTS',
  'KAFKA_JMX_OPTS',
  'KAFKA_JVM_PERFORMANCE_OPTS',
  'KAFKA_GC_LOG_OPTS',
  'KAFKA_LOG4J_ROOT_LOGLEVEL',
  'KAFKA_LOG4J_LOGGERS',
  'KAFKA_TOOLS_LOG4J_LOGLEVEL',
  'KAFKA_JMX_HOSTNAME',
  'KAFKA_HOME',
  'KAFKA_LIBS',
  'KAFKA_HEALTH_PORT',
  'KAFKA_MIGRATION_PHASE',
  'KAFKA_HEALTH_TIMEOUT',
  'KAFKA_COMMAND_CONFIG',
  'KAFKA_HEALTH_COMMAND_CONFIG',
  'KAFKA_STOP_GRACE',
]);

// Kubernetes injects these for every Service in the namespace (a Service named `kafka` gives KAFKA_PORT=tcp://...,
// KAFKA_SERVICE_HOST, KAFKA_PORT_9092_TCP_ADDR, ...). Turned into properties they break the broker
// (wurstmeister/kafka-docker#122, helm/charts#8876), so they are recognised by name and value and skipped.
export const isServiceLinkVariable = (name: string, value: string): boolean =>
  /_SERVICE_HOST$/.test(name) ||
  /_SERVICE_PORT(_[A-Z0-9_]+)?$/.test(name) ||
  /_PORT_\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?$/.test(name) ||
  (/_PORT$/.test(name) && /^(tcp|udp|sctp):\/\//.test(value));

// The property name for one KAFKA_* variable (caller has checked the prefix).
export const propertyNameFromEnv = (name: string): string =>
  name.slice('KAFKA_'.length).toLowerCase().replaceAll('_', '.').replaceAll('...', '-').replaceAll('..', '_');

export type EnvProperties = {
  readonly props: ReadonlyMap<string, string>;
  /** Which variable set each property, for the effective-config printout and error messages. */
  readonly sources: ReadonlyMap<string, string>;
  readonly ignoredServiceLinks: readonly string[];
  readonly problems: readonly string[];
};

// One to three underscores between words: four or more have no defined meaning (the image would give `-.`).
const VALID_NAME = /^KAFKA_[A-Z0-9]+(_{1,3}[A-Z0-9]+)*$/;

// Every KAFKA_* variable that is a Kafka property, in sorted variable order (deterministic when two map to one key).
export const propertiesFromEnv = (env: Readonly<Record<string, string | undefined>>): EnvProperties => {
  const props = new Map<string, string>();
  const sources = new Map<string, string>();
  const ignoredServiceLinks: string[] = [];
  const problems: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!name.startsWith('KAFKA_') || value === undefined || NOT_PROPERTIES.has(name)) continue;
    if (isServiceLinkVariable(name, value)) {
      ignoredServiceLinks.push(name);
      continue;
    }
    if (!VALID_NAME.test(name)) {
      problems.push(`env ${name}: not a property name (use upper case, digits and _, e.g. KAFKA_LOG_RETENTION_HOURS=168)`);
      continue;
    }
    const key = propertyNameFromEnv(name);
    const earlier = sources.get(key);
    if (earlier !== undefined) {
      problems.push(`env ${name} and ${earlier} both set ${key}; keep one`);
      continue;
    }
    props.set(key, value);
    sources.set(key, name);
  }
  return { props, sources, ignoredServiceLinks, problems };
};
