import t from 'tap';
import http from 'node:http';
import { startHealthServer, type CheckName, type HealthChecks } from '../../common/health-server.ts';
import type { Verdict } from '../../common/probe-verdict.ts';

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };
const request = (port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c: string) => (body += c))
        .on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });

const serve = async (t: { teardown: (fn: () => unknown) => void }, check: HealthChecks['check'], checkTimeoutMs = 1_000) => {
  const server = await startHealthServer({ port: 0, host: '127.0.0.1', checkTimeoutMs }, { check, status: () => ({ role: 'participant', id: 1 }) });
  t.teardown(server.close);
  return server.port;
};
const always =
  (verdicts: Partial<Record<CheckName, Verdict>>): HealthChecks['check'] =>
  async (name) =>
    verdicts[name] ?? { kind: 'ok', detail: 'fine' };

t.test('/readyz and /livez: 200 with the probe line when ok, 503 when failed or undecided', async (t) => {
  const port = await serve(t, always({ ready: { kind: 'fail', detail: 'not serving' }, live: { kind: 'ok', detail: 'imok' } }));
  const live = await request(port, '/livez');
  t.equal(live.status, 200);
  t.match(live.body, /^live ok: imok \(\d+ms\)\n$/);
  t.equal(live.headers['cache-control'], 'no-store');
  const ready = await request(port, '/readyz?verbose');
  t.equal(ready.status, 503, 'a query string is ignored');
  t.match(ready.body, /^ready fail: not serving/);
  const unknown = await serve(t, always({ ready: { kind: 'unknown', detail: 'conf not whitelisted' } }));
  t.equal((await request(unknown, '/readyz')).status, 503, '"cannot tell" is not ready');
});

t.test('a check that throws is "unknown" with its message, never a crash', async (t) => {
  const port = await serve(t, async () => {
    throw new Error('socket exploded');
  });
  const r = await request(port, '/readyz');
  t.equal(r.status, 503);
  t.match(r.body, /^ready unknown: socket exploded/);
});

t.test('a hung check gives 503 with a reason within its deadline', async (t) => {
  const port = await serve(t, () => new Promise<Verdict>(() => undefined), 150);
  const started = Date.now();
  const r = await request(port, '/readyz');
  t.equal(r.status, 503);
  t.match(r.body, /no verdict within 150 ms/);
  t.ok(Date.now() - started < 1_000, `answered in ${Date.now() - started} ms`);
});

t.test('concurrent requests share the check in flight: the server is asked once', async (t) => {
  let calls = 0;
  let release: (v: Verdict) => void = () => undefined;
  const port = await serve(t, (): Promise<Verdict> => {
    calls += 1;
    return calls === 1 ? new Promise((resolve) => (release = resolve)) : Promise.resolve({ kind: 'ok', detail: 'again' });
  });
  const answers = Promise.all(Array.from({ length: 10 }, () => request(port, '/readyz')));
  await t.resolves(
    new Promise<void>((resolve) => {
      const poll = setInterval(() => calls > 0 && (clearInterval(poll), resolve()), 5);
    }),
  );
  setTimeout(() => release({ kind: 'ok', detail: 'fine' }), 50);
  t.same(
    (await answers).map((a) => a.status),
    Array(10).fill(200),
  );
  t.equal(calls, 1);
  t.match((await request(port, '/readyz')).body, /ready ok: again/);
  t.equal(calls, 2, 'the next request after it finished checks again');
});

t.test('/status: identity plus the last verdict of each check, as JSON', async (t) => {
  const port = await serve(t, always({}));
  await request(port, '/readyz');
  const r = await request(port, '/status');
  t.equal(r.status, 200);
  t.equal(r.headers['content-type'], 'application/json');
  const status = JSON.parse(r.body) as { role: string; checks: Record<string, { kind: string; detail: string }> };
  t.equal(status.role, 'participant');
  t.match(status.checks, { ready: { kind: 'ok', detail: 'fine' } });
  t.notOk('live' in status.checks, 'a check never asked has no entry');
});

t.test('only GET and HEAD on known paths; headers are bounded', async (t) => {
  const port = await serve(t, always({}));
  const head = await request(port, '/livez', { method: 'HEAD' });
  t.equal(head.status, 200);
  t.equal(head.body, '', 'HEAD has no body');
  const post = await request(port, '/readyz', { method: 'POST' });
  t.equal(post.status, 405);
  t.equal(post.headers.allow, 'GET, HEAD');
  t.equal((await request(port, '/metrics')).status, 404);
  t.equal((await request(port, '/readyz', { headers: { 'x-pad': 'a'.repeat(8_000) } })).status, 431, 'an 8 KB header is refused');
});

t.test('a port that cannot be bound is a usage error naming the port', async (t) => {
  const port = await serve(t, always({}));
  await t.rejects(startHealthServer({ port, host: '127.0.0.1', checkTimeoutMs: 100 }, { check: always({}), status: () => ({}) }), {
    code: 'HEALTH_PORT_UNAVAILABLE',
    exitCode: 2,
    message: new RegExp(`port ${port}: EADDRINUSE`),
  });
});
