import t from 'tap';
import type { ConfigInputs } from '../../peer-finder/config.ts';
import { SPECS } from '../../peer-finder/flags.ts';
import { readInputs } from '../../common/inputs.ts';
import { ConfigError } from '../../common/errors.ts';
import { configOf as readConfig } from './fixtures/read-config.ts';

const KUBELET = 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';
const INPUTS: ConfigInputs = { hostname: 'zoo-1', resolvConf: KUBELET, addresses: ['10.1.0.7'] };
const ENV = { POD_NAMESPACE: 'default' };
// The seed manifest's bootstrap container, argument for argument.
const SEED_ARGS = ['-on-start="/work-dir/on-start.sh"', '-service=zk'];

const problemsOf = (argv: string[], env: Record<string, string> = ENV, inputs: ConfigInputs = INPUTS): readonly string[] => {
  try {
    readConfig(argv, env, inputs);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

t.test('accepts the seed manifest unchanged and keeps the literal quotes for the shell', async (t) => {
  const config = readConfig(SEED_ARGS, ENV, INPUTS);
  t.equal(config.onStart, '"/work-dir/on-start.sh"');
  t.equal(config.onChange, undefined);
  t.equal(config.fqdn, 'zoo-1.zk.default.svc.cluster.local');
  t.same(config.discovery, { kind: 'srv', name: 'zk' });
  t.equal(config.domainSource, 'resolv.conf');
  t.equal(config.ordinal, 1);
  t.equal(config.pollPeriodMs, 1000);
  t.equal(config.timeoutMs, 0);
  t.equal(config.resolv.ndots, 5);
  t.ok(Object.isFrozen(config));
});

t.test('accepts every Go spelling of the original flags', async (t) => {
  const rows = [
    { name: 'single dash with =', argv: ['-on-change=x', '-service=zk', '-ns=web', '-domain=cluster.local'] },
    { name: 'double dash with =', argv: ['--on-change=x', '--service=zk', '--ns=web', '--domain=cluster.local'] },
    { name: 'separate values', argv: ['-on-change', 'x', '-service', 'zk', '--ns', 'web', '-domain', 'cluster.local'] },
  ];
  for (const row of rows) t.equal(readConfig(row.argv, {}, INPUTS).fqdn, 'zoo-1.zk.web.svc.cluster.local', row.name);
});

t.test('finds the namespace in the flag, else POD_NAMESPACE, else the resolv.conf search line', async (t) => {
  const rows = [
    { name: 'flag beats env', argv: [...SEED_ARGS, '-ns=kafka'], env: { POD_NAMESPACE: 'web' }, want: 'kafka' },
    { name: 'env when no flag', argv: SEED_ARGS, env: { POD_NAMESPACE: 'web' }, want: 'web' },
    { name: 'resolv.conf when neither (as the contrib original)', argv: SEED_ARGS, env: {}, want: 'default' },
    { name: 'empty env counts as unset', argv: SEED_ARGS, env: { POD_NAMESPACE: '' }, want: 'default' },
  ];
  for (const row of rows) t.equal(readConfig(row.argv, row.env, INPUTS).namespace, row.want, row.name);
});

t.test('uses -domain as given and builds the original own name', async (t) => {
  const config = readConfig([...SEED_ARGS, '-domain=k8s.example.com'], ENV, INPUTS);
  t.equal(config.fqdn, 'zoo-1.zk.default.svc.k8s.example.com');
  t.equal(config.domainSource, 'flag');
});

t.test('takes the first label of a FQDN hostname and prefers -hostname', async (t) => {
  t.equal(readConfig(SEED_ARGS, ENV, { ...INPUTS, hostname: 'zoo-2.zk.default.svc.cluster.local' }).fqdn, 'zoo-2.zk.default.svc.cluster.local');
  t.equal(readConfig([...SEED_ARGS, '-hostname=zoo-4'], ENV, INPUTS).fqdn, 'zoo-4.zk.default.svc.cluster.local');
  t.equal(readConfig([...SEED_ARGS, '-hostname=web'], ENV, INPUTS).ordinal, undefined, 'no ordinal is fine');
});

t.test('reads our additions', async (t) => {
  const config = readConfig([...SEED_ARGS, '-timeout=90s', '-poll-period=250ms', '-log-format=json', '-dns-port=5353'], ENV, INPUTS);
  t.same([config.timeoutMs, config.pollPeriodMs, config.logFormat, config.dnsPort], [90_000, 250, 'json', 5353]);
  t.equal(readInputs(SPECS, ['-resolv-conf=/tmp/r.conf'], {}).values.resolvConf, '/tmp/r.conf');
  t.equal(readInputs(SPECS, [], {}).values.resolvConf, '/etc/resolv.conf');
  t.equal(readInputs(SPECS, [], { LOG_FORMAT: 'json' }).values.logFormat, 'json', 'LOG_FORMAT when no -log-format');
});

t.test('identifies this pod by its address with -discovery=a', async (t) => {
  t.same(readConfig(['-on-start=x', '-service=zk', '-discovery=a'], {}, INPUTS).selfNames, ['10.1.0.7']);
  t.same(readConfig(['-on-start=x', '-service=zk', '-discovery=a'], { POD_IP: '10.9.9.9' }, INPUTS).selfNames, ['10.9.9.9'], 'POD_IP wins');
});

t.test('identifies this pod in a static list by FQDN or first label', async (t) => {
  const config = readConfig(['-on-start=x', '-discovery=static', '-peers=zoo-0,zoo-1', '--peers', 'zoo-2'], {}, INPUTS);
  t.same(config.discovery, { kind: 'static', peers: ['zoo-0', 'zoo-1', 'zoo-2'] });
  t.same(config.selfNames, ['zoo-1']);
  t.same(readConfig(['-on-start=x', '-discovery=static', '-service=zk', '-peers=zoo-1.zk.default.svc.cluster.local'], ENV, INPUTS).selfNames, [
    'zoo-1.zk.default.svc.cluster.local',
  ]);
});

t.test('names every problem at once', async (t) => {
  const problems = problemsOf(['-bogus', '-timeout=soon', '-poll-period=0s', '-log-format=xml', '-discovery=mdns', 'extra']);
  t.equal(problems.length, 8, problems.join('\n'));
});

t.test('refuses durations past what a timer holds instead of overflowing them', async (t) => {
  for (const flag of ['timeout', 'poll-period']) {
    const problems = problemsOf([...SEED_ARGS, `-${flag}=999999999h`]);
    t.match(problems, [new RegExp(`^-${flag} takes a Go duration from \\d+m?s to 596h31m23.647s.*got "999999999h"`)], flag);
  }
});

t.test('refuses inputs the original accepted and then hung or died on', async (t) => {
  const rows = [
    { name: 'no hook at all', argv: ['-service=zk'], env: ENV, inputs: INPUTS, match: /-on-start or -on-change/ },
    { name: 'empty hooks count as none', argv: ['-service=zk', '-on-start=', '-on-change='], env: ENV, inputs: INPUTS, match: /-on-start or -on-change/ },
    { name: 'no service', argv: ['-on-start=x'], env: ENV, inputs: INPUTS, match: /-service is required/ },
    {
      name: '-domain without a namespace (the original looped forever)',
      argv: ['-on-start=x', '-service=zk', '-domain=cluster.local'],
      env: {},
      inputs: INPUTS,
      match: /namespace is unknown/,
    },
    {
      name: 'resolv.conf unreadable and no -domain',
      argv: SEED_ARGS,
      env: ENV,
      inputs: { ...INPUTS, resolvConf: undefined },
      match: /cannot read \/etc\/resolv.conf/,
    },
    {
      name: 'resolv.conf without a svc search domain',
      argv: SEED_ARGS,
      env: ENV,
      inputs: { ...INPUTS, resolvConf: 'search example.com\n' },
      match: /no search domain/,
    },
    {
      name: 'resolv.conf without search',
      argv: SEED_ARGS,
      env: {},
      inputs: { ...INPUTS, resolvConf: 'nameserver 1.1.1.1\n' },
      match: /no `search` line.*and -ns/,
    },
    {
      name: 'a service name with dots',
      argv: ['-on-start=x', '-service=zk.default'],
      env: ENV,
      inputs: INPUTS,
      match: /-service \(a Service name\) must be a DNS-1123 label/,
    },
    { name: 'a bad namespace', argv: [...SEED_ARGS, '-ns=Bad_NS'], env: ENV, inputs: INPUTS, match: /-ns .* must be a DNS-1123 label/ },
    { name: 'a bad domain', argv: [...SEED_ARGS, '-domain=a..b'], env: ENV, inputs: INPUTS, match: /-domain .* must be a DNS-1123 subdomain/ },
    { name: 'static without peers', argv: ['-on-start=x', '-discovery=static'], env: ENV, inputs: INPUTS, match: /needs -peers/ },
    {
      name: 'static list without this pod',
      argv: ['-on-start=x', '-discovery=static', '-peers=a,b'],
      env: ENV,
      inputs: INPUTS,
      match: /does not list this pod/,
    },
    { name: 'peers in srv mode', argv: [...SEED_ARGS, '-peers=a'], env: ENV, inputs: INPUTS, match: /only used with -discovery=static/ },
    { name: 'A mode without an address', argv: ['-on-start=x', '-service=zk', '-discovery=a'], env: {}, inputs: { ...INPUTS, addresses: [] }, match: /POD_IP/ },
    { name: 'a bad port', argv: [...SEED_ARGS, '-dns-port=70000'], env: ENV, inputs: INPUTS, match: /-dns-port/ },
    { name: 'an empty hostname', argv: SEED_ARGS, env: ENV, inputs: { ...INPUTS, hostname: '' }, match: /hostname is empty/ },
  ];
  for (const row of rows) {
    const problems = problemsOf(row.argv, row.env, row.inputs);
    t.ok(
      problems.some((p) => row.match.test(p)),
      `${row.name}: ${problems.join(' | ')}`,
    );
  }
});

t.test('a hook command is passed as written, newlines included; a -service with a newline is named once', async (t) => {
  t.equal(readConfig(['-on-start=set -e\n./on-start.sh', '-service=zk'], ENV, INPUTS).onStart, 'set -e\n./on-start.sh');
  const problems = problemsOf(['-on-start=x', '-service=zk\nx']);
  t.match(problems, [/^-service takes text that .*control characters/]);
  t.equal(problems.length, 1, problems.join(' | '));
});

t.test('throws a ConfigError with exit code 2', async (t) => {
  t.throws(() => readConfig([], {}, INPUTS), { code: 'CONFIG_INVALID', exitCode: 2 });
});

t.test('refuses names Kubernetes would never produce, each with one short escaped excerpt', async (t) => {
  const huge = 'a'.repeat(131_072);
  const rows = [
    { name: 'an empty -service', argv: ['-on-start=x', '-service='], env: ENV, inputs: INPUTS, match: /-service is required/ },
    {
      name: 'an underscore in -service',
      argv: ['-on-start=x', '-service=Kaf_ka'],
      env: ENV,
      inputs: INPUTS,
      match: /-service .* DNS-1123 label.*got "Kaf_ka"/,
    },
    {
      name: 'a 64-character -service',
      argv: ['-on-start=x', `-service=${'s'.repeat(64)}`],
      env: ENV,
      inputs: INPUTS,
      match: /-service .* at most 63 characters \(got 64\)/,
    },
    { name: 'a newline in POD_NAMESPACE', argv: SEED_ARGS, env: { POD_NAMESPACE: 'default\nevil' }, inputs: INPUTS, match: /-ns .* got "default\\nevil"/ },
    { name: 'a 131 KB hostname', argv: SEED_ARGS, env: ENV, inputs: { ...INPUTS, hostname: huge }, match: /hostname .* at most 253 characters \(got 131072\)/ },
    {
      name: 'a 64-character hostname label',
      argv: [...SEED_ARGS, `-hostname=${'h'.repeat(64)}`],
      env: ENV,
      inputs: INPUTS,
      match: /hostname .* DNS-1123 subdomain/,
    },
    { name: 'a hostname with a space', argv: SEED_ARGS, env: ENV, inputs: { ...INPUTS, hostname: 'zoo-1 ' }, match: /hostname .* got "zoo-1 "/ },
    { name: 'an upper-case domain', argv: [...SEED_ARGS, '-domain=Cluster.Local'], env: ENV, inputs: INPUTS, match: /-domain .* DNS-1123 subdomain/ },
    {
      name: 'valid parts that make a name over 253',
      argv: ['-on-start=x', `-service=${'s'.repeat(63)}`, `-ns=${'n'.repeat(63)}`, `-domain=${'d'.repeat(63)}.${'e'.repeat(60)}`],
      env: {},
      inputs: INPUTS,
      match: /more than DNS allows/,
    },
    {
      name: 'a static peer with a newline',
      argv: ['-on-start=x', '-discovery=static', '-peers=zoo-1,zoo-2\nzoo-9'],
      env: ENV,
      inputs: INPUTS,
      match: /-peers takes host names or IP addresses.*"zoo-2\\nzoo-9"/,
    },
  ];
  for (const row of rows) {
    const problems = problemsOf(row.argv, row.env, row.inputs);
    t.ok(
      problems.some((p) => row.match.test(p)),
      `${row.name}: ${problems.join(' | ').slice(0, 500)}`,
    );
    t.ok(
      problems.every((p) => p.length < 400 && !p.includes('\n')),
      `${row.name}: every problem is short and one line`,
    );
  }
  t.same(
    readConfig(['-on-start=x', '-discovery=static', '-peers=zoo-1,10.0.0.7,fd00::7'], {}, INPUTS).discovery,
    { kind: 'static', peers: ['zoo-1', '10.0.0.7', 'fd00::7'] },
    'names and addresses are fine',
  );
});
