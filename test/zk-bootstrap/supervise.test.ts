import t from 'tap';
import { serverInvocation, startServer } from '../../zk-bootstrap/supervise.ts';

t.test('the super digest goes after java and into SERVER_JVMFLAGS; the password never reaches the server', async (t) => {
  const digest = 'super:abc=';
  const java = serverInvocation(['/usr/bin/java', '-Xmx256m', 'Main', 'zoo.cfg'], { ZK_SUPER_SECRET: 'pw', SERVER_JVMFLAGS: '-Dx=1', PATH: '/bin' }, digest);
  t.same(java.argv, ['/usr/bin/java', `-Dzookeeper.DigestAuthenticationProvider.superDigest=${digest}`, '-Xmx256m', 'Main', 'zoo.cfg']);
  t.equal(java.env.SERVER_JVMFLAGS, `-Dx=1 -Dzookeeper.DigestAuthenticationProvider.superDigest=${digest}`);
  t.notOk('ZK_SUPER_SECRET' in java.env);
  const script = serverInvocation(['zkServer.sh', 'start-foreground'], {}, digest);
  t.same(script.argv, ['zkServer.sh', 'start-foreground'], 'a script gets it through SERVER_JVMFLAGS only');
  t.same(serverInvocation(['java'], { A: '1' }, undefined), { argv: ['java'], env: { A: '1' } }, 'no secret, nothing added');
});

t.test('the server exit code is passed through; a signal becomes 128 + its number', async (t) => {
  t.equal(await startServer(['sh', '-c', 'exit 7'], { PATH: process.env.PATH ?? '/bin' }).exited, 7);
  const sleeper = startServer(['sleep', '30'], { PATH: process.env.PATH ?? '/bin' });
  sleeper.stop('SIGTERM');
  t.equal(await sleeper.exited, 143);
  await t.rejects(startServer(['/nonexistent/java'], {}).exited, { code: 'ZK_SERVER_START_FAILED' });
});

t.test('SIGTERM to zk-bootstrap reaches the server', async (t) => {
  const server = startServer(['sh', '-c', 'trap "exit 42" TERM; while :; do sleep 0.1; done'], { PATH: process.env.PATH ?? '/bin' });
  await new Promise((r) => setTimeout(r, 200));
  process.emit('SIGTERM', 'SIGTERM');
  t.equal(await server.exited, 42);
});
