import t from 'tap';
import { openSession, getConfig, reconfig, sync, type ZkSession } from '../../zk-bootstrap/zk-admin.ts';
import { membershipFromText } from '../../common/zk-4lw-parse.ts';
import { sendFourLetterWord } from '../../common/zk-4lw.ts';
import { loopbackMembers, serverLine, SUPER_SECRET, type LoopbackZk } from '../fixtures/loopback-zk.ts';
import { freePorts } from '../harness/ports.ts';
import { ZOOKEEPER_VERSION, ZOOKEEPER_38_VERSION } from '../harness/servers.ts';

const SUPER = { user: 'super', secret: SUPER_SECRET };

type Teardown = { teardown(fn: () => void): void };

// A session closed at teardown; `auth: null` connects without any credentials.
const session = async (t: Teardown, connectString: string, auth: typeof SUPER | null = SUPER): Promise<ZkSession> => {
  const s = await openSession({ connectString, timeoutMs: 5000, auth: auth ?? undefined });
  t.teardown(() => s.close());
  return s;
};

const ids = (text: string) => membershipFromText(text).servers.map((s) => `${s.id}:${s.role}`);

// The admin client on both supported lines; only this file runs on 3.8 (a few seconds of CI).
for (const version of [ZOOKEEPER_VERSION, ZOOKEEPER_38_VERSION]) {
  t.test(`reconfig against a real ${version} ensemble`, async (t) => {
    const [one, two] = (await loopbackMembers(t, 2, version)) as [LoopbackZk, LoopbackZk];
    one.writeConfig([serverLine(one.ports)]);
    one.start();
    await one.waitServing();
    const admin = await session(t, one.connectString);

    await t.test('getConfig reads the committed config after a sync', async (t) => {
      const config = await getConfig(admin);
      t.same(ids(config.text), ['1:participant']);
      t.match(config.version, /^[0-9a-f]+$/);
      await sync(admin, '/');
      const srvr = await sendFourLetterWord({ host: '127.0.0.1', port: one.ports.client, word: 'srvr', timeoutMs: 2000 });
      t.match(srvr, { kind: 'answer', text: new RegExp(`version: ${version.replaceAll('.', '\\.')}-`) }, `the server is ${version}`);
    });

    await t.test('a joiner started as observer is promoted with reconfig -add, then removed', async (t) => {
      const current = await getConfig(admin);
      two.writeConfig([serverLine(one.ports), serverLine(two.ports, 'observer')]);
      two.start();
      await two.waitServing();
      const added = await reconfig(admin, { joining: serverLine(two.ports, 'participant'), fromConfig: current.version });
      t.same(ids(added.text), ['1:participant', '2:participant']);
      t.not(added.version, current.version, 'a new version');
      const seenByTwo = await getConfig(await session(t, two.connectString, null));
      t.same(ids(seenByTwo.text), ['1:participant', '2:participant'], 'the joiner sees itself as a voter');

      const removed = await reconfig(admin, { leaving: '2' });
      t.same(ids(removed.text), ['1:participant']);
    });

    await t.test('a stale fromConfig is refused with BAD_VERSION', async (t) => {
      await t.rejects(reconfig(admin, { leaving: '2', fromConfig: '1' }), { code: 'ZK_BAD_VERSION' });
    });

    await t.test('a wrong digest gets a typed NO_AUTH error', async (t) => {
      const wrong = await session(t, one.connectString, { user: 'super', secret: 'not-the-secret' });
      await t.rejects(reconfig(wrong, { leaving: '9' }), { code: 'ZK_NO_AUTH', context: { zkCode: -102 } });
      const anonymous = await session(t, one.connectString, null);
      await t.rejects(reconfig(anonymous, { leaving: '9' }), { code: 'ZK_NO_AUTH' });
    });

    await t.test('NEW_CONFIG_NO_QUORUM (-13) is an error value, not a crashed process', async (t) => {
      // Two servers that do not exist: the new config can never reach a quorum.
      const [a, b, c, d, e, f] = (await freePorts(6)) as number[];
      const dead = [`server.8=127.0.0.1:${a}:${b}:participant;127.0.0.1:${c}`, `server.9=127.0.0.1:${d}:${e}:participant;127.0.0.1:${f}`];
      await t.rejects(reconfig(admin, { joining: dead.join(',') }), { code: 'ZK_NEW_CONFIG_NO_QUORUM', context: { zkCode: -13 } });
      t.same(ids((await getConfig(admin)).text), ['1:participant'], 'config unchanged');
    });

    await t.test('removing the last participant is refused as BAD_ARGUMENTS', async (t) => {
      await t.rejects(reconfig(admin, { leaving: '1' }), { code: 'ZK_BAD_ARGUMENTS' });
    });
  });

  t.test(`${version}: without reconfigEnabled the server answers RECONFIG_DISABLED (-123)`, async (t) => {
    const [one] = (await loopbackMembers(t, 1, version)) as [LoopbackZk];
    one.writeConfig([serverLine(one.ports)], ['reconfigEnabled=false']);
    one.start();
    await one.waitServing();
    const admin = await session(t, one.connectString);
    await t.rejects(reconfig(admin, { leaving: '5' }), { code: 'ZK_RECONFIG_DISABLED', context: { zkCode: -123 } });
  });
}
