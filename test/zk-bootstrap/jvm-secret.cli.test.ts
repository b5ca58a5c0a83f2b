import t from 'tap';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { superDigestArgFile } from '../../zk-bootstrap/server-invocation.ts';
import { writeDigestArgFile } from '../../zk-bootstrap/jvm-secret.ts';

const digest = 'super:abc=';

t.test('the argfile is private, and gone after remove()', async (t) => {
  const file = await writeDigestArgFile(superDigestArgFile(digest));
  t.equal(statSync(file.path).mode & 0o777, 0o600);
  t.equal(statSync(dirname(file.path)).mode & 0o777, 0o700);
  t.equal(readFileSync(file.path, 'utf8'), superDigestArgFile(digest));
  await file.remove();
  t.notOk(existsSync(dirname(file.path)), 'directory removed');
});
