import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TMP_DIR = fileURLToPath(new URL('../.tmp/', import.meta.url));
export const PGLITE_TEMPLATE = `${TMP_DIR}pglite-template.tgz`;
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
