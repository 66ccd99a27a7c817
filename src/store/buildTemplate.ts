// Build step (`npm run build`): writes dist/store/pglite-template.tar.gz (see template.ts).
import { PGLITE_TEMPLATE } from '../shippedFiles.ts';
import { writePgliteTemplate } from './template.ts';

await writePgliteTemplate();
process.stdout.write(`wrote ${PGLITE_TEMPLATE}\n`);
