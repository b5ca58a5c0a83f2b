// The cluster domain as the original peer-finder (kubernetes-retired/contrib, PR #2644) derives it from resolv.conf,
// so pods that relied on the detection keep getting the same answer. The original applies a Go RE2 regex:
//   \A(.*\n)*search\s{1,}(.*\s{1,})*(?P<goal>GOAL)
// RE2 is leftmost-first with greedy stars, so the match comes from the LAST `search` line that yields one and from
// the RIGHT-MOST whitespace-preceded position after it (even on later lines: `\s` matches `\n`). Run as a JS
// regex, that pattern backtracks exponentially on a file without a match, so the same choice is made here by
// scanning candidates in RE2's order and matching only GOAL at each one (sticky), which is linear in practice.

// Go RE2 `\s` is [\t\n\f\r ] and `.` is any character but `\n`; the GOALs below spell them out.
const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\f' || ch === '\r';

// Namespace unknown: the goal is `<ns>.svc.<domain>` (the dots are unescaped in the original: any character).
const GOAL_WITH_NAMESPACE = /(?<ns>[a-zA-Z0-9-]{1,63})[^\n]svc[^\n](?<domain>(?:[a-zA-Z0-9-]{1,63}\.)*[a-zA-Z0-9]{2,63})/y;
// Namespace known: the goal is `svc.<domain>`.
const GOAL_SVC_ONLY = /svc[^\n](?<domain>(?:[a-zA-Z0-9-]{1,63}\.)*[a-zA-Z0-9]{2,63})/y;

const DOMAIN = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export type DetectedDomain =
  | { readonly kind: 'found'; readonly namespace: string; readonly clusterDomain: string; readonly matched: string }
  | { readonly kind: 'none'; readonly reason: 'no-search-line' | 'no-svc-domain' };

// The original's RE2 choice: the goal match at the latest search line, right-most start position. Every candidate
// position after a later search line is also after an earlier one, so the right-most match after the FIRST search
// line is the right-most after whichever line RE2 settles on: one scan from the end, linear in the file (scanning
// again from the end for every search line took 17-21 s on 20,000 of them, issue 13).
const originalGoal = (text: string, goal: RegExp): RegExpExecArray | 'no-search-line' | undefined => {
  let first = -1;
  for (let at = 0; at < text.length && first === -1; at = text.indexOf('\n', at) + 1 || text.length) {
    if (text.startsWith('search', at) && isSpace(text[at + 6])) first = at;
  }
  if (first === -1) return 'no-search-line';
  for (let q = text.length - 1; q > first + 6; q--) {
    if (!isSpace(text[q - 1]) || isSpace(text[q])) continue;
    goal.lastIndex = q;
    const match = goal.exec(text);
    if (match) return match;
  }
  return undefined;
};

// Where the original cut a search domain mid-token (its last label may not contain `-`, so `svc.k8s-prod` became
// `svc.k8s` and the pod waited forever for a name that cannot exist), take the whole token when it is a valid
// domain. A trailing root dot (`svc.cluster.local.`) ends the same way in both.
const wholeDomain = (text: string, match: RegExpExecArray, domain: string): string => {
  const end = match.index + match[0].length;
  if (end >= text.length || isSpace(text[end])) return domain;
  let tokenEnd = end;
  while (tokenEnd < text.length && !isSpace(text[tokenEnd])) tokenEnd++;
  const extended = (domain + text.slice(end, tokenEnd)).replace(/\.$/, '');
  return DOMAIN.test(extended) ? extended : domain;
};

// Namespace and cluster domain from resolv.conf text; `namespace` given means only the domain is looked for, as in
// the original (whose answer is then `<namespace>.svc.<domain>` whatever namespace the file names).
export const detectClusterDomain = (text: string, namespace?: string): DetectedDomain => {
  const known = namespace !== undefined && namespace !== '';
  const match = originalGoal(text, known ? GOAL_SVC_ONLY : GOAL_WITH_NAMESPACE);
  if (match === 'no-search-line' || match === undefined) {
    return { kind: 'none', reason: match === 'no-search-line' ? 'no-search-line' : 'no-svc-domain' };
  }
  const domain = wholeDomain(text, match, match.groups?.['domain'] ?? '');
  return {
    kind: 'found',
    namespace: known ? namespace : (match.groups?.['ns'] ?? ''),
    clusterDomain: domain,
    matched: match[0],
  };
};
