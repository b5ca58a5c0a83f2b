// What a hook receives: the member list on stdin and a few facts in its environment, so scripts need not parse.

// Byte-wise order, as Go's sort.Strings: `zoo-10` sorts before `zoo-2`. UTF-8 byte order is code point order, which
// differs from UTF-16 code unit order only between a surrogate (a code point above U+FFFF) and U+E000..U+FFFF; moving
// surrogates above that range fixes it without allocating (a 1,000-member sort compares ~10,000 times).
const codePointRank = (unit: number): number => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit);

export const compareBytewise = (a: string, b: string): number => {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
};

// Members deduplicated and sorted, the form the hook and the change detection both use.
export const sortedMembers = (members: readonly string[]): readonly string[] => [...new Set(members)].sort(compareBytewise);

// stdin of the hook: one member per line and a final newline, which the k/k copy of peer-finder dropped (a bash
// `while read` loop then loses the last peer).
export const hookInput = (members: readonly string[]): string => members.map((m) => `${m}\n`).join('');

export type HookEvent = 'start' | 'change';

export type HookFacts = {
  readonly event: HookEvent;
  readonly self: string;
  readonly hostname: string;
  readonly ordinal: number | undefined;
  readonly service: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly members: readonly string[];
};

// The variables documented in --help, one line each.
export const HOOK_ENV: ReadonlyArray<readonly [string, string]> = [
  ['PEER_FINDER_EVENT', 'Set for the hook: start (first run) or change.'],
  ['PEER_FINDER_SELF', "Set for the hook: this pod's entry in the member list (its FQDN; its IP with -discovery=a)."],
  ['PEER_FINDER_HOSTNAME', "Set for the hook: this pod's hostname (first label)."],
  ['PEER_FINDER_ORDINAL', 'Set for the hook: the StatefulSet ordinal from the hostname (`zoo-2` gives 2); empty when there is none.'],
  ['PEER_FINDER_MEMBER_COUNT', 'Set for the hook: number of members on stdin.'],
  [
    'PEER_FINDER_SERVICE, PEER_FINDER_NAMESPACE, PEER_FINDER_DOMAIN',
    'Set for the hook: the Service, namespace and cluster domain in use (empty when unknown).',
  ],
];

// Environment added for the hook; values come from the config and counts, never a command line.
export const hookEnv = (facts: HookFacts): Readonly<Record<string, string>> => ({
  PEER_FINDER_EVENT: facts.event,
  PEER_FINDER_SELF: facts.self,
  PEER_FINDER_HOSTNAME: facts.hostname,
  PEER_FINDER_ORDINAL: facts.ordinal === undefined ? '' : String(facts.ordinal),
  PEER_FINDER_MEMBER_COUNT: String(facts.members.length),
  PEER_FINDER_SERVICE: facts.service,
  PEER_FINDER_NAMESPACE: facts.namespace,
  PEER_FINDER_DOMAIN: facts.clusterDomain,
});
