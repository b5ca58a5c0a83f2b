import t from 'tap';
import { AgentError } from '../../common/errors.ts';
import { setLogSink } from '../../common/log.ts';
import type { ChildExit } from '../../common/supervise.ts';
import type { ServerMode } from '../../common/zk-4lw-parse.ts';
import { main } from '../../zk-bootstrap/main.ts';
import { CODES } from '../../zk-bootstrap/catalogue.ts';
import type { Effects } from '../../zk-bootstrap/effects.ts';
import type { EnsembleView, FileWrites, VolumeFacts } from '../../zk-bootstrap/start-plan.ts';
import type { EnsembleConfig, ReconfigRequest } from '../../zk-bootstrap/zk-admin.ts';

const DOMAIN = 'zk.default.svc.cluster.local';
const fqdn = (i: number) => `zoo-${i}.${DOMAIN}`;
const line = (id: number, role = 'participant') => `server.${id}=${fqdn(id - 1)}:2888:3888:${role};0.0.0.0:2181`;
const committed = (...lines: string[]): EnsembleConfig => ({ text: [...lines, 'version=100000009'].join('\n'), version: '100000009' });
const EMPTY: VolumeFacts = { myid: undefined, hasTxnData: false, zooCfg: undefined, currentDynamic: undefined, ownDynamic: undefined };
// Pod zoo-2 (server 3) restarted as an observer that was never promoted: its files keep it, promotion is still due.
const OBSERVER_VOLUME: VolumeFacts = {
  myid: '3\n',
  hasTxnData: true,
  zooCfg: 'dataDir=/data\ndynamicConfigFile=/data/conf/zoo.cfg.dynamic.100000004\n',
  currentDynamic: [line(1), line(2), line(3, 'observer')].join('\n'),
  ownDynamic: undefined,
};
const ENV = { HOSTNAME: 'zoo-2', ZK_SUPER_SECRET: 's3cret', JAVA_HOME: '/opt/java' };

type World = {
  volume?: VolumeFacts;
  stdin?: string;
  ensemble?: EnsembleView;
  serving?: (ServerMode | undefined)[];
  /** What the server's client port answers to run's polls for the digest file (then true). */
  answers?: boolean[];
  committed?: EnsembleConfig[];
  reconfig?: (request: ReconfigRequest) => EnsembleConfig;
};

// Effects over a fake world and clock: sleeping only moves the clock; the server is a promise the test settles.
const fake = (world: World) => {
  let now = 0;
  const calls: string[] = [];
  const written: FileWrites[] = [];
  const reconfigs: { connectString: string; request: ReconfigRequest }[] = [];
  const printed: string[] = [];
  const started: { file: string; args: readonly string[]; env: Readonly<Record<string, string>> }[] = [];
  const exit = Promise.withResolvers<ChildExit>();
  const serving = [...(world.serving ?? [])];
  const answers = [...(world.answers ?? [])];
  const reads = [...(world.committed ?? [])];
  const fx: Effects = {
    hostname: () => 'vm',
    print: (text) => printed.push(text),
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    readStdin: async () => Buffer.from(world.stdin ?? ''),
    loadAuth: async (config) => (config.secret.kind === 'env' ? { user: config.superUser, secret: config.secret.value } : undefined),
    readVolume: async () => world.volume ?? EMPTY,
    writeFiles: async (_config, files) => {
      written.push(files);
      return ['/data/conf/zoo.cfg'];
    },
    readEnsemble: async (connectString) => world.ensemble ?? { kind: 'unreachable', tried: connectString, reason: 'ZK_UNREACHABLE' },
    readCommitted: async () => reads.shift() ?? committed(),
    runReconfig: async (connectString, _timeoutMs, _auth, request) => {
      reconfigs.push({ connectString, request });
      if (!world.reconfig) throw new Error('no reconfig expected');
      return world.reconfig(request);
    },
    servingMode: async () => serving.shift(),
    serverAnswers: async () => (calls.push('serverAnswers'), answers.shift() ?? true),
    checkJava: async (java) => void calls.push(`checkJava ${java}`),
    writeDigestArgFile: async () => ({ path: '/tmp/zk-bootstrap-x/jvm-options', remove: async () => void calls.push('removeArgFile') }),
    startServer: (file, args, env) => {
      started.push({ file, args, env });
      return {
        pid: 42,
        exited: exit.promise,
        stop: (signal) => {
          calls.push(`stop ${signal}`);
          exit.resolve({ code: 143, stopSignal: undefined });
        },
      };
    },
    serveHealth: async () => undefined,
  };
  return { fx, calls, written, reconfigs, printed, started, exit, now: () => now };
};

const events: string[] = [];
t.beforeEach(() => {
  events.length = 0;
  // `event key=value ...`, after `WARN `/`ERROR ` for those levels.
  setLogSink((line) => events.push(line.replace(/^(WARN|ERROR) /, '').split(' ')[0] as string));
});

t.test('--help prints through the effects and exits 0', async (t) => {
  const { fx, printed } = fake({});
  t.equal(await main(['--help'], {}, fx), 0);
  t.match(printed.join(''), /zk-bootstrap init\|run\|leave/);
});

t.test('init founds the ensemble alone in DNS: one write, exit 0', async (t) => {
  const { fx, written } = fake({ stdin: `${fqdn(0)}\n` });
  t.equal(await main(['init'], { ...ENV, HOSTNAME: 'zoo-0' }, fx), 0);
  t.equal(written.length, 1);
  t.match(written[0], { dynamic: `${line(1)}\n`, myid: '1\n' });
});

t.test('init with others that never serve gives up with ZK_ENSEMBLE_UNREACHABLE at -wait-timeout, not before, writing nothing', async (t) => {
  const { fx, written, now } = fake({ stdin: `${fqdn(0)}\n${fqdn(2)}\n` });
  await t.rejects(main(['init', '-wait-timeout=1m'], ENV, fx), { code: 'ZK_ENSEMBLE_UNREACHABLE', exitCode: 1 });
  t.equal(now(), 60_001, 'on the fake clock: just past the deadline');
  t.equal(written.length, 0);
  t.equal(events.filter((e) => e === 'zk-bootstrap.plan').length, 3, 'the ask once, the wait at 0 s and 32.5 s: not per poll');
});

t.test('run keeps the volume, starts the server once, and promotes the observer after it serves', async (t) => {
  const { fx, started, reconfigs, calls, exit } = fake({
    volume: OBSERVER_VOLUME,
    serving: [undefined, undefined, 'follower'],
    answers: [false, false],
    committed: [committed(line(1), line(2), line(3, 'observer'))],
    reconfig: () => {
      setImmediate(() => exit.resolve({ code: 0, stopSignal: undefined }));
      return committed(line(1), line(2), line(3));
    },
  });
  t.equal(await main(['run', '--', 'java', '-cp', 'zk.jar', 'QuorumPeerMain'], ENV, fx), 0, "the server's exit code");
  t.equal(started.length, 1, 'one server start');
  t.same([started[0]?.file, ...(started[0]?.args ?? [])], ['java', '-cp', 'zk.jar', 'QuorumPeerMain']);
  t.match(started[0]?.env, { JDK_JAVA_OPTIONS: '"@/tmp/zk-bootstrap-x/jvm-options"' }, 'the digest through the @argfile');
  t.notOk('ZK_SUPER_SECRET' in (started[0]?.env ?? {}), 'the secret never reaches the server');
  t.same(reconfigs, [{ connectString: `${fqdn(0)}:2181,${fqdn(1)}:2181`, request: { joining: line(3) } }], 'added through the other members');
  t.same(
    calls,
    ['checkJava java', 'serverAnswers', 'serverAnswers', 'serverAnswers', 'removeArgFile'],
    'the digest file removed as soon as the server answered (the launcher has read it), not again at its exit',
  );
  t.same(
    events.filter((e) => e.startsWith('zk-bootstrap.')),
    ['zk-bootstrap.plan', 'zk-bootstrap.wrote', 'zk-bootstrap.started', 'zk-bootstrap.waiting', 'zk-bootstrap.reconfig', 'zk-bootstrap.member'],
  );
});

t.test('run stops the server and fails with ZK_NO_AUTH when the ensemble refuses the secret', async (t) => {
  const { fx, reconfigs, calls } = fake({
    volume: OBSERVER_VOLUME,
    serving: ['follower'],
    committed: [committed(line(1), line(2), line(3, 'observer'))],
    reconfig: () => {
      throw new AgentError(CODES.ZK_NO_AUTH, 'reconfig refused: NO_AUTH');
    },
  });
  await t.rejects(main(['run', '--', 'java'], ENV, fx), { code: 'ZK_NO_AUTH' });
  t.equal(reconfigs.length, 1, 'not retried');
  t.same(calls, ['checkJava java', 'serverAnswers', 'removeArgFile', 'stop SIGTERM'], 'the digest file removed once the server answered; the server stopped');
  t.ok(events.includes('zk-bootstrap.promote-failed'));
});

t.test('leave removes this member through its own server and exits 0', async (t) => {
  const { fx, reconfigs } = fake({
    volume: OBSERVER_VOLUME,
    committed: [committed(line(1), line(2), line(3))],
    reconfig: () => committed(line(1), line(2)),
  });
  t.equal(await main(['leave'], ENV, fx), 0);
  t.same(reconfigs, [{ connectString: '127.0.0.1:2181', request: { leaving: '3' } }]);
  t.same(
    events.filter((e) => e.startsWith('zk-bootstrap.')),
    ['zk-bootstrap.leave', 'zk-bootstrap.left'],
  );
});
