import type { DrillScenario } from '../../core/drill.ts';
import { formatDuration } from '../../core/duration.ts';
import { textMessage } from '../../core/message.ts';
import type { StepPlan } from '../../core/steps.ts';
import { postKind } from '../steps/post.ts';

export const DRILL_SOURCE = 'drill';

/** Steps a drill starts with besides the chain: its tabletop injects, posted in the drill channel. */
export function drillPlanOnDeclare(s: DrillScenario, declaredAt: Date, now: Date): StepPlan[] {
  return s.injects.map((x, n) => {
    const due = new Date(declaredAt.getTime() + x.atMs);
    return postKind.plan({
      stepId: `inject-${n + 1}`, source: DRILL_SOURCE, label: `Inject ${n + 1} (T+${formatDuration(x.atMs)})`, dueAt: due < now ? now : due,
      params: { to: 'incident', message: textMessage([{ bold: `Inject ${n + 1} (T+${formatDuration(x.atMs)}): ` }, x.text]), plannedAt: due.toISOString() },
    });
  });
}
