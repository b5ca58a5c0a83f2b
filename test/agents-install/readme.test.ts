import t from 'tap';
import * as catalogue from '../../agents-install/catalogue.ts';
import { checkReadmeTable } from '../fixtures/readme-tables.ts';

checkReadmeTable(t, 'agents-install', new URL('../../agents-install/README.md', import.meta.url), catalogue);
