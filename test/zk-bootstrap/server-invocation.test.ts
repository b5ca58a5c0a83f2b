import t from 'tap';
import { serverInvocation, superDigestArgFile, javaOfCommand, javaMajorFromVersionText, SUPER_DIGEST_PROPERTY } from '../../zk-bootstrap/server-invocation.ts';

const digest = 'super:abc=';

t.test('the super digest is in neither argv nor the environment: JDK_JAVA_OPTIONS names a private @argfile', async (t) => {
  const command = ['/usr/bin/java', '-Xmx256m', 'Main', 'zoo.cfg'];
  const java = serverInvocation(
    command,
    { ZK_SUPER_SECRET: 'pw', SERVER_JVMFLAGS: '-Dx=1', JDK_JAVA_OPTIONS: '-Xss1m', PATH: '/bin' },
    '/tmp/zk-bootstrap-x/jvm-options',
  );
  t.same(java.argv, command, 'the server command is run exactly as given');
  t.equal(java.env.JDK_JAVA_OPTIONS, '-Xss1m "@/tmp/zk-bootstrap-x/jvm-options"', 'appended to what was there');
  t.equal(java.env.SERVER_JVMFLAGS, '-Dx=1', "zkServer.sh's flags stay as given: they end up on java's command line");
  t.notOk('ZK_SUPER_SECRET' in java.env, 'the password never reaches the server');
  t.notMatch(JSON.stringify(java), /abc=|superDigest/, 'no digest anywhere in what is spawned');
  const script = serverInvocation(['zkServer.sh', 'start-foreground'], {}, '/tmp/a');
  t.same(script, { argv: ['zkServer.sh', 'start-foreground'], env: { JDK_JAVA_OPTIONS: '"@/tmp/a"' } }, "a script's java reads the same variable");
  t.same(serverInvocation(['java'], { A: '1' }, undefined), { argv: ['java'], env: { A: '1' } }, 'no secret, nothing added');
});

t.test('the argfile holds one quoted -D option, whatever the user name holds', async (t) => {
  t.equal(superDigestArgFile(digest), `"-D${SUPER_DIGEST_PROPERTY}=super:abc="\n`);
  t.equal(superDigestArgFile('a"b\\c#d:x+/='), `"-D${SUPER_DIGEST_PROPERTY}=a\\"b\\\\c#d:x+/="\n`);
});

t.test('finds the java a command runs and reads its major version', async (t) => {
  const commands = [
    { name: 'java itself', command: ['/opt/jre/bin/java', '-cp', 'x'], env: { JAVA_HOME: '/other' }, java: '/opt/jre/bin/java' },
    { name: 'script with JAVA_HOME', command: ['zkServer.sh', 'start-foreground'], env: { JAVA_HOME: '/opt/jre/' }, java: '/opt/jre/bin/java' },
    { name: 'script, java on PATH', command: ['zkServer.sh'], env: {}, java: 'java' },
  ];
  for (const row of commands) t.equal(javaOfCommand(row.command, row.env), row.java, row.name);
  const versions = [
    { name: 'JRE 17', text: 'openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', major: 17 },
    { name: 'Java 8', text: 'java version "1.8.0_402"', major: 8 },
    { name: 'Java 9 without a minor', text: 'java version "9"', major: 9 },
    { name: 'no version', text: 'Error: could not find libjava.so', major: undefined },
  ];
  for (const row of versions) t.equal(javaMajorFromVersionText(row.text), row.major, row.name);
});
