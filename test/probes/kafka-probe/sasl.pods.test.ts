// kafka-probe on a SASL_PLAINTEXT listener (PLAIN), credentials from a client properties file as for the JVM tools.
import t from 'tap';
import { waitFor } from '../../harness/wait.ts';
import { freePorts } from '../../harness/ports.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../harness/process.ts';
import { REPO_ROOT } from '../../harness/servers.ts';
import { startKraftNode, liveBrokerIds } from '../../fixtures/real-kafka.ts';

const BUNDLE = `${REPO_ROOT}/dist/kafka-probe.cjs`;
const JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_probe="probe-secret";';

const SCRAM_JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

// One node with a SASL_PLAINTEXT listener offering PLAIN and both SCRAMs; SCRAM users are written at format time
// through kafka-entrypoint's -add-scram.
const saslNode = async (t: { teardown: (fn: () => unknown) => void }) => {
  const [port, controllerPort, saslPort] = (await freePorts(3)) as [number, number, number];
  const node = await startKraftNode(t, {
    ports: { port, controllerPort },
    args: [
      '--override',
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
      '--override',
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
      '--override',
      'inter.broker.listener.name=PLAINTEXT',
      '--override',
      'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      '--override',
      `listener.name.sasl_plaintext.plain.sasl.jaas.config=${JAAS}`,
      '--override',
      `listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=${SCRAM_JAAS}`,
      '--override',
      `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=${SCRAM_JAAS}`,
      '--add-scram',
      'SCRAM-SHA-256=[name=probe,password=probe-secret]',
      '--add-scram',
      'SCRAM-SHA-512=[name=probe,password=probe-secret]',
    ],
  });
  await waitFor('node 0 registered', async () => ((await liveBrokerIds(node.port)).includes(0) ? true : undefined), { timeoutMs: 90_000, intervalMs: 200 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kafka-probe-sasl-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return { node, saslPort, dir };
};

t.test('ready over SASL passes with the right credentials and fails with wrong ones, for PLAIN and SCRAM', async (t) => {
  const { node, saslPort, dir } = await saslNode(t);
  t.notMatch(node.output(), /probe-secret/, 'the SCRAM password is not logged');
  const probe = async (mechanism: string, password: string) => {
    const module =
      mechanism === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule';
    const file = path.join(dir, `client-${mechanism}-${password}.properties`);
    await writeFile(
      file,
      `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=${mechanism}\nsasl.jaas.config=${module} required username="probe" password="${password}";\n`,
    );
    return run([process.execPath, BUNDLE, 'ready', `--bootstrap=127.0.0.1:${saslPort}`, '--node-id=0', `--command-config=${file}`], {
      env: { PATH: process.env.PATH ?? '' },
      timeoutMs: 10_000,
    });
  };
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    const good = await probe(mechanism, 'probe-secret');
    t.equal(good.exitCode, 0, `${mechanism}: ${good.stdout}`);
    t.match(good.stdout, /^ready ok: node 0 registered/);
    const bad = await probe(mechanism, 'wrong');
    t.equal(bad.exitCode, 1, `${mechanism} with a wrong password`);
    t.match(bad.stdout, /SASL_FAILED/);
  }
});
