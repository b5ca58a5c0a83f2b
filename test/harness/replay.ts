// The main job: a local replay of the seed scenario (shared/docs/seed-scenario.md) in harness pods.
// Today: a 3-member ZooKeeper ensemble in pods, then its state as each member reports it.
import { Cluster, staticZkEnsemble, run } from './index.ts';
import { NODE, fixture } from './index.ts';

const teardowns: Array<() => unknown> = [];
const started = Date.now();
const step = (text: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);

try {
  const cluster = await Cluster.create({ teardown: (fn) => teardowns.push(fn) });
  step(`cluster ${cluster.id}: bridge ${cluster.net.bridge}, DNS ${cluster.dnsIps.join(' ')}`);
  const zoo = staticZkEnsemble(cluster);
  zoo.start();
  const pods = await zoo.waitReady(3, 120_000);
  step('ZooKeeper ensemble ready');
  for (const pod of pods) {
    const srvr = await pod.exec([NODE, fixture('four-letter-word.ts'), 'mntr', 'zk_server_state']);
    const state = (await run(['sh', '-c', `printf mntr | nc -w1 ${pod.ip} 2181`])).stdout.match(/zk_server_state\t(\w+)/)?.[1];
    console.log(`  ${pod.name}\t${pod.ip}\t${pod.fqdn}\tstate=${state ?? srvr.stdout.trim()}`);
  }
} catch (error) {
  console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const fn of teardowns.reverse()) await fn();
  step('cleaned up');
}
