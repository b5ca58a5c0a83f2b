import t from 'tap';
import * as catalogue from '../../peer-finder/catalogue.ts';
import { checkReadmeTable } from '../fixtures/readme-tables.ts';

checkReadmeTable(t, 'peer-finder', new URL('../../peer-finder/README.md', import.meta.url), catalogue);
