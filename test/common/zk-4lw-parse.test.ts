import t from 'tap';
import { srvrFromText, confFromText, membershipFromText, serverLineFromText, mntrFromText, unavailableFromText } from '../../common/zk-4lw-parse.ts';

// Answers captured from ZooKeeper 3.9.5 on this machine.
const SRVR_LEADER = `Zookeeper version: 3.9.5-293c895a8d966a3ecb92872be4a1daf87d725da2, built on 2026-02-11 20:18 UTC
Latency min/avg/max: 0/0.0/0
Received: 2
Sent: 1
Connections: 1
Outstanding: 0
Zxid: 0x100000000
Mode: leader
Node count: 5
Proposal sizes last/min/max: -1/-1/-1
`;
const CONF = `clientPort=26140
secureClientPort=-1
dataDir=/tmp/zkx/data/version-2
dataDirSize=548
dataLogDir=/tmp/zkx/data/version-2
dataLogSize=548
tickTime=2000
maxClientCnxns=60
minSessionTimeout=4000
maxSessionTimeout=40000
clientPortListenBacklog=-1
serverId=2
initLimit=10
syncLimit=2
electionAlg=3
electionPort=26142
quorumPort=26141
peerType=0
membership: 
server.1=127.0.0.1:26141:26142:participant;127.0.0.1:26140
server.2=zoo-1.zk.default.svc.cluster.local:2888:3888:observer;0.0.0.0:2181
version=100000003
`;
// A standalone 3.9.5 server: no quorum keys, no membership block.
const STANDALONE_CONF = CONF.slice(0, CONF.indexOf('serverId=')) + 'serverId=0\n';
const NOT_SERVING = 'This ZooKeeper instance is not currently serving requests\n';

t.test('srvr: a serving server has a Mode line; refusals are recognised by kind', async (t) => {
  const rows = [
    { name: 'leader', text: SRVR_LEADER, kind: 'serving', mode: 'leader' },
    { name: 'follower', text: SRVR_LEADER.replace('Mode: leader', 'Mode: follower'), kind: 'serving', mode: 'follower' },
    { name: 'standalone', text: SRVR_LEADER.replace('Mode: leader', 'Mode: standalone'), kind: 'serving', mode: 'standalone' },
    { name: 'no quorum', text: NOT_SERVING, kind: 'not-serving' },
    { name: 'not whitelisted', text: 'srvr is not executed because it is not in the whitelist.\n', kind: 'not-whitelisted' },
    { name: 'garbage', text: 'hello\n', kind: 'unrecognised' },
    { name: 'unknown mode', text: 'Mode: dancing\n', kind: 'unrecognised' },
  ];
  for (const row of rows) {
    const parsed = srvrFromText(row.text);
    t.equal(parsed.kind, row.kind, row.name);
    if (row.mode) t.equal(parsed.kind === 'serving' && parsed.mode, row.mode, `${row.name} mode`);
  }
  const leader = srvrFromText(SRVR_LEADER);
  t.equal(leader.kind === 'serving' && leader.zxid, '0x100000000');
});

t.test('server lines: id, address, ports, role (participant by default) and client part', async (t) => {
  const rows = [
    {
      name: 'full',
      line: 'server.3=zoo-2.zk:2888:3888:observer;0.0.0.0:2181',
      want: { id: 3, address: 'zoo-2.zk', quorumPort: 2888, electionPort: 3888, role: 'observer', client: '0.0.0.0:2181' },
    },
    { name: 'no role', line: 'server.1=a:1:2;2181', want: { id: 1, address: 'a', quorumPort: 1, electionPort: 2, role: 'participant', client: '2181' } },
    {
      name: 'no client',
      line: 'server.12 = h:1:2:participant',
      want: { id: 12, address: 'h', quorumPort: 1, electionPort: 2, role: 'participant', client: undefined },
    },
    {
      name: 'ipv6',
      line: 'server.2=[::1]:1:2:participant;[::1]:3',
      want: { id: 2, address: '[::1]', quorumPort: 1, electionPort: 2, role: 'participant', client: '[::1]:3' },
    },
    {
      name: 'multi-address keeps the first',
      line: 'server.4=a:1:2|b:3:4;5',
      want: { id: 4, address: 'a', quorumPort: 1, electionPort: 2, role: 'participant', client: '5' },
    },
  ];
  for (const row of rows) t.same(serverLineFromText(row.line), row.want, row.name);
  for (const bad of ['version=100000000', 'server.x=a:1:2', 'server.1=a:1', '']) t.equal(serverLineFromText(bad), undefined, JSON.stringify(bad));
});

t.test('membership: servers sorted by id plus the hex version', async (t) => {
  const m = membershipFromText('server.2=b:1:2;3\nserver.1=a:1:2;3\nversion=10000000a\n');
  t.same(
    m.servers.map((s) => s.id),
    [1, 2],
  );
  t.equal(m.version, '10000000a');
  t.equal(membershipFromText('server.1=a:1:2;3\n').version, undefined, 'a dynamic file has no version line');
});

t.test('conf: serverId and the committed membership', async (t) => {
  const parsed = confFromText(CONF);
  if (parsed.kind !== 'conf') return t.fail(parsed.kind);
  t.equal(parsed.serverId, 2);
  t.equal(parsed.membership.version, '100000003');
  t.same(
    parsed.membership.servers.map((s) => [s.id, s.role]),
    [
      [1, 'participant'],
      [2, 'observer'],
    ],
  );
  t.equal(parsed.values.get('peerType'), '0');
  t.equal(confFromText(NOT_SERVING).kind, 'not-serving');
  t.equal(confFromText('conf is not executed because it is not in the whitelist.').kind, 'not-whitelisted');
  t.equal(confFromText('').kind, 'unrecognised');
  const standalone = confFromText(STANDALONE_CONF);
  t.same(standalone.kind === 'conf' && standalone.membership.servers, [], 'a standalone server has no membership block');
});

t.test('mntr: tab-separated keys', async (t) => {
  const m = mntrFromText('zk_server_state\tleader\nzk_synced_followers\t2\n');
  t.equal(m instanceof Map && m.get('zk_synced_followers'), '2');
  t.equal(unavailableFromText('mntr is not executed because it is not in the whitelist.')?.kind, 'not-whitelisted');
});

// Hostile-input issue 13 item 1: only a well-formed answer of a serving server is a `conf`.
t.test('conf: anything but a well-formed ZooKeeper answer is unrecognised', async (t) => {
  const rows = [
    { name: 'one key=value line', text: 'x=y\n' },
    { name: 'an HTTP 400 page', text: 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request' },
    { name: 'an HTTP page with key=value lines', text: 'HTTP/1.1 400 Bad Request\nclientPort=2181\nserverId=1\n' },
    { name: 'a garbage flood', text: 'AAAA=BBBB\n'.repeat(6000) },
    { name: 'the old minimal fixture', text: 'clientPort=2181\nserverId=0\n' },
    { name: 'a key missing', text: CONF.replace(/^tickTime=.*\n/m, '') },
    { name: 'a number that is none', text: CONF.replace('serverId=2', 'serverId=two') },
    { name: 'a line that is no key=value', text: CONF.replace('tickTime=2000', 'tickTime 2000') },
    { name: 'membership without quorum keys', text: CONF.replace(/^peerType=.*\n/m, '') },
    { name: 'membership without server lines', text: CONF.slice(0, CONF.indexOf('server.1')) + 'version=1\n' },
    { name: 'garbage in the membership block', text: CONF + '<html>\n' },
    { name: 'cut off mid-answer', text: CONF.slice(0, 100) },
  ];
  for (const row of rows) t.equal(confFromText(row.text).kind, 'unrecognised', row.name);
  t.equal(confFromText(CONF.replace(/\n/g, '\r\n')).kind, 'unrecognised', 'CRLF is not what ZooKeeper writes');
  t.equal(srvrFromText('HTTP/1.1 200 OK\n\nMode: standalone\n').kind, 'unrecognised', 'a Mode line in an HTTP page is no srvr answer');
});

// Issue 13 item 7: names from a config text reach connect strings and dynamic files.
t.test('a server line whose address or client part could change a connect string or a line is no server line', async (t) => {
  for (const line of [
    'server.1=a,b:1:2',
    'server.1=a\rb:1:2',
    'server.1=a b:1:2',
    'server.1=a\u0000:1:2',
    'server.1=a:1:2;x,y:2181',
    'server.1=a:1:2;2181\rserver.9=x:1:2',
    'server.1=a:1:2;99999999',
  ]) {
    t.equal(serverLineFromText(line), undefined, JSON.stringify(line));
  }
  t.equal(serverLineFromText('server.1=[fd00::1]:1:2;[::]:2181')?.address, '[fd00::1]', 'bracketed IPv6 still parses');
});
