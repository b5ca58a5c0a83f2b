// Pure readers for four-letter-word answers (ZooKeeper 3.5-3.9 text formats), kept apart from the socket code
// so the probe and zk-bootstrap decide on parsed values that tests build from literal text.

export type ServerMode = 'leader' | 'follower' | 'observer' | 'standalone' | 'read-only';

// 3.9 text for every command that needs a running server (srvr, stat, conf, mntr, ...).
const NOT_SERVING = 'This ZooKeeper instance is not currently serving requests';
const NOT_WHITELISTED = /^(\w{4}) is not executed because it is not in the whitelist\./;

export type Unavailable =
  | { readonly kind: 'not-serving' }
  | { readonly kind: 'not-whitelisted'; readonly word: string }
  | { readonly kind: 'unrecognised'; readonly text: string };

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
  if (!parts) return undefined;
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
  | { readonly kind: 'conf'; readonly serverId: number | undefined; readonly membership: Membership; readonly values: ReadonlyMap<string, string> }
  | Unavailable;

// `conf`: `key=value` lines, then (quorum servers) `membership:` followed by the committed dynamic config.
export const confFromText = (text: string): Conf => {
  const refusal = unavailableFromText(text);
  if (refusal) return refusal;
  const values = new Map<string, string>();
  const marker = text.indexOf('\nmembership:');
  const head = marker === -1 ? text : text.slice(0, marker);
  for (const line of head.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  if (values.size === 0) return { kind: 'unrecognised', text: text.slice(0, 120) };
  const id = values.get('serverId');
  return {
    kind: 'conf',
    serverId: id !== undefined && /^\d+$/.test(id) ? Number(id) : undefined,
    membership: marker === -1 ? { servers: [], version: undefined } : membershipFromText(text.slice(marker + 1)),
    values,
  };
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
