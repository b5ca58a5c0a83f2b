// The inputs peer-finder accepts, declared once: the original's five flags, spelled as manifests spell them, plus
// ours. Types, defaults, env fallbacks and bounds live here; readConfig checks the rules between them.
import { helpText } from '../common/flags.ts';
import { EXIT } from '../common/exit-codes.ts';
import { exitCodeRows } from '../common/catalogue.ts';
import { inputs, type Input } from '../common/inputs.ts';
import { DNS1123_SUBDOMAIN_MAX } from '../common/k8s-names.ts';
import { HOOK_ENV } from './hook.ts';
import { CODES, USED_COMMON_CODES } from './catalogue.ts';

/** Linux's limit on one argument (MAX_ARG_STRLEN): no longer hook can reach peer-finder anyway. */
const MAX_COMMAND_CHARS = 128 * 1024;

// A hook goes to `sh -c` as written, newlines included (a script in a YAML block scalar), so it is not plain text:
// only its length is bounded. Empty counts as not given.
const command = (name: string, help: string): Input<string> => ({
  ...inputs.text(name, { help }),
  accepts: 'shell command',
  parse: (text) => (text.length <= MAX_COMMAND_CHARS ? text : { refused: `a command of at most ${MAX_COMMAND_CHARS} characters` }),
});

export const SPECS = {
  onStart: command(
    'on-start',
    'Shell command run once, when this pod first sees itself among the members; the sorted member list is on its stdin, one per line. Run with `sh -c` as written, so quotes and arguments work as in the original.',
  ),
  onChange: command(
    'on-change',
    'Shell command run on every later change of the member set, with the whole new list on stdin. Without -on-start it also runs at start. Without it, peer-finder exits 0 after -on-start.',
  ),
  service: inputs.text('service', { help: 'Name of the headless Service whose members are looked up (required for -discovery=srv and a).' }),
  ns: inputs.text('ns', { help: 'Namespace of the Service.', env: 'POD_NAMESPACE', defaultText: 'the namespace in the resolv.conf search line' }),
  domain: inputs.text('domain', {
    help: 'Cluster domain, e.g. cluster.local.',
    defaultText: 'detected from the resolv.conf search line, as the original does',
  }),
  discovery: inputs.oneOf('discovery', ['srv', 'a', 'static'], {
    default: 'srv',
    help: 'How members are found: srv (SRV records of the Service, as the original), a (A/AAAA records of the Service name; members are IP addresses, e.g. Docker compose), static (the -peers list).',
  }),
  peers: inputs.list('peers', {
    help: 'Members for -discovery=static, comma-separated or repeated; this pod is the entry equal to its FQDN or whose first label is its hostname.',
  }),
  timeout: inputs.duration('timeout', {
    min: 0,
    default: 0,
    note: '0: no limit',
    defaultText: '0 (wait forever, as the original)',
    help: 'Give up with exit 1, naming what was missing, when the first hook has not run within this time (Go duration: 90s, 5m).',
  }),
  pollPeriod: inputs.duration('poll-period', { min: 1, default: 1000, help: 'Time between DNS lookups.' }),
  logFormat: inputs.logFormat(),
  // A DNS-1123 subdomain at most (identity.ts checks the shape), so a 128 KB value is refused by its length alone.
  hostname: inputs.text('hostname', {
    max: DNS1123_SUBDOMAIN_MAX,
    defaultText: 'the system hostname',
    help: "This pod's hostname (the first label is used, so a FQDN hostname works).",
  }),
  resolvConf: inputs.path('resolv-conf', {
    default: '/etc/resolv.conf',
    emptyIsUnset: true,
    help: 'Resolver configuration: nameservers, search list and options ndots, timeout, attempts, rotate, use-vc.',
  }),
  dnsPort: inputs.port('dns-port', { default: 53, help: 'Port of the resolv.conf nameservers (for tests against a local DNS server).' }),
};

export const HELP = helpText({
  usage: 'peer-finder -service=<name> -on-start=<command> [-on-change=<command>] [flags]',
  summary: [
    'Finds the members of a headless Service through DNS and, once this pod is among them, runs a hook with the',
    'member names on stdin: sorted byte-wise, one per line, each line ending with a newline. A drop-in for the',
    'Kubernetes peer-finder (same flags; own name = <hostname>.<service>.<namespace>.svc.<domain>).',
    'DNS data never reaches a command line: the hook gets it on stdin and the variables below.',
  ].join('\n'),
  flags: Object.values(SPECS),
  env: [
    ['POD_NAMESPACE', 'Namespace when -ns is not given (set it from the Downward API).'],
    ['POD_IP', "This pod's address for -discovery=a (else the addresses of its network interfaces)."],
    ...HOOK_ENV,
  ],
  exitCodes: exitCodeRows(
    [
      [EXIT.ok, 'done: the on-start hook succeeded and there is no -on-change (a sidecar with -on-change runs until stopped)'],
      [EXIT.failed, 'a hook failed (its output is shown), or -timeout expired (the message names what was missing)'],
      [EXIT.usage, 'bad flags, environment or resolv.conf (one line naming every problem)'],
      [EXIT.internal, 'a bug in peer-finder'],
    ],
    CODES,
    USED_COMMON_CODES,
  ),
});
