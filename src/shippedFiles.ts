import { fileURLToPath } from 'node:url';

/**
 * Where the files drbot ships beside its code are. This module sits at the top of its code tree
 * in every layout: src/shippedFiles.ts (tsx), dist/shippedFiles.js (tsc) and the bundled
 * dist/main.js with its chunks beside it (scripts/bundle.mjs), so one set of relative paths
 * holds for all three. A module deeper in the tree would resolve them differently once bundled.
 */
const fromCodeRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The repository (or image) root: the default config folder. */
export const PROJECT_ROOT = fromCodeRoot('../');
/** The numbered .sql migrations (the build copies them from src/ to dist/). */
export const MIGRATIONS_DIR = fromCodeRoot('./store/migrations/');
/** The prebuilt PGlite data dir (store/template.ts); only dist/ has one. */
export const PGLITE_TEMPLATE = fromCodeRoot('./store/pglite-template.tar.gz');
