// zk-bootstrap run's health endpoints as a process (the built bundle), without a JVM: a stand-in server command and
// hostile listeners in place of ZooKeeper's client port. The real-ZooKeeper wiring is in ensemble.pods.test.ts.
import t from 'tap';
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loopbackPods, BOOTSTRAP, type LoopbackPod } from '../fixtures/loopback-pods.ts';
import { run, startLogged, killGroup } from '../harness/process.ts';
import { freePorts } from '../harness/ports.ts';
import { httpGet } from '../harness/http.ts';
import { waitFor } from '../harness/wait.ts';
import { hostileTcpServer } from '../fixtures/hostile-tcp.ts';

t.before(() => {
  if (!existsSync(BOOTSTRAP)) throw new Error(`${BOOTSTRAP} is missing: run node scripts/build.ts`);
});

// Static mode needs no ensemble; the "server" is a shell that runs until SIGTERM.
const staticEnv = (pod: LoopbackPod, overrides: Record<string, string>) =>
  pod.env({ ZK_MODE: 'static', ZK_REPLICAS: '1', ZK_DOMAIN: 'zk', ZK_CLIENT_ADDRESS: '0.0.0.0', ...overrides });
const SERVER = ['sh', '-c', 'while :; do sleep 0.05; done'];

t.test(
  'run: /status before and after the server starts, /livez and /readyz 503 with the verdict line; SIGTERM with a check in flight still stops at once',
  async (t) => {
    const [zoo0] = (await loopbackPods(t, 1)) as [LoopbackPod];
    const silent = await hostileTcpServer(t, { kind: 'silent' }); // a SIGSTOPped server: accepts, never answers
    const [port] = (await freePorts(1)) as [number];
    const env = staticEnv(zoo0, { ZK_CLIENT_PORT: String(silent.port), ZK_HEALTH_PORT: String(port), ZK_HEALTH_CHECK_TIMEOUT: '800ms' });
    const started = startLogged([process.execPath, BOOTSTRAP, 'run', '--', ...SERVER], join(zoo0.volume, 'run.log'), env);
    t.teardown(() => killGroup(started.child, 'SIGKILL'));
    const url = `http://127.0.0.1:${port}`;

    const status = await waitFor(
      '/status with the server pid',
      async () => {
        const r = await httpGet(`${url}/status`, 2000);
        return r.status === 200 && JSON.parse(r.body).serverPid !== undefined ? JSON.parse(r.body) : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    t.match(status, { agent: 'zk-bootstrap', myid: 1, mode: 'static', role: 'participant', clientPort: silent.port });
    t.notMatch(JSON.stringify(status), /test-secret|digest/i, 'no secret in /status');

    for (const [path, check] of [
      ['/livez', 'live'],
      ['/readyz', 'ready'],
    ] as const) {
      const begun = Date.now();
      const r = await httpGet(`${url}${path}`, 5000);
      const ms = Date.now() - begun;
      t.equal(r.status, 503, `${path}: 503 from a server that does not answer`);
      t.match(r.body, new RegExp(`^${check} fail: no answer: timeout .*\\(\\d+ms\\)\\n$`), `${path}: the probe's one line`);
      t.ok(ms >= 700 && ms < 800 + 700, `${path}: answered at the 800ms check deadline (${ms}ms)`);
    }
    t.ok(silent.connections() >= 2, 'each check asked the client port');

    // A /readyz check is in flight (it would run to its deadline): SIGTERM must not wait for it.
    const pending = httpGet(`${url}/readyz`, 5000);
    await waitFor('the check to reach the client port', () => silent.connections() >= 3, { timeoutMs: 5000, intervalMs: 10 });
    const stopAt = Date.now();
    started.child.kill('SIGTERM');
    const exit = await started.exited;
    const ms = Date.now() - stopAt;
    t.same(exit, { exitCode: 143, signal: null }, "the server's SIGTERM exit is the agent's");
    t.ok(ms < 500, `exited ${ms}ms after SIGTERM, the check deadline notwithstanding`);
    t.equal((await pending).status !== 200, true, 'the pending probe gets no 200');
    t.match(readFileSync(join(zoo0.volume, 'run.log'), 'utf8'), new RegExp(`zk-bootstrap.health port=${port}`));
  },
);

t.test('run: a busy health port stops the agent before the server starts: exit 2, one line naming the port', async (t) => {
  const [zoo0] = (await loopbackPods(t, 1)) as [LoopbackPod];
  const [port] = (await freePorts(1)) as [number];
  const busy: Server = createServer();
  await new Promise<void>((resolve) => busy.listen(port, resolve)); // all addresses, as the endpoint binds
  t.teardown(() => new Promise<void>((resolve) => busy.close(() => resolve())));
  const marker = join(zoo0.volume, 'server-started');
  const r = await run([process.execPath, BOOTSTRAP, 'run', '--', 'touch', marker], {
    env: staticEnv(zoo0, { ZK_HEALTH_PORT: String(port) }),
    timeoutMs: 30_000,
  });
  t.equal(r.exitCode, 2);
  t.match(r.stderr, /code=HEALTH_PORT_UNAVAILABLE/);
  t.match(r.stderr, new RegExp(`ERROR zk-bootstrap.failed code=HEALTH_PORT_UNAVAILABLE message="cannot serve health endpoints on port ${port}: EADDRINUSE`));
  t.equal(r.stderr.split('\n').filter((l) => l.startsWith('ERROR')).length, 1, 'one error line');
  t.notOk(existsSync(marker), 'the server command never ran');
  t.notOk(existsSync(join(zoo0.volume, 'data', 'myid')), 'nothing written to the volume');
});

t.test('run: -health-port 0 (the default) serves nothing', async (t) => {
  const [zoo0] = (await loopbackPods(t, 1)) as [LoopbackPod];
  const r = await run([process.execPath, BOOTSTRAP, 'run', '--', 'true'], { env: staticEnv(zoo0, {}), timeoutMs: 30_000 });
  t.equal(r.exitCode, 0, 'the server ran and its exit code is ours');
  t.notMatch(r.stderr, /zk-bootstrap\.health/);
});
