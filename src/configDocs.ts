import { readFileSync, writeFileSync } from 'node:fs';
import { withReference } from './config/docs.ts';

/** `npm run config-docs`: rewrites the README's configuration reference from the zod schemas. */
const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withReference(readFileSync(path, 'utf8')));
process.stdout.write('README.md configuration reference updated.\n');
