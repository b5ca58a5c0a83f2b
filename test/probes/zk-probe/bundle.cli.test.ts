import t from 'tap';
import { builtAgent } from '../../fixtures/agent-bundle.ts';
import { freePorts } from '../../harness/ports.ts';
import { hostileTcpServer } from '../../fixtures/hostile-tcp.ts';
import { failure } from '../../fixtures/log-lines.ts';

const { run: probe } = builtAgent(t, 'zk-probe', 10_000);

t.test('nothing listening: both fail fast; a bad flag is a usage error', async (t) => {
  const [port] = (await freePorts(1)) as [number];
  const live = await probe(['live', `-port=${port}`, '-timeout=500ms']);
  t.equal(live.exitCode, 1);
  t.match(live.stdout, /^live fail: no answer: refused/);
  const bad = await probe(['ready', '-port=http']);
  t.equal(bad.exitCode, 2);
  t.equal(bad.stdout, '');
  t.same(failure(bad.stderr)?.event, 'zk-probe.failed');
  t.same(failure(bad.stderr)?.fields['code'], 'CONFIG_INVALID');
  t.match(failure(bad.stderr)?.fields['message'], /-port \(env ZK_CLIENT_PORT\)/, 'the message names the input');
  const help = await probe(['--help']);
  t.equal(help.exitCode, 0);
  t.match(help.stdout, /Exit codes:/);
  t.match(help.stdout, /ZK_ROLE/);
});

// Hostile-input issue 13 item 1: ready requires a well-formed `conf` answer of a serving server.
t.test('ready is never ok on a non-ZooKeeper answer: one line, exit 1, within the deadline', async (t) => {
  const rows = [
    { name: 'x=y', behaviour: { kind: 'reply', bytes: 'x=y\n' } },
    {
      name: 'an HTTP 400 page',
      behaviour: { kind: 'reply', bytes: 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request' },
    },
    { name: 'one key=value line kept open', behaviour: { kind: 'reply', bytes: 'clientPort=2181\n', keepOpen: true } },
    { name: 'a key=value flood', behaviour: { kind: 'flood', chunk: 'a=b\n', maxBytes: 64 * 1024 * 1024 } },
    { name: 'a binary flood', behaviour: { kind: 'flood', chunk: Buffer.from([0, 0xff, 0x3d, 0x0a]), maxBytes: 64 * 1024 * 1024 } },
    { name: 'silence', behaviour: { kind: 'silent' } },
  ] as const;
  // The rows run side by side (the slow ones wait out -timeout=1s), each against its own server; the two roles of a
  // row one after the other.
  const results = await Promise.all(
    rows.map(async (row) => {
      const server = await hostileTcpServer(t, row.behaviour);
      const runs = [];
      for (const role of ['participant', 'any']) {
        const started = Date.now();
        const r = await probe(['ready', `-port=${server.port}`, '-timeout=1s', `-role=${role}`]);
        runs.push({ role, r, ms: Date.now() - started });
      }
      return { row, runs };
    }),
  );
  for (const { row, runs } of results) {
    for (const { role, r, ms } of runs) {
      t.equal(r.exitCode, 1, `${row.name} (-role=${role}): exit 1, ${r.stdout.trim()}`);
      t.match(r.stdout, /^ready (fail|unknown): /, `${row.name} (-role=${role}): not ok`);
      t.equal(r.stdout.split('\n').length, 2, `${row.name} (-role=${role}): one line`);
      t.ok(Buffer.byteLength(r.stdout) <= 513, `${row.name} (-role=${role}): at most 512 bytes`);
      t.ok(ms < 5000, `${row.name} (-role=${role}): within the deadline (${ms} ms)`);
    }
  }
});

// Hostile-input issue 8 class 6: a -timeout past what a timer holds fired after 1 ms.
t.test('a -timeout a timer cannot hold is a usage error, not a 1 ms deadline', async (t) => {
  for (const timeout of ['999999999h', '597h', '0s', '0.1ms']) {
    const r = await probe(['live', `-timeout=${timeout}`]);
    t.equal(r.exitCode, 2, timeout);
    t.equal(failure(r.stderr)?.fields['code'], 'CONFIG_INVALID', timeout);
    t.match(failure(r.stderr)?.fields['message'], /-timeout .*from 1ms to 596h/, timeout);
  }
  const r = await probe(['live', '-host=a\nb', '-port=1']);
  t.equal(r.exitCode, 2, 'a newline in -host');
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
});

t.test('-log-format=json (or LOG_FORMAT) writes even a config error as one JSON line', async (t) => {
  for (const [args, env] of [
    [['live', '-log-format=json', '-port=x'], {}],
    [['live', '-port=x'], { LOG_FORMAT: 'json' }],
  ] as const) {
    const r = await probe(args, env);
    t.equal(r.exitCode, 2);
    const line = JSON.parse(r.stderr.trim()) as Record<string, unknown>;
    t.same([line['event'], line['code']], ['zk-probe.failed', 'CONFIG_INVALID']);
  }
});

t.test('-host takes an IPv6 address with or without brackets', async (t) => {
  for (const host of ['::1', '[::1]']) {
    const r = await probe(['live', `-host=${host}`, '-port=1', '-timeout=500ms']);
    t.equal(r.exitCode, 1, host);
    t.match(r.stdout, /^live fail: no answer/, host);
  }
});
