import { afterEach, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { testApp } from '../helpers/app.ts';

const min = 60_000;
const T0 = new Date('2026-11-24T09:00:00Z').getTime();

describe('the RTO clock of a real incident (manual clock)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  afterEach(async () => t.close());
  const at = async (m: number) => {
    t.clock.set(new Date(T0 + m * min));
    await t.drain();
  };

  it('shows the target on the card, warns at 75 %, and at the breach warns and pages the next escalation level', async () => {
    t = await testApp();
    const paged: string[] = [];
    Object.assign(t.app.ctx.pager, {
      trigger: async (p: { dedupKey: string; summary: string }) => { paged.push(`${p.dedupKey} ${p.summary}`); return { dedupKey: p.dedupKey }; },
      acknowledgement: async () => ({ acknowledged: true, by: 'Ada Okafor', at: new Date(T0 + min) }),
    });
    // The declare form's services: detection-engine is Tier 1 (RTO 1h).
    await t.app.handlers.form({ requestKey: 'f1', userId: 'U0ONCALL01', callbackId: 'declare', privateMetadata: '{}', values: { severity: '2', title: 'Detection degraded', services: 'detection-engine, dashboard' } });
    await at(0);
    const channel = (await getIncident(t.db, 1))!.channelId!;
    expect(t.chat.texts(undefined, channel).at(-1)).toContain('RTO: 1h (Critical tier: detection-engine) — 1h left (until 2026-11-24 11:00 WAT)');
    await at(44);
    expect(t.chat.texts('post', channel).filter((p) => p.startsWith('⏱'))).toEqual([]);
    await at(45);
    expect(t.chat.texts('post', channel).filter((p) => p.includes('75 % of the RTO gone'))).toEqual(['⏱ 75 % of the RTO gone for INC-1 — 45m of 1h (Critical tier); 15m left.']);
    await at(61);
    const breach = t.chat.texts('post', channel).find((p) => p.includes('RTO breached'));
    expect(breach).toContain('⏱ RTO breached for INC-1 — 1h1m since the declaration, the RTO is 1h (Critical tier). Paging engineering-lead (escalation level 2).');
    expect(paged).toContain('drbot-INC-1-L2 [SEV-2] INC-1: Detection degraded');
    expect(t.chat.texts('update', channel).at(-1)).toContain('— BREACHED 1m ago');
    await t.dr('resolve INC-1 Abuja took over', 'U0ONCALL01', channel);
    await at(62);
    const metrics = (await listSteps(t.db, 1)).find((s) => s.kind === 'outcome_metrics');
    expect(metrics?.status).toBe('done');
    expect(metrics?.result?.detail).toBe('recovered in 3660s (tier1 missed, tier2 met)');
  });

  it('a resolution before 75 % cancels the checks', async () => {
    t = await testApp();
    await t.dr('declare sev3 Reports slow', 'U0ONCALL01');
    await at(10);
    await t.dr('resolve INC-1 fixed', 'U0ONCALL01');
    await at(300);
    const rto = (await listSteps(t.db, 1)).filter((s) => s.source === 'rto');
    expect(rto.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    expect(rto.map((s) => s.stepId)).toEqual(['rto-75-3600s', 'rto-100-3600s']);
  });
});
