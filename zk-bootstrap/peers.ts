// The peer list peer-finder writes on stdin (one FQDN per line) split into this pod's entry and the others. Pure.
// The list is not trusted (hostile-input issue 8, class 3): a line that is not a host name (a NUL, a space, invalid
// UTF-8, a ':' or ',' that would change a server line or a connect string) is dropped and reported, never used.
import { AgentError } from '../common/errors.ts';
import { excerpt } from '../common/log.ts';
import { isHostName } from '../common/k8s-names.ts';
import type { Config } from './config.ts';
import type { Peers } from './start-plan.ts';
import { CODES } from './catalogue.ts';

/** stdin cap: a 1,000-member list is ~60 KB; 1 MiB leaves a wide margin and bounds what a broken hook costs. */
export const MAX_PEER_LIST_BYTES = 1024 * 1024;

export type PeerList = Peers & {
  /** Lines that are not host names, as given (the caller logs how many and an excerpt of the first). */
  readonly dropped: readonly string[];
};

const shortList = (names: readonly string[]): string =>
  names.length <= 5 ? names.join(',') || 'empty' : `${names.slice(0, 5).join(',')},... (${names.length - 5} more)`;

// peer-finder runs on-start only once the pod sees itself, so a list without it is bad input, never "alone":
// reading it as "no other member" could found a second ensemble. For the same reason, a list whose only other
// entries were dropped is refused: dropping them must not turn "others exist" into "found a new ensemble".
export const peersFromText = (text: string, config: Pick<Config, 'pod' | 'address'>): PeerList => {
  const lines = text
    .split('\n')
    .map((l) => l.trim().replace(/\.$/, ''))
    .filter(Boolean);
  const dropped = lines.filter((l) => !isHostName(l));
  const names = [...new Set(lines.filter((l) => isHostName(l)))].sort();
  const isSelf = (name: string): boolean => name === config.address || name.split('.')[0] === config.pod.hostname;
  const self = names.find(isSelf);
  const others = names.filter((n) => !isSelf(n));
  const droppedNote =
    dropped.length === 0 ? '' : `; ${dropped.length} line(s) that are not host names were dropped, the first ${excerpt(dropped[0] as string)}`;
  if (self === undefined) {
    throw new AgentError(
      CODES.ZK_PEERS_WITHOUT_SELF,
      `the peer list on stdin (${names.length} names: ${shortList(names)}${droppedNote}) does not contain this pod (${config.pod.hostname}); run zk-bootstrap init as peer-finder's -on-start hook`,
      {
        context: { hostname: config.pod.hostname, peers: names.length, dropped: dropped.length },
      },
    );
  }
  if (dropped.length > 0 && others.length === 0) {
    throw new AgentError(
      CODES.ZK_PEERS_INVALID,
      `the peer list on stdin has no other valid member${droppedNote}: refusing to found an ensemble beside members whose names cannot be used; fix the Service's DNS records`,
      {
        context: { hostname: config.pod.hostname, dropped: dropped.length },
      },
    );
  }
  return { self, others, dropped };
};
