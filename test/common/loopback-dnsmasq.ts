// A real dnsmasq on 127.0.0.1 and a random port, for DNS tests and benchmarks outside harness pods.
// Stopped and its directory removed by t.teardown, also when the test fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { encode } from 'dns-packet';

type Teardown = { teardown: (fn: () => unknown) => void };

export type Dnsmasq = {
  readonly port: number;
  readonly dir: string;
  /** Kill it (a DNS outage); `start` brings it back on the same port. */
  readonly stop: () => Promise<void>;
  readonly start: () => Promise<void>;
  /** SIGSTOP: queries go unanswered (timeouts) until `resume`. */
  readonly pause: () => void;
  readonly resume: () => void;
  /** Replace the records and restart (dnsmasq re-reads srv-host only on start). */
  readonly setRecords: (lines: readonly string[]) => Promise<void>;
};

// Any reply on UDP, even REFUSED, means the server is up.
const answers = (address: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 100);
    socket.on('message', () => done(true));
    socket.on('error', () => done(false));
    socket.send(encode({ type: 'query', id: 7, questions: [{ type: 'A', name: 'probe.invalid' }] }), port, address);
  });

export type DnsmasqOptions = {
  /** A loopback address other than 127.0.0.1, e.g. for a second nameserver on the same port. */
  readonly address?: string;
  readonly port?: number;
};

export const startDnsmasq = async (t: Teardown, records: readonly string[], options: DnsmasqOptions = {}): Promise<Dnsmasq> => {
  const address = options.address ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'pf-dnsmasq-'));
  let child: ChildProcess | undefined;
  let port = 0;
  const conf = join(dir, 'dnsmasq.conf');
  const write = (lines: readonly string[]): void => writeFileSync(conf, ['local=/cluster.local/', 'log-facility=/dev/null', ...lines].join('\n') + '\n');

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  const launch = async (): Promise<boolean> => {
    const proc = spawn('dnsmasq', [`--port=${port}`, `--listen-address=${address}`, '--bind-interfaces', '--no-resolv', '--no-hosts', '--keep-in-foreground', `--conf-file=${conf}`, `--pid-file=${join(dir, 'pid')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) {
        if (/in use/i.test(stderr)) return false;
        throw new Error(`dnsmasq exited ${proc.exitCode}: ${stderr}`);
      }
      if (await answers(address, port)) return true;
    }
    throw new Error(`dnsmasq on port ${port} did not answer within 5 s: ${stderr}`);
  };

  const start = async (): Promise<void> => {
    await stop();
    if (!(await launch())) throw new Error(`port ${port} was taken while dnsmasq was down`);
  };

  t.teardown(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });
  write(records);
  for (let tries = 0; ; tries++) {
    port = options.port ?? randomInt(20_000, 60_000);
    if (await launch()) break;
    if (options.port !== undefined) throw new Error(`port ${options.port} is taken on ${address}`);
    if (tries > 10) throw new Error('no free port for dnsmasq');
  }
  return {
    port,
    dir,
    stop,
    start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    setRecords: async (lines) => {
      write(lines);
      await start();
    },
  };
};

// srv-host lines for `<service>.<namespace>.svc.cluster.local` with members `<set>-<i>`, as CoreDNS would serve.
export const srvRecords = (service: string, set: string, ordinals: readonly number[], namespace = 'default'): string[] =>
  ordinals.map((i) => `srv-host=${service}.${namespace}.svc.cluster.local,${set}-${i}.${service}.${namespace}.svc.cluster.local,2181,0,${Math.floor(100 / Math.max(1, ordinals.length))}`);

// A kubelet-shaped resolv.conf pointing at the loopback server (whose port is passed separately).
export const kubeletResolvConf = (namespace = 'default', nameservers: readonly string[] = ['127.0.0.1'], options = 'ndots:5'): string =>
  [`search ${namespace}.svc.cluster.local svc.cluster.local cluster.local`, ...nameservers.map((n) => `nameserver ${n}`), `options ${options}`].join('\n') + '\n';
