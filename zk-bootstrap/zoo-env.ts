// The official `zookeeper` image's ZOO_* variables, read with that image's defaults and validated.
import type { Env, Mode } from './config.ts';

export type ZooSettings = {
  readonly tickTime: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly maxClientCnxns: number;
  /** Sorted, deduplicated; always holds ruok, srvr and conf. */
  readonly fourLetterWords: readonly string[];
  readonly adminServer: boolean;
  readonly purgeInterval: number;
  readonly snapRetainCount: number;
  /** ZOO_CFG_EXTRA entries, `key=value`, in the order given. */
  readonly extra: readonly string[];
  /** ZOO_SERVERS entries (static mode), `server.N=...`. */
  readonly staticServers: readonly string[];
};

// The words zk-probe and zk-bootstrap send; a whitelist without them would make every probe fail.
export const REQUIRED_WORDS = ['conf', 'ruok', 'srvr'] as const;

// Keys that belong to the dynamic file (ZooKeeper refuses them in zoo.cfg when dynamicConfigFile is set) or that
// zk-bootstrap must own for reconfig to work.
const DYNAMIC_ONLY = /^(server|group|weight)\.|^dynamicConfigFile$/;

const int = (env: Env, name: string, fallback: number, min: number, problems: string[]): number => {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (/^\d+$/.test(text) && Number(text) >= min) return Number(text);
  problems.push(`${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  return fallback;
};

export const zooSettingsFromEnv = (env: Env, mode: Mode, problems: string[]): ZooSettings => {
  const words = (env.ZOO_4LW_COMMANDS_WHITELIST ?? '').split(/[\s,]+/).filter(Boolean);
  for (const w of words) if (w !== '*' && !/^[a-z]{4}$/.test(w)) problems.push(`ZOO_4LW_COMMANDS_WHITELIST entries are four-letter words or *, got ${JSON.stringify(w)}`);
  const admin = env.ZOO_ADMINSERVER_ENABLED ?? 'true';
  if (!['true', 'false'].includes(admin)) problems.push(`ZOO_ADMINSERVER_ENABLED must be true or false, got ${JSON.stringify(admin)}`);
  const extra = (env.ZOO_CFG_EXTRA ?? '').split(/\s+/).filter(Boolean);
  for (const entry of extra) {
    const key = entry.split('=', 1)[0] ?? '';
    if (!/^[A-Za-z0-9_.]+=/.test(entry)) problems.push(`ZOO_CFG_EXTRA entries must be key=value, got ${JSON.stringify(entry)}`);
    else if (mode === 'dynamic' && DYNAMIC_ONLY.test(key)) problems.push(`ZOO_CFG_EXTRA must not set ${key} in dynamic mode (zk-bootstrap writes membership to the dynamic file)`);
  }
  const staticServers = (env.ZOO_SERVERS ?? '').split(/\s+/).filter(Boolean);
  for (const entry of staticServers) {
    if (!/^server\.\d+=\S+:\d+:\d+(:(participant|observer))?(;(\S+:)?\d+)?$/.test(entry)) {
      problems.push(`ZOO_SERVERS entries must be server.N=host:quorumPort:electionPort[:role][;[addr:]clientPort], got ${JSON.stringify(entry)}`);
    }
  }
  if (mode === 'dynamic' && staticServers.length > 0) problems.push('ZOO_SERVERS is for static mode; dynamic mode reads membership from the running ensemble');
  return Object.freeze({
    tickTime: int(env, 'ZOO_TICK_TIME', 2000, 1, problems),
    initLimit: int(env, 'ZOO_INIT_LIMIT', 5, 1, problems),
    syncLimit: int(env, 'ZOO_SYNC_LIMIT', 2, 1, problems),
    maxClientCnxns: int(env, 'ZOO_MAX_CLIENT_CNXNS', 60, 0, problems),
    fourLetterWords: words.includes('*') ? ['*'] : [...new Set([...words, ...REQUIRED_WORDS])].sort(),
    adminServer: admin !== 'false',
    purgeInterval: int(env, 'ZOO_AUTOPURGE_PURGEINTERVAL', 0, 0, problems),
    snapRetainCount: int(env, 'ZOO_AUTOPURGE_SNAPRETAINCOUNT', 3, 3, problems),
    extra,
    staticServers,
  });
};
