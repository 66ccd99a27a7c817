// Build step (`npm run build`, after tsc): dist/main.js, bundled by esbuild — drbot's own
// modules and the libraries every start loads — with a few lazily loaded chunks beside it.
// Node then reads and links one file instead of ~650 modules (date-fns and zod alone were
// ~400), which was half of a warm start (README "Performance"). Everything else stays a normal
// import from node_modules: PGlite (its WASM and data files sit beside its code), pino (worker
// files), and the SDKs and drivers that are loaded only when their integration is configured.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
// `node scripts/bundle.mjs [outdir]`: dist/ unless told (the production test builds elsewhere).
const outdir = process.argv[2] ?? root('dist');

const BUNDLED = new Set(['zod', 'yaml', 'handlebars', 'prom-client', 'date-fns', '@date-fns/tz']);
const { dependencies } = JSON.parse(readFileSync(root('package.json'), 'utf8'));
const external = Object.keys(dependencies).filter((d) => !BUNDLED.has(d)).flatMap((d) => [d, `${d}/*`]);

await build({
  entryPoints: [root('src/main.ts')],
  outdir,
  // Modules imported lazily (the PostgreSQL store, Redis, Slack, ...) stay separate files, loaded
  // when used: in one file, their imports of external packages would load at every start.
  // Chunks sit beside main.js, so each one's import.meta.url points into the same folder.
  splitting: true,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  // Bundled CommonJS libraries call require() for Node's own modules; an ES module has none.
  banner: { js: "import { createRequire as __drbotRequire } from 'node:module'; const require = __drbotRequire(import.meta.url);" },
  logLevel: 'warning',
});
