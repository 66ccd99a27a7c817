/**
 * The RTO clock of a real incident on the durable schedule: `rto_check` steps planted at declare
 * at 75 % (drbot.yml recovery_objectives.warn_at) and 100 % of the RTO. Each re-reads the
 * incident's services when it falls due: a different target (services changed) re-plants the
 * check at its new time instead of warning. At the breach the channel is told and the next
 * level of the escalation matrix is paged (a `page` step, as the chain pages).
 */
import { z } from 'zod';
import { formatDuration } from '../../core/duration.ts';
import { incidentRef, isOpen, type Incident } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import { rtoTarget, rtoWarnings, type RecoveryObjectives } from '../../core/objectives.ts';
import type { StepPlan } from '../../core/steps.ts';
import { listExternalRefs } from '../../store/sql/listExternalRefs.ts';
import { defineStep } from '../steps/define.ts';
import { pageKind } from '../steps/page.ts';

export const RTO_SOURCE = 'rto';

const pct = (f: number) => Math.round(f * 100);

function checkPlan(fraction: number, rtoMs: number, at: Date, now: Date): StepPlan {
  return rtoCheckKind.plan({
    stepId: `rto-${pct(fraction)}-${Math.round(rtoMs / 1000)}s`, source: RTO_SOURCE,
    label: fraction >= 1 ? `RTO ${formatDuration(rtoMs)} breached?` : `RTO ${pct(fraction)} % gone (${formatDuration(rtoMs)})?`,
    dueAt: at < now ? now : at, params: { fraction, rtoMs, plannedAt: at.toISOString() },
  });
}

/** The RTO checks of an incident (real incidents with recovery objectives only). */
export function rtoPlan(o: RecoveryObjectives | undefined, i: Pick<Incident, 'declaredAt' | 'services' | 'mode'>, now: Date): StepPlan[] {
  if (!o || i.mode !== 'real') return [];
  return rtoWarnings(o, i).map((w) => checkPlan(w.fraction, w.rtoMs, w.at, now));
}

export const rtoCheckKind = defineStep({
  kind: 'rto_check',
  params: z.object({ fraction: z.number().gt(0).max(1), rtoMs: z.number().int().positive() }),
  run: async (ctx, step, i) => {
    const o = ctx.config.settings.objectives;
    if (!o || !isOpen(i)) return { status: 'skipped', detail: 'the incident is closed or no recovery objectives are set' };
    const { fraction, rtoMs } = step.params;
    const t = rtoTarget(o, i.services);
    const now = ctx.clock.now();
    if (t.rtoMs !== rtoMs) {
      const at = new Date(i.declaredAt.getTime() + Math.round(t.rtoMs * fraction));
      return { status: 'done', detail: `the RTO is now ${formatDuration(t.rtoMs)} (services changed): check moved`, plant: [checkPlan(fraction, t.rtoMs, at, now)] };
    }
    const elapsed = now.getTime() - i.declaredAt.getTime();
    const basis = t.basis === 'tier' ? `${t.tier!.name} tier` : 'plan objective';
    if (fraction < 1) {
      if (i.channelId) {
        await ctx.chat.post(i.channelId, textMessage([{ bold: `⏱ ${pct(fraction)} % of the RTO gone for ${incidentRef(i.id)}` }, ` — ${formatDuration(elapsed)} of ${formatDuration(rtoMs)} (${basis}); ${formatDuration(Math.max(0, rtoMs - elapsed))} left.`]));
      }
      return { status: 'done', detail: `RTO warning posted (${pct(fraction)} %)` };
    }
    // Breached: the next escalation level after the highest one paged so far.
    const paged = (await listExternalRefs(ctx.db, i.id, 'pagerduty')).map((r) => Number(r.data.level) || 1);
    const top = paged.length ? Math.max(...paged) : 0;
    const next = ctx.config.contacts.escalation.filter((e) => e.level > top).sort((a, b) => a.level - b.level)[0];
    if (i.channelId) {
      await ctx.chat.post(i.channelId, textMessage([{ bold: `⏱ RTO breached for ${incidentRef(i.id)}` }, ` — ${formatDuration(elapsed)} since the declaration, the RTO is ${formatDuration(rtoMs)} (${basis}). ${next ? `Paging ${next.group} (escalation level ${next.level}).` : 'No further escalation level to page.'}`]));
    }
    const plant = next ? [pageKind.plan({ stepId: `rto-breach-page-${next.level}`, source: RTO_SOURCE, label: `PagerDuty → ${next.group} (RTO breached)`, dueAt: now, params: { to: next.group } })] : [];
    return { status: 'done', detail: `RTO breached${next ? `: paging ${next.group}` : ''}`, result: { escalatedTo: next?.group ?? null }, plant };
  },
});
