// Pure readers for four-letter-word answers (ZooKeeper 3.5-3.9 text formats), kept apart from the socket code
// so the probe and zk-bootstrap decide on parsed values that tests build from literal text.
import { isHostName } from './k8s-names.ts';

/**
 * An address as a ZooKeeper server line writes it: a host name or IPv4 (common/k8s-names.ts), or IPv6 in brackets
 * (`[fd00::1]`). Nothing else may reach a `server.N=` line or a connect string (hostile-input issue 13 item 7: `:` or
 * `,` in a name changed lines and connect strings).
 */
export const isHostAddress = (text: string): boolean => isHostName(text) || (/^\[[0-9A-Fa-f:.]{2,45}\]$/.test(text) && text.includes(':'));

export type ServerMode = 'leader' | 'follower' | 'observer' | 'standalone' | 'read-only';

// 3.9 text for every command that needs a running server (srvr, stat, conf, mntr, ...).
const NOT_SERVING = 'This ZooKeeper instance is not currently serving requests';
const NOT_WHITELISTED = /^(\w{4}) is not executed because it is not in the whitelist\./;

export type Unavailable =
  { readonly kind: 'not-serving' } | { readonly kind: 'not-whitelisted'; readonly word: string } | { readonly kind: 'unrecognised'; readonly text: string };

/** Recognises the two fixed refusals every command shares; undefined when the text is a real answer. */
export const unavailableFromText = (text: string): Unavailable | undefined => {
  const trimmed = text.trim();
  if (trimmed.startsWith(NOT_SERVING)) return { kind: 'not-serving' };
  const listed = NOT_WHITELISTED.exec(trimmed);
  if (listed) return { kind: 'not-whitelisted', word: listed[1] as string };
  return undefined;
};

export type Srvr = { readonly kind: 'serving'; readonly mode: ServerMode; readonly zxid: string | undefined } | Unavailable;

// `srvr`: only a serving server prints `Mode: <role>` (standalone, leader, follower, observer, read-only).
export const srvrFromText = (text: string): Srvr => {
  const refusal = unavailableFromText(text);
  if (refusal) return refusal;
  // Every srvr answer starts so (3.5-3.9); a `Mode: leader` line inside an HTTP page or a flood is not one.
  if (!text.startsWith('Zookeeper version: ')) return { kind: 'unrecognised', text: text.slice(0, 120) };
  const mode = /^Mode: (\S+)\s*$/m.exec(text)?.[1];
  const known: readonly string[] = ['leader', 'follower', 'observer', 'standalone', 'read-only'];
  if (mode === undefined || !known.includes(mode)) return { kind: 'unrecognised', text: text.slice(0, 120) };
  return { kind: 'serving', mode: mode as ServerMode, zxid: /^Zxid: (\S+)\s*$/m.exec(text)?.[1] };
};

export type MemberRole = 'participant' | 'observer';

export type ServerLine = {
  readonly id: number;
  readonly address: string;
  readonly quorumPort: number;
  readonly electionPort: number;
  readonly role: MemberRole;
  /** `[addr:]port` after the `;`, as written; undefined when the line has none. */
  readonly client: string | undefined;
};

// One `server.<id>=<addr>:<q>:<e>[:role][;[addr:]port]` line (3.5+ syntax); undefined when it is not one.
// Multi-address (`a:1:2|b:3:4`) lines keep only the first address: this project writes single addresses.
export const serverLineFromText = (line: string): ServerLine | undefined => {
  const m = /^\s*server\.(\d+)\s*=\s*([^;]+?)\s*(?:;\s*(\S+))?\s*$/.exec(line);
  if (!m) return undefined;
  const first = (m[2] as string).split('|')[0] as string;
  const parts = /^(\[[^\]]+\]|[^:]+):(\d+):(\d+)(?::(participant|observer))?$/.exec(first);
  // The address and client part go into connect strings and dynamic files: a name with a ',', a control byte or
  // a '\r' (a line break to java.util.Properties) from a hostile config text makes the line no server line.
  const client = m[3] === undefined ? undefined : /^(?:(.+):)?(\d{1,5})$/.exec(m[3]);
  if (!parts || !isHostAddress(parts[1] as string) || (m[3] !== undefined && (!client || (client[1] !== undefined && !isHostAddress(client[1])))))
    return undefined;
  return {
    id: Number(m[1]),
    address: parts[1] as string,
    quorumPort: Number(parts[2]),
    electionPort: Number(parts[3]),
    role: (parts[4] as MemberRole | undefined) ?? 'participant',
    client: m[3],
  };
};

export type Membership = { readonly servers: readonly ServerLine[]; readonly version: string | undefined };

// The server lines and `version=` of a dynamic config (the /zookeeper/config znode, a zoo.cfg.dynamic file, or the
// `membership:` block of `conf`); other lines are ignored.
export const membershipFromText = (text: string): Membership => {
  const servers: ServerLine[] = [];
  let version: string | undefined;
  for (const line of text.split('\n')) {
    const server = serverLineFromText(line);
    if (server) servers.push(server);
    const v = /^\s*version\s*=\s*([0-9a-fA-F]+)\s*$/.exec(line);
    if (v) version = v[1];
  }
  return { servers: servers.sort((a, b) => a.id - b.id), version };
};

export type Conf =
  { readonly kind: 'conf'; readonly serverId: number | undefined; readonly membership: Membership; readonly values: ReadonlyMap<string, string> } | Unavailable;

// What every `conf` answer of a serving 3.8/3.9 server has (captured from 3.9.5: ZooKeeperServer.dumpConf, plus
// QuorumZooKeeperServer's keys and a `membership:` block on a quorum server). Requiring them, all numeric where
// numbers, is what tells a ZooKeeper answer from anything else that happens to hold a `key=value` line (an HTTP
// 400 page, `x=y`, a garbage flood: each gave "ready ok: standalone", hostile-input issue 13 item 1).
const CONF_KEYS = ['clientPort', 'dataDir', 'dataLogDir', 'tickTime', 'maxClientCnxns', 'minSessionTimeout', 'maxSessionTimeout', 'serverId'] as const;
const CONF_NUMBERS = ['clientPort', 'tickTime', 'maxClientCnxns', 'minSessionTimeout', 'maxSessionTimeout', 'serverId'] as const;
const QUORUM_KEYS = ['initLimit', 'syncLimit', 'electionPort', 'quorumPort', 'peerType'] as const;
const CONF_LINE = /^([A-Za-z][A-Za-z0-9.]*)=(.*)$/;

// `conf`: `key=value` lines, then (quorum servers) `membership:` followed by the committed dynamic config. Anything
// else (a line that is neither, a missing key, a non-number, a membership block without server lines) is unrecognised.
export const confFromText = (text: string): Conf => {
  const refusal = unavailableFromText(text);
  if (refusal) return refusal;
  const unrecognised: Conf = { kind: 'unrecognised', text: text.slice(0, 120) };
  const values = new Map<string, string>();
  const marker = text.indexOf('\nmembership:');
  const head = marker === -1 ? text : text.slice(0, marker);
  for (const line of head.split('\n')) {
    if (line === '') continue;
    const kv = CONF_LINE.exec(line);
    if (!kv) return unrecognised;
    values.set(kv[1] as string, (kv[2] as string).trim());
  }
  if (!CONF_KEYS.every((k) => values.has(k)) || !CONF_NUMBERS.every((k) => /^\d{1,10}$/.test(values.get(k) ?? ''))) return unrecognised;
  if (marker === -1) return { kind: 'conf', serverId: Number(values.get('serverId')), membership: { servers: [], version: undefined }, values };
  const block = text
    .slice(marker + 1)
    .split('\n')
    .slice(1);
  const wellFormed = block.every((line) => line.trim() === '' || serverLineFromText(line) !== undefined || /^version=[0-9a-fA-F]+\s*$/.test(line));
  const membership = membershipFromText(block.join('\n'));
  if (!QUORUM_KEYS.every((k) => values.has(k)) || !wellFormed || membership.servers.length === 0) return unrecognised;
  return { kind: 'conf', serverId: Number(values.get('serverId')), membership, values };
};

// `mntr`: `zk_<key>\t<value>` lines.
export const mntrFromText = (text: string): ReadonlyMap<string, string> | Unavailable => {
  const refusal = unavailableFromText(text);
  if (refusal) return refusal;
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) values.set(line.slice(0, tab), line.slice(tab + 1).trim());
  }
  return values;
};
