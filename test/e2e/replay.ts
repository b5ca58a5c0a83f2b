// The main job: the seed scenario replayed locally in harness pods, printed step by step.
import { Cluster } from '../harness/index.ts';
import { replaySeedScenario } from './seed-scenario.ts';

const teardowns: Array<() => unknown> = [];
const started = Date.now();
const say = (text: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${text}`);

try {
  const cluster = await Cluster.create({ teardown: (fn) => teardowns.push(fn) });
  say(`cluster ${cluster.id}: bridge ${cluster.net.bridge}, DNS ${cluster.dnsIps.join(' ')}, volumes under ${cluster.dir}/volumes`);
  await replaySeedScenario(cluster, say);
  say('seed scenario: all steps passed');
} catch (error) {
  say(`seed scenario FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const fn of teardowns.reverse()) await fn();
  say('cleaned up');
}
