// The resident agent's health endpoint as zk-bootstrap serves it, alone in a process the bench can measure: /readyz
// and /livez are zk-bootstrap's health plan (healthWord, healthVerdict: zk-probe's verdicts) over the same four-letter-word client. It idles
// with the four-letter-word code loaded until a line arrives on stdin, then loads and starts the endpoint (so the
// RSS before and after includes node:http), prints `port=<n>` and serves until stdin closes.
// Usage: node health-agent.cjs <zk client port>
import { sendFourLetterWord } from '../common/zk-4lw.ts';
import { healthVerdict, healthWord } from '../zk-bootstrap/health-plan.ts';
import type { HealthChecks } from '../common/health-server.ts';

const zkPort = Number(process.argv[2]);

const checks: HealthChecks = {
  check: async (name, deadline) => {
    const ask = { host: '127.0.0.1', port: zkPort, timeoutMs: Math.max(1, deadline - Date.now()), maxBytes: 64 * 1024 };
    return healthVerdict(name, await sendFourLetterWord({ ...ask, word: healthWord(name) }), 'participant');
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
