import t from 'tap';
import { serverInvocation } from '../../zk-bootstrap/server-invocation.ts';

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
