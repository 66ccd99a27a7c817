/**
 * `outcome_metrics`: once an incident is resolved, its time to acknowledge, time to recover and
 * RTO attainment per tier go to /metrics, drills and real incidents apart (label `mode`). A
 * durable step, so each resolution is counted once per cluster, not once per replica.
 */
import { z } from 'zod';
import { rtoAttainment } from '../../core/objectives.ts';
import { pirDurations } from '../../core/pir.ts';
import { severityLabel } from '../../core/severity.ts';
import type { StepPlan } from '../../core/steps.ts';
import { listSteps } from '../../store/sql/listSteps.ts';
import { listTimeline } from '../../store/sql/listTimeline.ts';
import { defineStep } from '../steps/define.ts';

export function outcomeMetricsStep(stepId: string, dueAt: Date): StepPlan {
  return outcomeMetricsKind.plan({ stepId, source: 'resolution', label: 'Record time to acknowledge / recover', dueAt, params: {} });
}

export const outcomeMetricsKind = defineStep({
  kind: 'outcome_metrics',
  readsOutcomes: true,
  params: z.object({}),
  reportFailure: false,
  run: async (ctx, _step, i) => {
    if (i.status !== 'resolved' || !i.resolvedAt) return { status: 'skipped', detail: 'not resolved' };
    const d = pirDurations(i, await listTimeline(ctx.db, i.id), await listSteps(ctx.db, i.id));
    const mode = i.mode;
    if (d.acknowledgeMs !== undefined) ctx.metrics.timeToAcknowledgeSeconds.observe({ mode, severity: severityLabel(i.severity) }, d.acknowledgeMs / 1000);
    const recoveredMs = d.mitigateMs ?? d.resolveMs!;
    const o = ctx.config.settings.objectives;
    const rows = o ? rtoAttainment(o, i.services, recoveredMs) : [];
    const tiers = new Map<string, boolean>();
    for (const r of rows) tiers.set(r.tier, (tiers.get(r.tier) ?? true) && r.met);
    if (!tiers.size) tiers.set('none', true);
    for (const [tier, met] of tiers) {
      ctx.metrics.timeToRecoverSeconds.observe({ mode, tier }, recoveredMs / 1000);
      if (o) ctx.metrics.rtoAttainment.inc({ mode, tier, outcome: met ? 'met' : 'missed' });
    }
    return { status: 'done', detail: `recovered in ${Math.round(recoveredMs / 1000)}s (${[...tiers].map(([t, m]) => `${t} ${m ? 'met' : 'missed'}`).join(', ')})` };
  },
});
