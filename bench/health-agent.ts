// The resident agent's health endpoint as zk-bootstrap serves it, alone in a process the bench can measure: /readyz
// and /livez are zk-probe's verdicts (readyFromConf, liveVerdict) over the same four-letter-word client. It idles
// with the four-letter-word code loaded until a line arrives on stdin, then loads and starts the endpoint (so the
// RSS before and after includes node:http), prints `port=<n>` and serves until stdin closes.
// Usage: node health-agent.cjs <zk client port>
import { sendFourLetterWord } from '../common/zk-4lw.ts';
import { liveVerdict, readyFromConf } from '../probes/zk-probe/verdict.ts';
import type { HealthChecks } from '../common/health-server.ts';

const zkPort = Number(process.argv[2]);

const checks: HealthChecks = {
  check: async (name, deadline) => {
    const ask = { host: '127.0.0.1', port: zkPort, timeoutMs: Math.max(1, deadline - Date.now()), maxBytes: 64 * 1024 };
    return name === 'live' ? liveVerdict(await sendFourLetterWord({ ...ask, word: 'ruok' })) : readyFromConf(await sendFourLetterWord({ ...ask, word: 'conf' }), 'participant');
  },
  status: () => ({ zkPort }),
};

process.stdin.once('data', async () => {
  const { startHealthServer } = await import('../common/health-server.ts');
  const server = await startHealthServer({ port: 0, host: '127.0.0.1', checkTimeoutMs: 2_000 }, checks);
  process.stdout.write(`port=${server.port}\n`);
  process.stdin.once('end', () => void server.close());
});
process.stdout.write('idle\n');
