import t from 'tap';
import * as catalogue from '../../../probes/kafka-probe/catalogue.ts';
import { checkReadmeTable } from '../../fixtures/readme-tables.ts';

checkReadmeTable(t, 'kafka-probe', new URL('../../../probes/kafka-probe/README.md', import.meta.url), catalogue);
