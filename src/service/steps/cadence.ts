import { z } from 'zod';
import { formatDuration } from '../../core/duration.ts';
import { incidentRef, isOpen } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import type { StepPlan } from '../../core/steps.ts';
import type { Severity } from '../../core/severity.ts';
import type { Settings } from '../../core/settings.ts';
import { defineStep } from './define.ts';

export const CADENCE_SOURCE = 'cadence';

/** The next "update due" check for an incident, `n` counting checks since declare. */
export function cadenceStep(n: number, dueAt: Date): StepPlan {
  return updateDueKind.plan({ stepId: `update-due-${n}`, source: CADENCE_SOURCE, label: 'Update due', dueAt, params: { n } });
}

/**
 * `update_due`: the severity's update cadence (SEV-1 every 30m …). No `/dr update` since the
 * last one within the cadence → remind the commander; the card shows "update overdue". Either
 * way the next check is planned from the last update.
 */
export const updateDueKind = defineStep({
  kind: 'update_due',
  params: z.object({ n: z.number().int().positive().default(1) }),
  run: async (ctx, step, i) => {
    const cadence = ctx.config.settings.severities[i.severity].updateCadenceMs;
    if (!isOpen(i) || cadence === undefined) return { status: 'skipped', detail: 'no update cadence now' };
    const now = ctx.clock.now();
    const due = new Date(i.lastUpdateAt.getTime() + cadence);
    const n = step.params.n + 1;
    if (due > now) return { status: 'done', detail: 'an update came in time', plant: [cadenceStep(n, due)] };
    if (i.channelId) {
      await ctx.chat.post(i.channelId, textMessage(
        [{ user: i.commander }, { bold: ` update overdue for ${incidentRef(i.id)}` }, ` — the last one was ${formatDuration(now.getTime() - i.lastUpdateAt.getTime())} ago (cadence ${formatDuration(cadence)}). Post one with \`/dr update\`.`],
      ));
    }
    return { status: 'done', detail: 'update overdue: commander reminded', plant: [cadenceStep(n, new Date(now.getTime() + cadence))] };
  },
});

/** The first "update due" check after `from`, when the severity has an update cadence. */
export function cadencePlan(settings: Settings, severity: Severity, from: Date, n: number | string = 1): StepPlan[] {
  const cadence = settings.severities[severity].updateCadenceMs;
  if (cadence === undefined) return [];
  return [{ ...cadenceStep(1, new Date(from.getTime() + cadence)), stepId: `update-due-${n}` }];
}
