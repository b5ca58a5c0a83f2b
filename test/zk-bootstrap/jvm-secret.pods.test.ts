import t from 'tap';
import { spawnSync } from 'node:child_process';
import { serverInvocation, superDigestArgFile, SUPER_DIGEST_PROPERTY } from '../../zk-bootstrap/server-invocation.ts';
import { writeDigestArgFile, readJavaMajor } from '../../zk-bootstrap/jvm-secret.ts';

// The proof on a real JVM: the launcher reads the option from the file named in JDK_JAVA_OPTIONS; neither its
// command line nor its "Picked up JDK_JAVA_OPTIONS" note on stderr shows the digest.
const hasJava = spawnSync('java', ['-version']).status === 0;
t.test(
  'a real java gets the property from the argfile, with the digest in neither argv nor its output',
  { skip: hasJava ? false : 'no java on PATH' },
  async (t) => {
    t.ok(((await readJavaMajor('java', process.env)) ?? 0) >= 9, 'this project runs Java 9+ (JRE 17)');
    t.equal(await readJavaMajor('/nonexistent/java', process.env), undefined, 'a missing java has no version');
    const secretDigest = 'super:S3CRETdigest+/=';
    const file = await writeDigestArgFile(superDigestArgFile(secretDigest));
    t.teardown(() => file.remove());
    const inv = serverInvocation(['java', '-XshowSettings:properties', '-version'], { PATH: process.env.PATH, JDK_JAVA_OPTIONS: '-Dkept=1' }, file.path);
    const [cmd, ...args] = inv.argv as [string, ...string[]];
    const out = spawnSync(cmd, args, { env: inv.env, encoding: 'utf8' });
    t.match(out.stderr, new RegExp(`${SUPER_DIGEST_PROPERTY.replace(/\./g, '\\.')} = super:S3CRETdigest\\+/=`), 'the JVM has the property');
    t.match(out.stderr, /kept = 1/, 'an existing JDK_JAVA_OPTIONS still applies');
    const note = out.stderr.split('\n').find((l) => l.startsWith('NOTE: Picked up JDK_JAVA_OPTIONS')) ?? '';
    t.notMatch(note, /S3CRET/, 'the launcher note shows the file, not the digest');
    t.notMatch(inv.argv.join(' '), /S3CRET/);
  },
);
