import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realEffects, hookRunner } from '../../peer-finder/effects.ts';
import { configOf as readConfig } from './fixtures/read-config.ts';
import { startDnsmasq, srvRecords, kubeletResolvConf } from '../fixtures/loopback-dnsmasq.ts';

const scratch = (t: { teardown: (fn: () => void) => void }): string => {
  const dir = mkdtempSync(join(tmpdir(), 'pf-effects-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const hook = (command: string, input = 'a\nb\n', env: Record<string, string> = {}) => ({ which: 'on-start' as const, command, input, env });

t.test('runs the hook string through sh -c as written, with the members on stdin and the facts in env', async (t) => {
  const dir = scratch(t);
  const script = join(dir, 'record.sh');
  writeFileSync(script, `#!/bin/sh\nprintf '%s|' "$@" > ${dir}/args\ncat > ${dir}/stdin\nprintf '%s' "$PEER_FINDER_SELF" > ${dir}/self\n`);
  chmodSync(script, 0o755);
  const outcome = await realEffects.runHook(hook(`"${script}" 'two words' three`, 'zoo-0.zk\nzoo-1.zk\n', { PEER_FINDER_SELF: 'zoo-1.zk' }));
  t.match(outcome, { kind: 'ok' });
  t.equal(readFileSync(join(dir, 'args'), 'utf8'), 'two words|three|');
  t.equal(readFileSync(join(dir, 'stdin'), 'utf8'), 'zoo-0.zk\nzoo-1.zk\n');
  t.equal(readFileSync(join(dir, 'self'), 'utf8'), 'zoo-1.zk');
});

t.test('a bash while-read loop sees every member, the last one included', async (t) => {
  const dir = scratch(t);
  const outcome = await realEffects.runHook(hook(`n=0; while read -r line; do n=$((n+1)); done; echo $n > ${dir}/count`, 'a\nb\nc\n'));
  t.match(outcome, { kind: 'ok' });
  t.equal(readFileSync(join(dir, 'count'), 'utf8'), '3\n');
});

t.test('reports a failing hook with its exit code', async (t) => {
  t.match(await realEffects.runHook(hook('echo boom >&2; exit 3')), { kind: 'failed', exitCode: 3 });
  t.match(await realEffects.runHook(hook('kill -TERM $$')), { kind: 'failed', signal: 'SIGTERM' });
  t.match(await realEffects.runHook(hook('/no/such/script.sh')), { kind: 'failed', exitCode: 127 });
});

t.test('a hook that ignores a large stdin still succeeds', async (t) => {
  const input = Array.from({ length: 20_000 }, (_, i) => `member-${i}.svc.example\n`).join('');
  t.match(await realEffects.runHook(hook('true', input)), { kind: 'ok' });
});

const KUBELET = kubeletResolvConf();
const configFor = (port: number, ...argv: string[]) =>
  readConfig(['-on-start=x', `-dns-port=${port}`, ...argv], { POD_NAMESPACE: 'default' }, { hostname: 'zoo-1', resolvConf: KUBELET, addresses: ['10.0.0.5'] });

t.test('discovers SRV targets, A addresses and static lists with the same answer shape', async (t) => {
  const dns = await startDnsmasq(t, [
    ...srvRecords('zk', 'zoo', [0, 1]),
    'host-record=web.default.svc.cluster.local,10.0.0.5',
    'host-record=web.default.svc.cluster.local,10.0.0.6',
  ]);
  const srv = await realEffects.discoverer(configFor(dns.port, '-service=zk'))();
  t.match(srv, { kind: 'members', detail: /^SRV zk.default.svc.cluster.local. via udp @127.0.0.1/ });
  t.same(srv.kind === 'members' && [...srv.members].sort(), ['zoo-0.zk.default.svc.cluster.local', 'zoo-1.zk.default.svc.cluster.local']);
  const a = await realEffects.discoverer(configFor(dns.port, '-service=web', '-discovery=a', '-hostname=c1'))();
  t.same(a.kind === 'members' && [...a.members].sort(), ['10.0.0.5', '10.0.0.6']);
  const none = await realEffects.discoverer(configFor(dns.port, '-service=nope'))();
  t.match(none, { kind: 'not-found', detail: /NXDOMAIN for nope.default.svc.cluster.local./ });
  const fixed = await realEffects.discoverer(configFor(dns.port, '-discovery=static', '-peers=zoo-1,zoo-0'))();
  t.same(fixed, { kind: 'members', members: ['zoo-1', 'zoo-0'], detail: 'static -peers' });
});

// Waits until `file` holds text (a hook's own record that it got so far).
const waitForFile = async (file: string, timeoutMs = 5000): Promise<string> => {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    if (existsSync(file) && readFileSync(file, 'utf8').endsWith('\n')) return readFileSync(file, 'utf8');
  }
  throw new Error(`${file} never written`);
};
// A process that exists and is not a zombie waiting for a busy init to reap it.
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

t.test("passes SIGTERM on to the hook's whole process group instead of orphaning it", async (t) => {
  const dir = scratch(t);
  const signals = new EventEmitter();
  // The grandchild writes its own pid once it runs as a fresh process: `sleep 30 & echo $!` wrote it right after the
  // fork, and a SIGTERM landing before the exec met the parent's trap and was lost (sleep lived on; seen under load).
  const run = hookRunner({ signals, graceMs: 5000 })(hook(`trap 'echo TERM > ${dir}/got; exit 0' TERM; sh -c 'echo $$ > ${dir}/pid; exec sleep 30' & wait`));
  const grandchild = Number(await waitForFile(join(dir, 'pid')));
  signals.emit('SIGTERM', 'SIGTERM');
  const outcome = await run;
  t.match(outcome, { kind: 'failed', stoppedBy: 'SIGTERM', detail: /peer-finder received SIGTERM/ });
  t.equal(readFileSync(join(dir, 'got'), 'utf8'), 'TERM\n', 'the hook got SIGTERM');
  for (const end = Date.now() + 5000; alive(grandchild) && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
  t.notOk(alive(grandchild), 'what the hook started got it too');
  t.equal(signals.listenerCount('SIGTERM'), 0, 'no listener left behind');
});

t.test('kills a hook that ignores SIGTERM after the grace period, so stopping is bounded', async (t) => {
  const dir = scratch(t);
  const signals = new EventEmitter();
  const run = hookRunner({ signals, graceMs: 300 })(hook(`trap '' TERM; echo up > ${dir}/up; sleep 30`));
  await waitForFile(join(dir, 'up'));
  const started = Date.now();
  signals.emit('SIGTERM', 'SIGTERM');
  t.match(await run, { kind: 'failed', stoppedBy: 'SIGTERM', signal: 'SIGKILL' });
  t.ok(Date.now() - started < 2000, `stopped after ${Date.now() - started} ms`);
});
