// The java command lines for the broker and the StorageTool, built like kafka-run-class.sh does (same env vars,
// same defaults, same order), but as argv arrays: nothing is passed through a shell.
export type Jvm = {
  readonly java: string;
  readonly libs: string;
  readonly heapOpts: readonly string[];
  /** kafka-run-class.sh gives tools -Xmx256M; kafka-server-start.sh gives the broker -Xmx1G -Xms1G. */
  readonly toolHeapOpts: readonly string[];
  readonly performanceOpts: readonly string[];
  readonly gcLogOpts: readonly string[];
  readonly jmxOpts: readonly string[];
  readonly log4jOpts: readonly string[];
  readonly kafkaOpts: readonly string[];
};

// kafka-run-class.sh's defaults when the variables are unset.
export const DEFAULT_HEAP_OPTS = '-Xmx1G -Xms1G';
export const DEFAULT_TOOL_HEAP_OPTS = '-Xmx256M';
export const DEFAULT_PERFORMANCE_OPTS =
  '-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true';

// Split an *_OPTS value into words the way the unquoted shell expansion in kafka-run-class.sh does.
export const words = (text: string | undefined): readonly string[] => (text ?? '').split(/\s+/).filter(Boolean);

const orDefault = (value: string | undefined, fallback: string): readonly string[] => words(value === undefined || value === '' ? fallback : value);

export const jvmFromEnv = (env: Readonly<Record<string, string | undefined>>, java: string, libs: string): Jvm => ({
  java,
  libs,
  heapOpts: orDefault(env.KAFKA_HEAP_OPTS, DEFAULT_HEAP_OPTS),
  toolHeapOpts: orDefault(env.KAFKA_HEAP_OPTS, DEFAULT_TOOL_HEAP_OPTS),
  performanceOpts: orDefault(env.KAFKA_JVM_PERFORMANCE_OPTS, DEFAULT_PERFORMANCE_OPTS),
  gcLogOpts: words(env.KAFKA_GC_LOG_OPTS),
  jmxOpts: words(env.KAFKA_JMX_OPTS),
  log4jOpts: words(env.KAFKA_LOG4J_OPTS),
  kafkaOpts: words(env.KAFKA_OPTS),
});

// argv (without argv[0]) for `java ... -cp <libs>/* <mainClass> <args>`; the JVM expands the `*` itself.
export const javaArgs = (jvm: Jvm, mainClass: string, args: readonly string[]): readonly string[] => [
  ...(mainClass === BROKER_MAIN ? jvm.heapOpts : jvm.toolHeapOpts),
  ...jvm.performanceOpts,
  ...jvm.gcLogOpts,
  ...jvm.jmxOpts,
  ...jvm.log4jOpts,
  '-cp',
  `${jvm.libs.replace(/\/+$/, '')}/*`,
  ...jvm.kafkaOpts,
  mainClass,
  ...args,
];

export const BROKER_MAIN = 'kafka.Kafka';
export const STORAGE_TOOL_MAIN = 'kafka.tools.StorageTool';
