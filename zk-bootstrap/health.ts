// zk-bootstrap run's health endpoints (issue 10): common/health-server.ts asks, health-plan.ts decides, and the
// local server answers four-letter words, so kubelet's httpGet probes cost no process.
import { connect as netConnect } from 'node:net';
import { startHealthServer, type HealthServer } from '../common/health-server.ts';
import { abortableConnect, sendFourLetterWord, type Connect } from '../common/zk-4lw.ts';
import { log } from '../common/log.ts';
import type { Config } from './config.ts';
import { localHost } from './start-plan.ts';
import { healthWord, healthVerdict, committedFromConf, healthStatus, type Committed } from './health-plan.ts';
import { EVENTS } from './catalogue.ts';

export type HealthEffects = { readonly connect: Connect; readonly now: () => number };

const realEffects: HealthEffects = { connect: netConnect, now: () => Date.now() };

// The word's own timeout ends a check just before the endpoint's backstop does, so a stopped server gets zk-probe's
// verdict ("no answer: conf: no complete answer within ...") rather than the generic "no verdict within".
const BACKSTOP_MARGIN_MS = 25;

// Serve /livez, /readyz and /status on every address (kubelet dials the pod IP) when -health-port is set. A busy
// port throws HEALTH_PORT_UNAVAILABLE (exit 2, the port named): call it before starting the server. Closing it
// aborts the checks in flight (their sockets destroyed), so a probe that hangs on a stopped server never holds the
// agent's exit to its deadline.
export const startZkHealth = async (
  config: Config,
  serverPid: () => number | undefined,
  fx: HealthEffects = realEffects,
): Promise<HealthServer | undefined> => {
  if (config.health === undefined) return undefined;
  const host = localHost(config);
  let committed: Committed | undefined;
  const server = await startHealthServer(
    { port: config.health.port, checkTimeoutMs: config.health.checkTimeoutMs, now: fx.now },
    {
      check: async (check, deadline, signal) => {
        // zk-probe's bound on an answer; a conf of a large ensemble stays well below it.
        const answer = await sendFourLetterWord(
          { host, port: config.ports.client, word: healthWord(check), timeoutMs: Math.max(1, deadline - fx.now() - BACKSTOP_MARGIN_MS), maxBytes: 64 * 1024 },
          abortableConnect(signal, fx.connect),
        );
        if (check === 'ready') committed = committedFromConf(answer);
        return healthVerdict(check, answer, config.role);
      },
      status: () => healthStatus(config, serverPid(), committed),
    },
  );
  log.info(EVENTS['zk-bootstrap.health'], {
    port: server.port,
    paths: '/livez,/readyz,/status',
    checkTimeoutMs: config.health.checkTimeoutMs,
    role: config.role,
  });
  return server;
};
