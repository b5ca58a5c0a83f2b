// kafka-probe on a SASL_PLAINTEXT listener (PLAIN), credentials from a client properties file as for the JVM tools.
import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../harness/process.ts';
import { REPO_ROOT } from '../../harness/servers.ts';
import { startKraftNode, liveBrokerIds, freePort, pollUntil } from '../../kafka-entrypoint/real-kafka.ts';

const BUNDLE = `${REPO_ROOT}/dist/kafka-probe.mjs`;
const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_probe="probe-secret";';

t.test('ready passes with the right PLAIN credentials and fails with wrong ones', async (t) => {
  const [port, controllerPort, saslPort] = [await freePort(), await freePort(), await freePort()];
  const node = await startKraftNode(t, {
    ports: { port, controllerPort },
    args: [
      '--override', `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
      '--override', `advertised.listeners=PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
      '--override', 'inter.broker.listener.name=PLAINTEXT',
      '--override', 'sasl.enabled.mechanisms=PLAIN',
      '--override', `listener.name.sasl_plaintext.plain.sasl.jaas.config=${JAAS}`,
    ],
  });
  await pollUntil('node 0 registered', 90_000, async () => ((await liveBrokerIds(node.port)).includes(0) ? true : undefined));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kafka-probe-sasl-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const client = async (password: string): Promise<string> => {
    const file = path.join(dir, `client-${password}.properties`);
    await writeFile(file, `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="probe" password="${password}";\n`);
    return file;
  };
  const probe = async (password: string) =>
    run([process.execPath, BUNDLE, 'ready', `--bootstrap=127.0.0.1:${saslPort}`, '--node-id=0', `--command-config=${await client(password)}`], { env: { PATH: process.env.PATH ?? '' }, timeoutMs: 10_000 });
  const good = await probe('probe-secret');
  t.equal(good.exitCode, 0, good.stdout);
  t.match(good.stdout, /^ready ok: node 0 registered/);
  const bad = await probe('wrong');
  t.equal(bad.exitCode, 1);
  t.match(bad.stdout, /SASL_FAILED/);
});
