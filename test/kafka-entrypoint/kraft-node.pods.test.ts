import t from 'tap';
import { waitFor } from '../harness/wait.ts';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startKraftNode, liveBrokerIds, ROOT, type KafkaVersion } from '../fixtures/real-kafka.ts';
import { run } from '../harness/process.ts';

const GRACE_MS = 30_000;
const registered = (port: number) =>
  waitFor('node 0 registered', async () => ((await liveBrokerIds(port)).includes(0) ? true : undefined), { timeoutMs: 90_000, intervalMs: 200 });

for (const version of ['4.2.2', '3.9.1'] as KafkaVersion[]) {
  t.test(`Kafka ${version}: formats an empty volume once; a restart keeps id and data and is not reformatted`, async (t) => {
    const first = await startKraftNode(t, { version });
    await registered(first.port);
    t.match(first.output(), /kafka-entrypoint.storage-plan plan=format quorumFlag=none/);
    const metaFile = path.join(first.dir, 'data/meta.properties');
    const meta = await readFile(metaFile, 'utf8');
    t.match(meta, /node\.id=0/);
    first.child.kill('SIGTERM');
    await first.exited;

    const second = await startKraftNode(t, { version, dir: first.dir, ports: { port: first.port, controllerPort: first.controllerPort } });
    await registered(second.port);
    t.match(second.output(), /kafka-entrypoint.storage-plan plan=start reason="metadata log dir .* is formatted"/);
    t.notMatch(second.output(), /kafka-entrypoint.storage-formatting/);
    t.equal(await readFile(metaFile, 'utf8'), meta, 'meta.properties unchanged');
    t.ok(existsSync(path.join(first.dir, 'data/__cluster_metadata-0')), 'metadata log kept');
  });
}

t.test('a dynamic quorum of one: leave refuses to remove the last voter; the JVM keeps the entrypoint PID and stops cleanly on SIGTERM', async (t) => {
  // Without auto-join a running controller may be removed (it would not add itself back), so leave asks the quorum.
  const node = await startKraftNode(t, { quorum: 'dynamic', args: ['--override', 'controller.quorum.auto.join.enable=false'] });
  await registered(node.port);
  t.match(node.output(), /kafka-entrypoint.storage-plan plan=format quorumFlag=standalone/);
  const leave = await run(
    [process.execPath, path.join(ROOT, 'kafka-entrypoint/main.ts'), 'leave', `--config=${node.dir}/server.properties`, '--hostname=kafka-0', '--timeout=10s'],
    { timeoutMs: 20_000 },
  );
  t.equal(leave.exitCode, 1, leave.stderr);
  t.match(leave.stderr, /code=LAST_VOTER/, 'the last voter stays');
  const started = Date.now();
  node.child.kill('SIGTERM'); // the PID we spawned is the JVM now (execve)
  const code = await node.exited;
  const took = Date.now() - started;
  t.ok(took < GRACE_MS, `exited after ${took} ms`);
  t.ok(code === 143 || code === 0, `exit code ${code}`);
  t.ok(existsSync(path.join(node.dir, 'data/.kafka_cleanshutdown')) || /shut down completed/i.test(node.output()), 'clean shutdown recorded');
});
