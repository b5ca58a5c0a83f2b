// The flags peer-finder accepts: the original's five, spelled as manifests spell them, plus ours.
import { helpText, type FlagSpec } from '../common/flags.ts';
import { EXIT } from '../common/exit-codes.ts';
import { HOOK_ENV } from './hook.ts';

export const FLAGS: readonly FlagSpec[] = [
  { name: 'on-start', kind: 'string', help: 'Shell command run once, when this pod first sees itself among the members; the sorted member list is on its stdin, one per line. Run with `sh -c` as written, so quotes and arguments work as in the original.' },
  { name: 'on-change', kind: 'string', help: 'Shell command run on every later change of the member set, with the whole new list on stdin. Without -on-start it also runs at start. Without it, peer-finder exits 0 after -on-start.' },
  { name: 'service', kind: 'string', help: 'Name of the headless Service whose members are looked up (required for -discovery=srv and a).' },
  { name: 'ns', kind: 'string', env: 'POD_NAMESPACE', default: 'the namespace in the resolv.conf search line', help: 'Namespace of the Service.' },
  { name: 'domain', kind: 'string', default: 'detected from the resolv.conf search line, as the original does', help: 'Cluster domain, e.g. cluster.local.' },
  { name: 'discovery', kind: 'string', default: 'srv', help: 'How members are found: srv (SRV records of the Service, as the original), a (A/AAAA records of the Service name; members are IP addresses, e.g. Docker compose), static (the -peers list).' },
  { name: 'peers', kind: 'list', help: 'Members for -discovery=static, comma-separated or repeated; this pod is the entry equal to its FQDN or whose first label is its hostname.' },
  { name: 'timeout', kind: 'duration', default: '0 (wait forever, as the original)', help: 'Give up with exit 1, naming what was missing, when the first hook has not run within this time (Go duration: 90s, 5m).' },
  { name: 'poll-period', kind: 'duration', default: '1s', help: 'Time between DNS lookups.' },
  { name: 'log-format', kind: 'string', default: 'text', help: 'text (key=value lines) or json (one object per line), on stderr.' },
  { name: 'hostname', kind: 'string', default: 'the system hostname', help: 'This pod\'s hostname (the first label is used, so a FQDN hostname works).' },
  { name: 'resolv-conf', kind: 'string', default: '/etc/resolv.conf', help: 'Resolver configuration: nameservers, search list and options ndots, timeout, attempts, rotate, use-vc.' },
  { name: 'dns-port', kind: 'int', default: '53', help: 'Port of the resolv.conf nameservers (for tests against a local DNS server).' },
];

export const HELP = helpText({
  usage: 'peer-finder -service=<name> -on-start=<command> [-on-change=<command>] [flags]',
  summary: [
    'Finds the members of a headless Service through DNS and, once this pod is among them, runs a hook with the',
    'member names on stdin: sorted byte-wise, one per line, each line ending with a newline. A drop-in for the',
    'Kubernetes peer-finder (same flags; own name = <hostname>.<service>.<namespace>.svc.<domain>).',
    'DNS data never reaches a command line: the hook gets it on stdin and the variables below.',
  ].join('\n'),
  flags: FLAGS,
  env: [
    ['POD_NAMESPACE', 'Namespace when -ns is not given (set it from the Downward API).'],
    ['POD_IP', 'This pod\'s address for -discovery=a (else the addresses of its network interfaces).'],
    ...HOOK_ENV,
  ],
  exitCodes: [
    [EXIT.ok, 'done: the on-start hook succeeded and there is no -on-change (a sidecar with -on-change runs until stopped)'],
    [EXIT.failed, 'a hook failed (its output is shown), or -timeout expired (the message names what was missing)'],
    [EXIT.usage, 'bad flags, environment or resolv.conf (one line naming every problem)'],
    [EXIT.internal, 'a bug in peer-finder'],
  ],
});
