// kafka-probe against a real KRaft node (a JVM) as it starts: the cases without a server are in bundle.cli.test.ts.
import t from 'tap';
import { waitFor } from '../../harness/wait.ts';
import { existsSync } from 'node:fs';
import { builtAgent } from '../../fixtures/agent-bundle.ts';
import { startKraftNode, liveBrokerIds } from '../../fixtures/real-kafka.ts';

const { run: probe } = builtAgent(t, 'kafka-probe', 10_000);

t.test('on a starting KRaft node: ready fails until its own id is registered, live passes once it answers', async (t) => {
  const node = await startKraftNode(t);
  const config = `--config=${node.dir}/server.properties`;
  // The entrypoint writes server.properties before the JVM starts; kubelet probes only run after that.
  await waitFor('server.properties written', async () => (existsSync(`${node.dir}/server.properties`) ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 200,
  });
  const seen: string[] = [];
  let liveFirstOk = -1;
  let readyFirstOk = -1;
  for (let i = 0, deadline = Date.now() + 90_000; readyFirstOk < 0 && Date.now() < deadline; i++) {
    const [live, ready] = await Promise.all([probe(['live', config]), probe(['ready', config])]);
    seen.push(`${live.exitCode}${ready.exitCode}`);
    t.equal(ready.stdout.split('\n').length, 2, 'one line');
    if (live.exitCode === 0 && liveFirstOk < 0) liveFirstOk = i;
    if (ready.exitCode === 0) {
      readyFirstOk = i;
      t.match(ready.stdout, /^ready ok: node 0 registered/);
      t.ok((await liveBrokerIds(node.port)).includes(0), 'the metadata lists node 0 when ready passes');
    } else {
      t.match(ready.stdout, /^ready fail: /);
    }
  }
  t.ok(readyFirstOk > 0, `ready failed while starting, then passed (${seen.join(' ')})`);
  t.ok(liveFirstOk >= 0 && liveFirstOk <= readyFirstOk, 'live passed no later than ready');

  const controller = await probe(['ready', config, '--role=controller']);
  t.equal(controller.exitCode, 0, controller.stdout);
  t.match(controller.stdout, /^ready ok: node 0 leads the quorum/);
  const other = await probe(['ready', `--bootstrap=127.0.0.1:${node.port}`, '--node-id=7']);
  t.equal(other.exitCode, 1, 'another id is not registered: some broker answering is not enough');
  const wrongListener = await probe(['ready', `--bootstrap=127.0.0.1:${node.controllerPort}`, '--node-id=0', '--role=broker']);
  t.equal(wrongListener.exitCode, 1);
  t.match(wrongListener.stdout, /API_UNSUPPORTED/);
});
