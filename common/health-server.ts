// HTTP health endpoints in a resident agent (zk-bootstrap run, kafka-entrypoint), so kubelet's httpGet probes
// cost no process: /livez and /readyz give the same verdicts as the exec probes (200 ok, 503 otherwise, the
// probe's one line as body), /status a small JSON. Each check has its own deadline, and requests that arrive
// while a check runs share it: a flood of probes asks the server once.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentError } from './errors.ts';
import { COMMON_CODES } from './catalogue.ts';
import { verdictLine, type Verdict } from './probe-verdict.ts';

export type CheckName = 'live' | 'ready';

export type HealthChecks = {
  /** One check against the local server; `deadline` is an epoch-ms time its I/O must not outlive, and `signal`
   * aborts when the endpoints close (the server exited): a check hung on a stopped server then ends at once. */
  readonly check: (name: CheckName, deadline: number, signal: AbortSignal) => Promise<Verdict>;
  /** What /status shows besides the last verdicts: identity and membership, never a secret. */
  readonly status: () => Readonly<Record<string, unknown>>;
};

export type HealthOptions = {
  readonly port: number;
  readonly host?: string;
  readonly checkTimeoutMs: number;
  readonly now?: () => number;
};

export type HealthServer = { readonly port: number; readonly close: () => Promise<void> };

// kubelet sends one small GET with a few headers and no keep-alive; anything much bigger is not a probe.
const MAX_HEADER_BYTES = 4096;
const MAX_CONNECTIONS = 32;
const REQUEST_TIMEOUT_MS = 5_000;
const ROUTES: Readonly<Record<string, CheckName | 'status'>> = { '/livez': 'live', '/readyz': 'ready', '/status': 'status' };

type LastVerdict = { readonly kind: Verdict['kind']; readonly detail: string; readonly ms: number; readonly at: string };

export const startHealthServer = async (options: HealthOptions, checks: HealthChecks): Promise<HealthServer> => {
  const now = options.now ?? Date.now;
  const inFlight = new Map<CheckName, Promise<{ verdict: Verdict; ms: number }>>();
  const closing = new AbortController();
  const last: Partial<Record<CheckName, LastVerdict>> = {};

  const runCheck = (name: CheckName): Promise<{ verdict: Verdict; ms: number }> => {
    const running = inFlight.get(name);
    if (running) return running;
    const started = now();
    const deadline = started + options.checkTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Verdict>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'fail', detail: `no verdict within ${options.checkTimeoutMs} ms (server hung?)` }), options.checkTimeoutMs);
    });
    const checked = checks
      .check(name, deadline, closing.signal)
      .catch((error: unknown): Verdict => ({ kind: 'unknown', detail: error instanceof Error ? error.message : String(error) }));
    const result = Promise.race([checked, late]).then((verdict) => {
      clearTimeout(timer);
      inFlight.delete(name);
      const ms = Math.round(now() - started);
      last[name] = { kind: verdict.kind, detail: verdict.detail, ms, at: new Date(started).toISOString() };
      return { verdict, ms };
    });
    inFlight.set(name, result);
    return result;
  };

  const respond = (req: http.IncomingMessage, res: http.ServerResponse, status: number, type: string, body: string): void => {
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      ...(status === 405 && { allow: 'GET, HEAD' }),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = http.createServer(
    { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: 1_000 },
    (req, res) => {
      // A body is never read: drop it instead of buffering it.
      req.resume();
      if (req.method !== 'GET' && req.method !== 'HEAD') return respond(req, res, 405, 'text/plain', 'only GET and HEAD\n');
      const route = ROUTES[(req.url ?? '').split('?')[0] as string];
      if (route === undefined) return respond(req, res, 404, 'text/plain', 'not found: /livez, /readyz, /status\n');
      if (route === 'status') return respond(req, res, 200, 'application/json', JSON.stringify({ ...checks.status(), checks: last }) + '\n');
      void runCheck(route).then(({ verdict, ms }) =>
        respond(req, res, verdict.kind === 'ok' ? 200 : 503, 'text/plain', verdictLine(route, verdict, ms) + '\n'),
      );
    },
  );
  server.maxConnections = MAX_CONNECTIONS;
  // The endpoint never keeps the agent alive: the agent's life is its server's.
  server.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new AgentError(
          COMMON_CODES.HEALTH_PORT_UNAVAILABLE,
          `cannot serve health endpoints on port ${options.port}: ${error.code ?? error.message}; pick a free port with -health-port (0 turns the endpoints off)`,
          { context: { port: options.port } },
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
