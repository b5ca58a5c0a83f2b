import t from 'tap';
import * as catalogue from '../../../probes/zk-probe/catalogue.ts';
import { checkReadmeTable } from '../../fixtures/readme-tables.ts';

checkReadmeTable(t, 'zk-probe', new URL('../../../probes/zk-probe/README.md', import.meta.url), catalogue);
