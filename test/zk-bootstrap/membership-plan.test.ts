import t from 'tap';
import { planRepair, planLeave } from '../../zk-bootstrap/membership-plan.ts';

const P = (id: number, role = 'participant', client = '0.0.0.0:2181') => `server.${id}=zoo-${id - 1}.zk:2888:3888:${role};${client}`;
const config = (...lines: string[]) => [...lines, 'version=100000009'].join('\n');

t.test('repair: nothing when listed as wanted, reconfig -add otherwise', async (t) => {
  const rows = [
    { name: 'already a participant', wanted: P(2), committed: config(P(1), P(2)), kind: 'in-place' },
    { name: 'short client form committed by ZooKeeper', wanted: P(2), committed: config(P(1), P(2, 'participant', '2181')), kind: 'in-place' },
    { name: 'joiner not yet listed', wanted: P(3), committed: config(P(1), P(2)), kind: 'add' },
    { name: 'observer to promote', wanted: P(3), committed: config(P(1), P(2), P(3, 'observer')), kind: 'add' },
    { name: 'configured observer listed as observer', wanted: P(3, 'observer'), committed: config(P(1), P(3, 'observer')), kind: 'in-place' },
    { name: 'port changed', wanted: P(2), committed: config(P(1), P(2).replace(':2888:', ':2999:')), kind: 'add' },
  ];
  for (const row of rows) {
    const step = planRepair(row.wanted, row.committed);
    t.equal(step.kind, row.kind, row.name);
    if (step.kind === 'add') t.equal(step.spec, row.wanted, `${row.name}: spec`);
  }
});

t.test('leave: remove unless absent, the last voter, or pod 0 (which lingers)', async (t) => {
  const rows = [
    { name: 'one of three', myid: 3, ordinal: 2, committed: config(P(1), P(2), P(3)), kind: 'remove' },
    { name: 'the last voting member stays', myid: 2, ordinal: 1, committed: config(P(2)), kind: 'stay' },
    { name: 'last voter with observers stays', myid: 1, ordinal: 0, committed: config(P(1), P(2, 'observer')), kind: 'stay' },
    { name: 'an observer leaves', myid: 2, ordinal: 1, committed: config(P(1), P(2, 'observer')), kind: 'remove' },
    { name: 'an observer pod 0 leaves too', myid: 1, ordinal: 0, committed: config(P(1, 'observer'), P(2)), kind: 'remove' },
    { name: 'already gone', myid: 4, ordinal: 3, committed: config(P(1), P(2)), kind: 'stay' },
    { name: 'pod 0 with other voters lingers', myid: 1, ordinal: 0, committed: config(P(1), P(2), P(3)), kind: 'linger' },
  ];
  for (const row of rows) t.equal(planLeave(row.myid, row.ordinal, row.committed).kind, row.kind, row.name);
});
