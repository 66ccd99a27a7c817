import { PGlite } from '@electric-sql/pglite';
const t0 = performance.now();
const pg = await PGlite.create({ dataDir: process.argv[2], ...(process.argv[3] ? { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=' + process.argv[3]] } : {}) });
const t1 = performance.now();
await pg.query('select 1');
console.log('open', (t1 - t0).toFixed(0), 'ms; rss', (process.memoryUsage().rss / 2 ** 20).toFixed(0), 'MiB', (await pg.query('show shared_buffers')).rows);
global.gc?.(); await new Promise(r => setTimeout(r, 1000));
console.log('rss after gc', (process.memoryUsage().rss / 2 ** 20).toFixed(0));
await pg.close();
