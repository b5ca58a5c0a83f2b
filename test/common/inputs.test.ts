import t from 'tap';
import { inputs, readInputs, subcommand, wantsHelp } from '../../common/inputs.ts';
import { helpText } from '../../common/flags.ts';

const SPECS = {
  port: inputs.port('port', { help: 'client port', env: 'ZK_CLIENT_PORT', default: 2181 }),
  healthPort: inputs.port('health-port', { help: 'health', allowZero: true, default: 0 }),
  replicas: inputs.int('replicas', { help: 'servers', min: 1, max: 255 }),
  timeout: inputs.duration('timeout', { help: 'deadline', min: 1, default: 5000, env: 'ZK_TIMEOUT' }),
  mode: inputs.oneOf('mode', ['dynamic', 'static'], { help: 'mode', default: 'dynamic' }),
  dataDir: inputs.path('data-dir', { help: 'data', env: 'ZOO_DATA_DIR', default: '/data' }),
  logDir: inputs.path('data-log-dir', { help: 'logs', emptyIsUnset: true }),
  rack: inputs.text('rack', { help: 'rack', max: 16 }),
  address: inputs.host('address', { help: 'address' }),
  dryRun: inputs.bool('dry-run', { help: 'print only', default: false }),
  override: inputs.list('override', { help: 'k=v', each: (text) => (text.includes('=') ? text : { refused: 'key=value' }) }),
  logFormat: inputs.logFormat(),
};

t.test('defaults are typed and applied once, from the spec', async (t) => {
  const read = readInputs(SPECS, [], {});
  t.same(read.problems, []);
  const v = read.values;
  // The types carry the defaults: a number where a default exists, number | undefined where none does.
  const port: number = v.port;
  const replicas: number | undefined = v.replicas;
  const mode: 'dynamic' | 'static' = v.mode;
  t.same(
    { port, replicas, mode, timeout: v.timeout, dataDir: v.dataDir, logDir: v.logDir, dryRun: v.dryRun, override: v.override, logFormat: v.logFormat },
    {
      port: 2181,
      replicas: undefined,
      mode: 'dynamic',
      timeout: 5000,
      dataDir: '/data',
      logDir: undefined,
      dryRun: false,
      override: [],
      logFormat: 'text',
    },
  );
  t.same(read.given.size, 0);
});

t.test('flags win over env; env fills in; typed values come out', async (t) => {
  const read = readInputs(SPECS, ['-port=2182', '--timeout', '90s', '-mode=static', '-dry-run', '-override', 'a=1', '-override=b=2', '-data-dir=/var/zk/'], {
    ZK_CLIENT_PORT: '9',
    ZK_TIMEOUT: '1s',
    LOG_FORMAT: 'json',
  });
  t.same(read.problems, []);
  t.same(read.values.port, 2182);
  t.same(read.values.timeout, 90_000);
  t.same(read.values.mode, 'static');
  t.same(read.values.dryRun, true);
  t.same(read.values.override, ['a=1', 'b=2']);
  t.same(read.values.dataDir, '/var/zk', 'a trailing slash is dropped');
  t.same(read.values.logFormat, 'json');
  t.ok(read.given.has('port') && read.given.has('logFormat') && !read.given.has('replicas'));
});

t.test('every problem at once, each naming the input, what it takes and what it got', async (t) => {
  const read = readInputs(
    SPECS,
    ['-port=0', '-replicas=300', '-timeout=999999999h', '-mode=dyn', '-data-dir=data', '-rack=a\nb', '-address=-x-', '-override=nokey', '-nope'],
    { LOG_FORMAT: 'xml' },
  );
  t.same(read.problems, [
    'unknown flag -nope (see --help)',
    '-port (env ZK_CLIENT_PORT) takes a port 1-65535, got "0"',
    '-replicas takes an integer 1-255, got "300"',
    '-timeout (env ZK_TIMEOUT) takes a Go duration from 1ms to 596h31m23.647s, such as 500ms, 90s or 5m, got "999999999h"',
    '-mode takes one of dynamic, static, got "dyn"',
    '-data-dir (env ZOO_DATA_DIR) takes an absolute path (this one is relative: the working directory of a container is no place for data), got "data"',
    '-rack takes text that contains control characters, got "a\\nb"',
    '-address takes a host name or an IP address, got "-x-"',
    '-override takes key=value, got "nokey"',
    '-log-format (env LOG_FORMAT) takes one of text, json, got "xml"',
  ]);
  t.same(read.values.port, 2181, 'a refused value leaves the default, so later checks still run');
});

t.test('empty values: unset, except a path, which is refused unless empty is documented as unset', async (t) => {
  const read = readInputs(SPECS, ['-port=', '-data-log-dir='], { ZOO_DATA_DIR: '', ZK_TIMEOUT: '' });
  t.same(read.problems, ['-data-dir (env ZOO_DATA_DIR) is empty: give an absolute path, or leave it unset for the default (/data)']);
  t.same([read.values.port, read.values.timeout, read.values.logDir], [2181, 5000, undefined]);
});

t.test('rest: a server command after -- is kept apart, and help before it is seen', async (t) => {
  const read = readInputs(SPECS, ['run', '-port=2190', '--', 'java', '-port=1', '--help'], {}, { rest: true });
  t.same(read.positionals, ['run']);
  t.same(read.rest, ['java', '-port=1', '--help']);
  t.same(read.values.port, 2190);
  t.notOk(read.help);
  t.notOk(wantsHelp(['run', '--', 'java', '--help']));
  t.ok(wantsHelp(['run', '-h', '--', 'java']));
  t.ok(readInputs(SPECS, ['--help'], {}).help);
});

t.test('subcommand: one of a set, extra words refused', async (t) => {
  const problems: string[] = [];
  t.equal(subcommand(['run'], ['init', 'run', 'leave'], problems), 'run');
  t.equal(subcommand(['go', 'x'], ['init', 'run', 'leave'], problems), undefined);
  t.same(problems, ['unexpected arguments "x"', 'first argument must be init, run or leave, got "go"']);
});

t.test('--help shows what each input accepts, its default and env, from the same specs', async (t) => {
  const help = helpText({ usage: 'x', summary: 's', flags: Object.values(SPECS), exitCodes: [[0, 'ok']] });
  t.match(help, /-port <1-65535>\n {6}client port \(default 2181, env ZK_CLIENT_PORT\)/);
  t.match(help, /-health-port <0-65535>\n {6}health \(default 0\)/);
  t.match(help, /-timeout <1ms-596h31m23.647s>\n {6}deadline \(default 5s, env ZK_TIMEOUT\)/);
  t.match(help, /-mode <dynamic\|static>/);
  t.match(help, /-log-format <text\|json>\n.*\(default text, env LOG_FORMAT\)/);
  t.match(help, /-dry-run\n {6}print only \(default false\)/);
});
