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

  it('a repeat is answered from memory; a change made through the other replica shows at once', async () => {
    a = await slackApp({ engine });
    b = await slackApp({ db: a.db, slack: a.slack, instance: 'replica-b' });
    expect((await a.command('declare sev2 Payments slow')).status).toBe(200);
    const status = async (s: S) => (await (await s.command('status INC-1')).json()).text as string;
    await until('the cache to serve', async () => (await status(a!)) && (await reads(a!, 'memory')) > 0, 10_000);

    const before = await reads(a, 'memory');
    expect(await status(a)).toContain('Payments slow');
    expect(await reads(a, 'memory')).toBe(before + 1);

    expect((await b.command('update INC-1 identified Card issuer timing out')).status).toBe(200);
    // The notice is sent at commit, before replica b even answers: replica a has it before the next request.
    expect(await status(a)).toContain('Identified');
  });
});
