import t from 'tap';
import { installPlan } from '../../agents-install/main.ts';

t.test('plan: node first, then every bundle but itself, in name order', async (t) => {
  t.same(installPlan('/usr/local/bin/node', ['zk-probe.cjs', 'agents-install.cjs', 'README', 'peer-finder.cjs'], '/app', 'agents-install.cjs', '/agents'), [
    { from: '/usr/local/bin/node', to: '/agents/node' },
    { from: '/app/peer-finder.cjs', to: '/agents/peer-finder.cjs' },
    { from: '/app/zk-probe.cjs', to: '/agents/zk-probe.cjs' },
  ]);
});
