/**
 * Recovery commands in a drill never touch production. A runbook the scenario gives drill
 * targets for runs for real against those targets only (typed values that differ are refused);
 * any other runbook is rehearsed: the full approval flow, then each action only says what it
 * would have done. A drill's runs neither need the health-check quorum nor count towards a
 * real incident's cooldown.
 */
import { isDrillRecord } from '../../core/drill.ts';
import { incidentRef, type Incident } from '../../core/incident.ts';
import { describeAction, planRun, PHASES, RunRefused, type Action, type Runbook } from '../../core/runbook.ts';
import type { AppContext } from '../context.ts';
import { scenarioOf } from './index.ts';

export interface DrillRun {
  params: Record<string, string>;
  /** No drill target: approvals as usual, nothing executed. */
  rehearsal: boolean;
}

export async function drillRun(ctx: AppContext, i: Incident, rb: Runbook, typed: Record<string, string>, usage?: string): Promise<DrillRun> {
  const scenario = await scenarioOf(ctx, ctx.db, i.id);
  const targets = scenario?.runbooks.find((r) => r.name === rb.name)?.params;
  if (!targets) return { params: typed, rehearsal: true };
  const differing = Object.entries(typed).filter(([k, v]) => k in targets && targets[k] !== v);
  if (differing.length) {
    const want = Object.entries(targets).map(([k, v]) => `${k}=${v}`).join(' ');
    throw new RunRefused('NOT_ALLOWED', `${incidentRef(i.id)} is a drill: ${rb.name} runs only against its drill targets (${want}), not ${differing.map(([k, v]) => `${k}=${v}`).join(' ')}. Nothing was run.`, usage);
  }
  const params = { ...typed, ...targets };
  // The loader already refused production records; checked again here, where it matters.
  const plan = planRun(rb, { ...Object.fromEntries(rb.parameters.map((p) => [p.name, p.default ?? ''])), ...params });
  const prod = PHASES.flatMap((p) => plan[p]).filter((a: Action) => a.kind === 'route53' && !isDrillRecord(a.name));
  if (prod.length) return { params, rehearsal: true };
  return { params, rehearsal: false };
}

/** What a rehearsed action says instead of running. */
export function rehearsedDetail(a: Action): string {
  return `drill rehearsal, not run: would have ${describeAction(a).replace(/^./, (c) => c.toLowerCase())}`;
}
