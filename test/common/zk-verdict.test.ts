import t from 'tap';
import { liveVerdict, readyFromConf, readyFromSrvr } from '../../common/zk-verdict.ts';
import { verdictLine } from '../../common/probe-verdict.ts';
import { answer, refused, timedOut, srvr, conf, NOT_SERVING, CONF_HEAD as HEAD } from '../fixtures/zk-answers.ts';

const P1 = 'server.1=zoo-0.zk:2888:3888:participant;0.0.0.0:2181';
const P2 = 'server.2=zoo-1.zk:2888:3888:participant;0.0.0.0:2181';
const O2 = 'server.2=zoo-1.zk:2888:3888:observer;0.0.0.0:2181';

t.test('live is imok, whatever the quorum', async (t) => {
  const rows = [
    { name: 'imok', ruok: answer('imok'), kind: 'ok' },
    { name: 'refused', ruok: refused, kind: 'fail' },
    { name: 'timeout', ruok: timedOut, kind: 'fail' },
    { name: 'not whitelisted', ruok: answer('ruok is not executed because it is not in the whitelist.'), kind: 'unknown' },
  ];
  for (const row of rows) t.equal(liveVerdict(row.ruok).kind, row.kind, row.name);
});

t.test('ready (a role): serving, and that role for this server in the committed config', async (t) => {
  const rows = [
    { name: 'voting member', conf: conf(2, [P1, P2]), role: 'participant', kind: 'ok' },
    { name: 'leader alone', conf: conf(1, [P1]), role: 'participant', kind: 'ok' },
    { name: 'joiner follows before it is added', conf: conf(2, [P1]), role: 'participant', kind: 'fail' },
    { name: 'observer not yet promoted', conf: conf(2, [P1, O2]), role: 'participant', kind: 'fail' },
    { name: 'configured observer', conf: conf(2, [P1, O2]), role: 'observer', kind: 'ok' },
    { name: 'observer expected but votes', conf: conf(2, [P1, P2]), role: 'observer', kind: 'fail' },
    { name: 'no quorum', conf: NOT_SERVING, role: 'participant', kind: 'fail' },
    { name: 'down', conf: refused, role: 'participant', kind: 'fail' },
    { name: 'timeout', conf: timedOut, role: 'participant', kind: 'fail' },
    { name: 'static standalone', conf: answer(`${HEAD}serverId=0\n`), role: 'participant', kind: 'ok' },
    // Hostile-input issue 13 item 1: each of these was "ready ok: standalone".
    { name: 'x=y', conf: answer('x=y\n'), role: 'participant', kind: 'unknown' },
    {
      name: 'an HTTP 400 page',
      conf: answer('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
      role: 'participant',
      kind: 'unknown',
    },
    { name: 'a garbage flood', conf: answer('k=v\n'.repeat(16_000)), role: 'participant', kind: 'unknown' },
    { name: 'conf not whitelisted', conf: answer('conf is not executed because it is not in the whitelist.'), role: 'participant', kind: 'unknown' },
  ] as const;
  for (const row of rows) t.equal(readyFromConf(row.conf, row.role).kind, row.kind, row.name);
});

t.test('ready -role=any: a Mode line is enough', async (t) => {
  const rows = [
    { name: 'follower', srvr: srvr('follower'), kind: 'ok' },
    { name: 'standalone', srvr: srvr('standalone'), kind: 'ok' },
    { name: 'no quorum', srvr: NOT_SERVING, kind: 'fail' },
    { name: 'down', srvr: refused, kind: 'fail' },
    { name: 'a Mode line in an HTTP page', srvr: answer('HTTP/1.1 400 Bad Request\n\nMode: standalone\n'), kind: 'unknown' },
  ];
  for (const row of rows) t.equal(readyFromSrvr(row.srvr).kind, row.kind, row.name);
});

t.test('the output line is one line of at most 512 bytes', async (t) => {
  const long = verdictLine('ready', { kind: 'fail', detail: `x\n${'é'.repeat(600)}` }, 3);
  t.ok(Buffer.byteLength(long) <= 512);
  t.notMatch(long, /\n/);
  t.equal(verdictLine('live', { kind: 'ok', detail: 'imok' }, 4), 'live ok: imok (4ms)');
});
