// The official `zookeeper` image's ZOO_* variables, read with that image's defaults and validated.
import type { Env, Mode } from './config.ts';
import { excerpt } from '../common/log.ts';
import { isHostAddress } from '../common/zk-4lw-parse.ts';
import { isPropertySafe } from './zoo-values.ts';

/** ZooKeeper's server ids: 1-255 (the id is the top byte of every session id it hands out). */
export const MAX_MYID = 255;

/** ZooKeeper reads these settings with Integer.parseInt. */
const MAX_JAVA_INT = 2 ** 31 - 1;

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

// Digits only and range-checked: `1e3`, `-1`, `0x10` and 10^23 (which String() writes as `1e+23`) are refused.
export const zooInt = (env: Env, name: string, fallback: number, min: number, problems: string[], max = MAX_JAVA_INT): number => {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (/^\d{1,10}$/.test(text) && Number(text) >= min && Number(text) <= max) return Number(text);
  problems.push(`${name} must be an integer ${min}-${max}, got ${excerpt(text)}`);
  return fallback;
};

// One ZOO_SERVERS entry: `server.N=host:quorum:election[:role][;[addr:]client]` with id and ports in range.
const SERVER_ENTRY = /^server\.(\d{1,3})=([^:;]+|\[[^\]]+\]):(\d{1,5}):(\d{1,5})(?::(?:participant|observer))?(?:;(?:([^;]+):)?(\d{1,5}))?$/;
const serverEntryOk = (entry: string): boolean => {
  const m = SERVER_ENTRY.exec(entry);
  if (!m) return false;
  const [id = '', host = '', quorum = '', election = '', client = '', clientPort = ''] = m.slice(1);
  const port = (p: string): boolean => Number(p) >= 1 && Number(p) <= 65535;
  return (
    Number(id) >= 1 &&
    Number(id) <= MAX_MYID &&
    isHostAddress(host) &&
    port(quorum) &&
    port(election) &&
    (client === '' || isHostAddress(client)) &&
    (clientPort === '' || port(clientPort))
  );
};

export const zooSettingsFromEnv = (env: Env, mode: Mode, problems: string[]): ZooSettings => {
  const words = (env.ZOO_4LW_COMMANDS_WHITELIST ?? '').split(/[\s,]+/).filter(Boolean);
  for (const w of words)
    if (w !== '*' && !/^[a-z]{4}$/.test(w)) problems.push(`ZOO_4LW_COMMANDS_WHITELIST entries are four-letter words or *, got ${excerpt(w)}`);
  const admin = env.ZOO_ADMINSERVER_ENABLED ?? 'true';
  if (!['true', 'false'].includes(admin)) problems.push(`ZOO_ADMINSERVER_ENABLED must be true or false, got ${excerpt(admin)}`);
  // Entries are separated by any whitespace (newlines too); each must then be one safe zoo.cfg line on its own.
  const extra = (env.ZOO_CFG_EXTRA ?? '').split(/\s+/).filter(Boolean);
  for (const entry of extra) {
    const key = entry.split('=', 1)[0] ?? '';
    if (!/^[A-Za-z0-9_.]+=/.test(entry) || !isPropertySafe(entry))
      problems.push(`ZOO_CFG_EXTRA entries must be key=value in printable ASCII without backslashes, got ${excerpt(entry)}`);
    else if (mode === 'dynamic' && DYNAMIC_ONLY.test(key))
      problems.push(`ZOO_CFG_EXTRA must not set ${key} in dynamic mode (zk-bootstrap writes membership to the dynamic file)`);
  }
  const staticServers = (env.ZOO_SERVERS ?? '').split(/\s+/).filter(Boolean);
  for (const entry of staticServers) {
    if (!serverEntryOk(entry)) {
      problems.push(
        `ZOO_SERVERS entries must be server.N=host:quorumPort:electionPort[:role][;[addr:]clientPort] (N 1-${MAX_MYID}, ports 1-65535, host a name, IPv4 or [IPv6]), got ${excerpt(entry)}`,
      );
    }
  }
  const ids = staticServers.map((e) => /^server\.(\d+)=/.exec(e)?.[1]).filter((id) => id !== undefined);
  if (new Set(ids.map(Number)).size < ids.length) problems.push(`ZOO_SERVERS lists a server id twice (${ids.join(', ')})`);
  if (mode === 'dynamic' && staticServers.length > 0) problems.push('ZOO_SERVERS is for static mode; dynamic mode reads membership from the running ensemble');
  return Object.freeze({
    tickTime: zooInt(env, 'ZOO_TICK_TIME', 2000, 1, problems),
    initLimit: zooInt(env, 'ZOO_INIT_LIMIT', 5, 1, problems),
    syncLimit: zooInt(env, 'ZOO_SYNC_LIMIT', 2, 1, problems),
    maxClientCnxns: zooInt(env, 'ZOO_MAX_CLIENT_CNXNS', 60, 0, problems),
    fourLetterWords: words.includes('*') ? ['*'] : [...new Set([...words, ...REQUIRED_WORDS])].sort(),
    adminServer: admin !== 'false',
    purgeInterval: zooInt(env, 'ZOO_AUTOPURGE_PURGEINTERVAL', 0, 0, problems),
    snapRetainCount: zooInt(env, 'ZOO_AUTOPURGE_SNAPRETAINCOUNT', 3, 3, problems),
    extra,
    staticServers,
  });
};
