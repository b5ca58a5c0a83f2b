// The founding check and `leave` on a secured controller listener (issue 12): a dynamic quorum of two controllers
// (Kafka 4.2, kafka-entrypoint on 127.0.0.1) whose only listener is SASL_PLAINTEXT (PLAIN) or SSL (PEM material made
// here with openssl), the entrypoint's client properties in -command-config. One quorum per listener kind: a wiped
// controller-0 sees it through the secured listener and joins it instead of founding a second one (and, without the
// client properties, refuses to found rather than guess), and a scaled-away controller leaves it after its JVM stops.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePorts } from '../harness/ports.ts';
import { waitFor } from '../harness/wait.ts';
import { startKraftNode, type RealNode } from '../fixtures/real-kafka.ts';
import { builtAgent } from '../fixtures/agent-bundle.ts';

const probe = builtAgent(t, 'kafka-probe', 15_000);
const entrypoint = builtAgent(t, 'kafka-entrypoint', 60_000);

type Teardown = { teardown: (fn: () => unknown) => void };

// What one listener kind needs: the controllers' own settings and the client properties the agents use.
type Listener = { readonly protocol: 'SASL_PLAINTEXT' | 'SSL'; readonly server: readonly string[]; readonly client: string };

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule required';

// SASL_PLAINTEXT with PLAIN (SCRAM cannot secure a controller listener: its credentials live in the metadata log the
// controllers replicate over that very listener). The controllers log in to each other as admin.
const saslListener = (): Listener => ({
  protocol: 'SASL_PLAINTEXT',
  server: [
    'sasl.enabled.mechanisms=PLAIN',
    'sasl.mechanism.controller.protocol=PLAIN',
    `listener.name.controller.plain.sasl.jaas.config=${PLAIN} username="admin" password="admin-secret" user_admin="admin-secret" user_entrypoint="entry-secret";`,
  ],
  client: `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=${PLAIN} username="entrypoint" password="entry-secret";\n`,
});

// SSL with a CA and a server certificate for 127.0.0.1 made here; Kafka reads PEM keystores (KIP-651).
const sslListener = (dir: string): Listener => {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=test-ca');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'node.key', '-out', 'node.csr', '-subj', '/CN=localhost');
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1,DNS:localhost\\n" > san.ext'], { cwd: dir });
  openssl('x509', '-req', '-in', 'node.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'node.crt', '-days', '2', '-extfile', 'san.ext');
  execFileSync('sh', ['-c', 'cat node.key node.crt > keystore.pem'], { cwd: dir });
  const stores = [`ssl.keystore.type=PEM`, `ssl.keystore.location=${dir}/keystore.pem`, 'ssl.truststore.type=PEM', `ssl.truststore.location=${dir}/ca.pem`];
  return { protocol: 'SSL', server: stores, client: `security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=${dir}/ca.pem\n` };
};

// One quorum per listener kind: controller-0 founds it, controller-1 joins (auto-join) and may be scaled away.
const securedQuorum = async (t: Teardown, kind: 'sasl' | 'ssl') => {
  const dir = await mkdtemp(path.join(os.tmpdir(), `secured-quorum-${kind}-`));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const listener = kind === 'sasl' ? saslListener() : sslListener(dir);
  const clientConfig = path.join(dir, 'client.properties');
  await writeFile(clientConfig, listener.client);
  const desired = path.join(dir, 'controllers');
  await writeFile(desired, '1\n');
  const ports = (await freePorts(4)) as [number, number, number, number];
  const bootstrap = `127.0.0.1:${ports[1]},127.0.0.1:${ports[3]}`;
  const args = (ordinal: 0 | 1, extra: readonly string[] = []): string[] => {
    const port = ports[ordinal * 2 + 1] as number;
    return [
      `--hostname=ctrl-${ordinal}`,
      ...[
        'process.roles=controller',
        `listeners=CONTROLLER://127.0.0.1:${port}`,
        `advertised.listeners=CONTROLLER://127.0.0.1:${port}`,
        `listener.security.protocol.map=CONTROLLER:${listener.protocol}`,
        `controller.quorum.bootstrap.servers=${bootstrap}`,
        // A leader of two voters, one stopped, keeps leading long enough to commit the removal.
        'controller.quorum.fetch.timeout.ms=20000',
        ...listener.server,
      ].flatMap((o) => ['--override', o]),
      ...extra,
    ];
  };
  const start = (ordinal: 0 | 1, extra: readonly string[] = [], dataDir?: string): Promise<RealNode> =>
    startKraftNode(t, {
      quorum: 'dynamic',
      ports: { port: ports[ordinal * 2] as number, controllerPort: ports[ordinal * 2 + 1] as number },
      args: args(ordinal, extra),
      ...(dataDir !== undefined && { dir: dataDir }),
    });
  const ready = (ordinal: 0 | 1) =>
    probe.run(['ready', `--bootstrap=127.0.0.1:${ports[ordinal * 2 + 1]}`, `--node-id=${ordinal}`, '--role=controller', `--command-config=${clientConfig}`]);
  const ctrl0 = await start(0, [`--command-config=${clientConfig}`]);
  await waitFor(
    () => `ctrl-0 leads a quorum (${ctrl0.output().slice(-2000)})`,
    async () => ((await ready(0)).exitCode === 0 ? true : undefined),
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  const ctrl1 = await start(1, [`--command-config=${clientConfig}`, `--controllers-file=${desired}`]);
  await waitFor(
    () => `ctrl-1 a caught-up voter (${ctrl1.output().slice(-2000)})`,
    async () => ((await ready(1)).exitCode === 0 ? true : undefined),
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  return { dir, clientConfig, start, ready, ctrl0, ctrl1 };
};

for (const kind of ['sasl', 'ssl'] as const) {
  t.test(`${kind} controller listener: the founding check sees the quorum, and a scaled-away controller leaves it`, async (t) => {
    const q = await securedQuorum(t, kind);
    t.match(q.ctrl0.output(), /kafka-entrypoint.storage-plan plan=format quorumFlag=standalone/, 'ctrl-0 founded the quorum');
    t.match(q.ctrl1.output(), /kafka-entrypoint.storage-plan plan=format quorumFlag=no-initial-controllers/, 'ctrl-1 joined it');
    t.match((await q.ready(0)).stdout, /node 0 leads the quorum \(epoch \d+, 2 voters\)/, 'kafka-probe reads the quorum through the secured listener');

    await t.test('a wiped controller-0 asks the others through the secured listener and joins instead of founding', async (t) => {
      const wiped = await mkdtemp(path.join(q.dir, 'wiped-'));
      const run = await q.start(0, ['--dry-run', `--command-config=${q.clientConfig}`], wiped);
      t.equal(await run.exited, 0, run.output());
      t.match(run.output(), /kafka-entrypoint.quorum-asked exists=true/);
      t.match(run.output(), /kafka-entrypoint.storage-plan plan=format quorumFlag=no-initial-controllers/, 'it would rejoin the running quorum');

      const blind = await q.start(0, ['--dry-run'], wiped);
      t.equal(await blind.exited, 1, 'without the client properties it cannot read the others: it refuses to found');
      t.match(blind.output(), /code=QUORUM_UNKNOWN/);
      t.comment(/exists=cannot-tell answers=.*/.exec(blind.output())?.[0] ?? blind.output().slice(-1000));
      t.notMatch(blind.output(), /quorumFlag=standalone/, 'no second quorum');
    });

    await t.test('SIGTERM to a controller past the desired count: its JVM stops, then it leaves the quorum', async (t) => {
      const started = Date.now();
      q.ctrl1.child.kill('SIGTERM');
      await q.ctrl1.exited;
      t.comment(`ctrl-1 stopped and left in ${Date.now() - started} ms`);
      t.match(q.ctrl1.output(), /kafka-entrypoint.leave-done outcome=left/, q.ctrl1.output().slice(-3000));
      t.match((await q.ready(0)).stdout, /node 0 leads the quorum \(epoch \d+, 1 voters\)/, 'one voter left');
      const again = await entrypoint.run(['leave', `--config=${q.ctrl1.dir}/server.properties`, '--hostname=ctrl-1', `--command-config=${q.clientConfig}`]);
      t.equal(again.exitCode, 0, again.stderr);
      t.match(again.stderr, /outcome=not-a-voter/, 'leaving again by hand is harmless');
    });
  });
}
