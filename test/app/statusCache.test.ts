import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/db.ts';
import { slackApp } from '../helpers/slackApp.ts';
import { until } from '../helpers/until.ts';

type S = Awaited<ReturnType<typeof slackApp>>;

const reads = async (s: S, from: 'memory' | 'store') =>
  Number((await (await fetch(`${s.base}/metrics`)).text()).match(new RegExp(`^drbot_status_reads_total\\{from="${from}"\\} (\\d+)`, 'm'))?.[1] ?? 0);

describe.each(ENGINES)('/dr status answered from memory, two replicas on %s', (engine) => {
  let a: S | undefined;
  let b: S | undefined;
  afterEach(async () => {
    await b?.close({ keepSlack: true, keepDb: true });
    await a?.close();
    a = b = undefined;
  });

  it('a repeat is answered from memory; a change made through the other replica shows within a moment', async () => {
    a = await slackApp({ engine });
    b = await slackApp({ db: a.db, slack: a.slack, instance: 'replica-b' });
    expect((await a.command('declare sev2 Payments slow')).status).toBe(200);
    const status = async (s: S) => (await (await s.command('status INC-1')).json()).text as string;
    // Once the declare's first steps have run (each one drops the entry), a repeat is answered from memory.
    await until('a repeat /dr status answered from memory', async () => {
      const before = await reads(a!, 'memory');
      return (await status(a!)).includes('Payments slow') && (await reads(a!, 'memory')) === before + 1;
    }, 10_000);

    expect((await b.command('update INC-1 identified Card issuer timing out')).status).toBe(200);
    // The notice is queued at commit; replica a hears it within milliseconds (PGlite: before b answers).
    await until('replica a to show replica b\'s update', async () => (await status(a!)).includes('Identified'), 2_000);
  });
});
