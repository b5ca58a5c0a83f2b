// The peer list peer-finder writes on stdin (one FQDN per line) split into this pod's entry and the others. Pure.
import { AgentError } from '../common/errors.ts';
import { EXIT } from '../common/exit-codes.ts';
import type { Config } from './config.ts';
import type { Peers } from './start-plan.ts';

// peer-finder runs on-start only once the pod sees itself, so a list without it is bad input, never "alone":
// reading it as "no other member" could found a second ensemble.
export const peersFromText = (text: string, config: Pick<Config, 'pod' | 'address'>): Peers => {
  const names = [...new Set(text.split('\n').map((l) => l.trim().replace(/\.$/, '')).filter(Boolean))].sort();
  const isSelf = (name: string): boolean => name === config.address || name.split('.')[0] === config.pod.hostname;
  const self = names.find(isSelf);
  if (self === undefined) {
    throw new AgentError('ZK_PEERS_WITHOUT_SELF', `the peer list on stdin (${names.length} names: ${names.join(',') || 'empty'}) does not contain this pod (${config.pod.hostname}); run zk-bootstrap init as peer-finder's -on-start hook`, {
      exitCode: EXIT.usage,
      context: { hostname: config.pod.hostname, peers: names.join(',') },
    });
  }
  return { self, others: names.filter((n) => !isSelf(n)) };
};
