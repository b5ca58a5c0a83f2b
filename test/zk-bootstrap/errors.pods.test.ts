// zk-bootstrap's failures that need a real ZooKeeper server (a JVM) or root (a tmpfs in a mount namespace); the
// rest of its error paths are in errors.cli.test.ts.
import t from 'tap';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loopbackPods, BOOTSTRAP, type LoopbackPod } from '../fixtures/loopback-pods.ts';
import { run } from '../harness/process.ts';
import { sendFourLetterWord } from '../../common/zk-4lw.ts';

t.before(() => {
  if (!existsSync(BOOTSTRAP)) throw new Error(`${BOOTSTRAP} is missing: run node scripts/build.ts`);
});

const codeOf = (stderr: string): string | undefined => /code=(\S+)/.exec(stderr)?.[1];

t.test('a wrong digest: run stops its server and exits 1 with ZK_NO_AUTH', { timeout: 90_000 }, async (t) => {
  const [zoo0, zoo1] = (await loopbackPods(t, 2)) as [LoopbackPod, LoopbackPod];
  await zoo0.init([zoo0]);
  zoo0.start();
  await zoo0.waitMembers('1:participant');
  t.equal((await zoo1.init([zoo0, zoo1])).exitCode, 0, 'joining as observer needs no auth');
  zoo1.start({ ZK_SUPER_SECRET: 'wrong' });
  const exit = await zoo1.runExit;
  t.equal(exit?.exitCode, 1);
  const log = readFileSync(join(zoo1.volume, 'run.log'), 'utf8');
  t.match(log, /code=ZK_NO_AUTH/);
  const ruok = await sendFourLetterWord({ host: zoo1.ip, port: zoo1.ports.client, word: 'ruok', timeoutMs: 500 });
  t.equal(ruok.kind === 'failed' && ruok.reason, 'refused', 'its server was stopped');
  t.equal(await zoo0.members(), '1:participant', 'the ensemble is unchanged');
});

t.test('reconfig refused by the ensemble (reconfigEnabled=false): run exits 1 with the server code', { timeout: 90_000 }, async (t) => {
  const [zoo0, zoo1] = (await loopbackPods(t, 2, { ZOO_CFG_EXTRA: 'quorumListenOnAllIPs=false tickTime=500 reconfigEnabled=false' })) as [
    LoopbackPod,
    LoopbackPod,
  ];
  await zoo0.init([zoo0]);
  zoo0.start();
  await zoo0.waitMembers('1:participant');
  await zoo1.init([zoo0, zoo1]);
  zoo1.start();
  const exit = await zoo1.runExit;
  t.equal(exit?.exitCode, 1);
  t.match(readFileSync(join(zoo1.volume, 'run.log'), 'utf8'), /code=ZK_RECONFIG_DISABLED/);
});

// Hostile-input issue 8 class 7 and issue 13 item 4: a full, read-only or odd volume is exit 1 naming the path and
// the errno, and never leaves a temp file. The volume is a tiny tmpfs in a private mount namespace (root only).
const onTmpfs = (pod: LoopbackPod, setup: string, input: string) =>
  run(
    [
      'unshare',
      '-m',
      'sh',
      '-c',
      `set -e; mount -t tmpfs -o size=16k tmpfs "$1"; ${setup}; exec "$2" "$3" init`,
      'sh',
      join(pod.volume, 'data'),
      process.execPath,
      BOOTSTRAP,
    ],
    {
      input,
      env: pod.env(),
      timeoutMs: 30_000,
    },
  );

t.test(
  'ENOSPC, EROFS, a directory where a file should be: exit 1, path and errno named, no temp file',
  { skip: process.getuid?.() === 0 ? false : 'needs root (mount namespaces)' },
  async (t) => {
    const [zoo0] = (await loopbackPods(t, 1)) as [LoopbackPod];
    mkdirSync(join(zoo0.volume, 'data'));
    const input = `${zoo0.ip}\n`;
    const rows = [
      {
        name: 'full volume',
        setup: 'mkdir "$1/conf"; dd if=/dev/zero of="$1/fill" bs=4k count=64 2>/dev/null || true',
        match: /zoo\.cfg\.dynamic: ENOSPC/,
        code: 'ZK_WRITE_FAILED',
      },
      { name: 'read-only volume', setup: 'mkdir "$1/conf"; mount -o remount,ro "$1"', match: /EROFS/, code: 'ZK_DIR_UNWRITABLE' },
      { name: 'a directory where zoo.cfg should be', setup: 'mkdir -p "$1/conf/zoo.cfg"', match: /conf\/zoo\.cfg: EISDIR/, code: 'ZK_VOLUME_UNREADABLE' },
      { name: 'a directory where myid should be', setup: 'mkdir -p "$1/conf" "$1/myid"', match: /\/myid: EISDIR/, code: 'ZK_VOLUME_UNREADABLE' },
      {
        name: 'a FIFO where zoo.cfg.dynamic should be',
        setup: 'mkdir -p "$1/conf"; mkfifo "$1/conf/zoo.cfg.dynamic"',
        match: /zoo\.cfg\.dynamic/,
        code: 'ZK_VOLUME_UNREADABLE',
      },
    ];
    for (const row of rows) {
      const r = await onTmpfs(zoo0, `${row.setup}; ls -A "$1/conf" > "$1/../before" 2>/dev/null || true`, input);
      t.equal(r.exitCode, 1, `${row.name}: exit 1 (${r.stderr.trim()})`);
      t.equal(codeOf(r.stderr), row.code, `${row.name}: code`);
      t.match(r.stderr, row.match, `${row.name}: names the path and errno`);
      t.equal(
        r.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('ERROR')).length,
        1,
        `${row.name}: one error line`,
      );
      t.notMatch(r.stderr, /\n\s+at /, `${row.name}: no stack`);
    }
    // The temp-file check needs the tmpfs contents after the run: list them from inside the namespace.
    const full = await run(
      [
        'unshare',
        '-m',
        'sh',
        '-c',
        'mount -t tmpfs -o size=16k tmpfs "$1"; mkdir "$1/conf"; dd if=/dev/zero of="$1/fill" bs=4k count=64 2>/dev/null; "$2" "$3" init; ls -A "$1/conf"',
        'sh',
        join(zoo0.volume, 'data'),
        process.execPath,
        BOOTSTRAP,
      ],
      { input, env: zoo0.env(), timeoutMs: 30_000 },
    );
    t.equal(full.stdout, '', 'no temp file left on the full volume');
  },
);
