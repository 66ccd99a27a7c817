/**
 * Counts the statements a process sends through `pg`, by text: preload it into drbot, e.g.
 * `BENCH_NODE_ARGS="--import ./bench/countQueries.mjs" npm run bench`. At exit each process
 * writes `pg-statements.<pid>.txt` (count, tab, the statement's first 90 characters; most first)
 * into BENCH_COUNT_DIR (default: the system's temporary folder).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const counts = new Map();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (q, ...rest) {
  const text = (typeof q === 'string' ? q : (q?.text ?? '')).replace(/\s+/g, ' ').slice(0, 90);
  counts.set(text, (counts.get(text) ?? 0) + 1);
  return query.call(this, q, ...rest);
};
process.on('exit', () => {
  if (!counts.size) return;
  const lines = [...counts].sort((a, b) => b[1] - a[1]).map(([text, n]) => `${n}\t${text}`);
  writeFileSync(join(process.env.BENCH_COUNT_DIR ?? tmpdir(), `pg-statements.${process.pid}.txt`), `${lines.join('\n')}\n`);
});
