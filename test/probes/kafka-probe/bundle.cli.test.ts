import t from 'tap';
import { freePorts } from '../../harness/ports.ts';
import net from 'node:net';
import { builtAgent } from '../../fixtures/agent-bundle.ts';
import { failure } from '../../fixtures/log-lines.ts';

const { run: probe } = builtAgent(t, 'kafka-probe', 10_000);

t.test('a closed port fails at once', async (t) => {
  const r = await probe(['live', `--bootstrap=127.0.0.1:${(await freePorts(1))[0]}`, '--node-id=0']);
  t.equal(r.exitCode, 1);
  t.match(r.stdout, /^live fail: .*KAFKA_UNREACHABLE/);
});

t.test('a listener that never answers fails by the deadline', async (t) => {
  const accepted: net.Socket[] = [];
  const silent = net.createServer((socket) => {
    socket.on('error', () => {}); // the probe resets the connection when it gives up
    accepted.push(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of accepted) s.destroy();
    return new Promise((resolve) => silent.close(() => resolve(undefined)));
  });
  const started = Date.now();
  const r = await probe(['ready', `--bootstrap=127.0.0.1:${(silent.address() as net.AddressInfo).port}`, '--node-id=0', '--timeout=300ms']);
  t.equal(r.exitCode, 1);
  t.match(r.stdout, /KAFKA_TIMEOUT/);
  t.ok(Date.now() - started < 3000, 'well before a kubelet timeout');
});

t.test('usage errors exit 2', async (t) => {
  const rows = [
    { name: 'no check', args: [] },
    { name: 'unknown check', args: ['healthy'] },
    { name: 'no config and no flags', args: ['ready', '--config=/nonexistent/server.properties'] },
    { name: 'bad timeout', args: ['live', '--bootstrap=127.0.0.1:1', '--node-id=0', '--timeout=soon'] },
    { name: 'bootstrap without a port', args: ['live', '--bootstrap=127.0.0.1', '--node-id=0'] },
    { name: 'relative -config', args: ['ready', '--config=server.properties'] },
  ];
  for (const row of rows) {
    const r = await probe(row.args);
    t.equal(r.exitCode, 2, row.name);
    t.match(failure(r.stderr), { event: 'kafka-probe.failed', fields: { code: 'CONFIG_INVALID' } }, row.name);
    t.equal(r.stderr.trim().split('\n').length, 1, `${row.name}: one line`);
  }
});

t.test('a refused -config is named once, not again as an unreadable default', async (t) => {
  const r = await probe(['ready', '--config=server.properties']);
  t.same(
    failure(r.stderr)
      ?.fields['message']?.split('; ')
      .map((p) => p.split(' ')[0]),
    ['-config'],
  );
});

t.test('-log-format=json (or LOG_FORMAT) writes even a config error as one JSON line', async (t) => {
  for (const [args, env] of [
    [['live', '-log-format=json', '-timeout=soon'], {}],
    [['live', '-timeout=soon'], { LOG_FORMAT: 'json' }],
  ] as const) {
    const r = await probe(args, env);
    t.equal(r.exitCode, 2);
    const line = JSON.parse(r.stderr.trim()) as Record<string, unknown>;
    t.same([line['event'], line['code']], ['kafka-probe.failed', 'CONFIG_INVALID']);
  }
});

t.test('KAFKA_COMMAND_CONFIG set empty means no client properties, as for kafka-entrypoint', async (t) => {
  const r = await probe(['live', `--bootstrap=127.0.0.1:${(await freePorts(1))[0]}`, '--node-id=0'], { KAFKA_COMMAND_CONFIG: '' });
  t.equal(r.exitCode, 1, r.stderr);
  t.match(r.stdout, /KAFKA_UNREACHABLE/);
});

t.test('--help lists the checks, flags and exit codes', async (t) => {
  const r = await probe(['--help']);
  t.equal(r.exitCode, 0);
  for (const word of [
    'ready',
    'live',
    '-config',
    '-bootstrap',
    '-node-id',
    '-role',
    '-timeout',
    '-max-lag',
    '-command-config',
    '-log-format',
    'Exit codes:',
    'CONFIG_INVALID',
  ])
    t.match(r.stdout, word);
});
