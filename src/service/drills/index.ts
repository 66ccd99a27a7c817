/**
 * `/dr drill` (list the scenarios), `/dr drill <name>` (start one: an incident in drill mode
 * running its severity's chain, marked DRILL everywhere), `/dr drill end` (in its channel; or
 * `/dr resolve`): ends it and writes the drill report. The Received button on a drill's posts.
 */
import { OPEN_ONLY_SOURCES } from '../../core/chain.ts';
import { USAGE, type Command } from '../../core/commands.ts';
import type { DrillScenario } from '../../core/drill.ts';
import { formatDuration } from '../../core/duration.ts';
import { DomainError } from '../../core/errors.ts';
import * as domain from '../../core/incident.ts';
import { incidentRef, type Incident } from '../../core/incident.ts';
import { textMessage, type Line } from '../../core/message.ts';
import { severityLabel } from '../../core/severity.ts';
import type { StepPlan } from '../../core/steps.ts';
import { formatTime } from '../../core/time.ts';
import type { ButtonInput, CommandInput, Reply } from '../../inbound.ts';
import { appendTimeline } from '../../store/sql/appendTimeline.ts';
import { claimRequestKey } from '../../store/sql/claimRequestKey.ts';
import { confirmStep } from '../../store/sql/confirmStep.ts';
import { getIncident } from '../../store/sql/getIncident.ts';
import { listSteps } from '../../store/sql/listSteps.ts';
import { listTimeline } from '../../store/sql/listTimeline.ts';
import type { Queryable } from '../../store/db.ts';
import { changeIncident } from '../change.ts';
import type { AppContext } from '../context.ts';
import { declareIncident } from '../declare.ts';
import { resolutionEmailKind } from '../steps/email.ts';
import { pageResolveKind } from '../steps/page.ts';
import { postStep } from '../steps/post.ts';
import { outcomeMetricsStep } from '../rto/metrics.ts';
import { drillReportStep } from './report.ts';

export { DRILL_SOURCE, drillPlanOnDeclare } from './injects.ts';

/** The scenario a drill incident was started from (kept in its `declared` timeline entry). */
export async function scenarioOf(ctx: Pick<AppContext, 'config'>, q: Queryable, incidentId: number): Promise<DrillScenario | undefined> {
  const declared = (await listTimeline(q, incidentId)).find((e) => e.type === 'declared');
  const name = declared?.data?.scenario;
  return typeof name === 'string' ? ctx.config.drills.find((d) => d.name === name) : undefined;
}

/** Steps planted when an incident is resolved: the drill report (drills), the outcome metrics (all). */
export function recoveryPlanOnResolve(i: Incident, now: Date): StepPlan[] {
  return [...(i.mode === 'drill' ? [drillReportStep(`drill-report-v${i.version}`, now)] : []), outcomeMetricsStep(`outcome-metrics-v${i.version}`, now)];
}

function listReply(ctx: AppContext): Reply {
  const { drills } = ctx.config;
  if (!drills.length) return { message: textMessage(['No drill scenarios: add files to drills/ in the config folder (see README "Drills and recovery objectives").']) };
  return {
    message: textMessage(
      [{ bold: `${drills.length} drill scenario${drills.length > 1 ? 's' : ''}` }, ' — start one with ', { code: '/dr drill <name>' }, ':'],
      ...drills.map((d): Line => [{ code: d.name }, ` · ${d.kind} · ${severityLabel(d.severity)} chain · ${d.description}`]),
    ),
  };
}

export async function drillCommand(ctx: AppContext, input: CommandInput, cmd: Extract<Command, { verb: 'drill' }>): Promise<Reply> {
  switch (cmd.sub) {
    case 'list':
      return listReply(ctx);
    case 'start': {
      const s = ctx.config.drills.find((d) => d.name === cmd.name);
      if (!s) {
        const known = ctx.config.drills.map((d) => d.name).join(', ') || 'none (add files to drills/)';
        throw new DomainError('NOT_FOUND', `There is no drill \`${cmd.name.slice(0, 40)}\`. Drills: ${known}. Nothing was started.`, USAGE.drill);
      }
      return declareIncident(ctx, { requestKey: input.requestKey, userId: input.userId, title: s.title, severity: s.severity, services: s.services, mode: 'drill', scenario: s });
    }
    case 'end':
      return endDrill(ctx, input, cmd);
  }
}

async function endDrill(ctx: AppContext, input: CommandInput, cmd: Extract<Command, { verb: 'drill'; sub: 'end' }>): Promise<Reply> {
  const now = ctx.clock.now();
  const who = input.userId;
  const { settings } = ctx.config;
  const { reply } = await changeIncident(ctx, { requestKey: input.requestKey, userId: who, ref: cmd.ref, channelId: input.channelId, usage: USAGE.drill }, (i) => {
    if (i.mode !== 'drill') throw new DomainError('NOT_ALLOWED', `${incidentRef(i.id)} is not a drill: end it with \`/dr resolve\`.`, USAGE.drill);
    const summary = cmd.summary ?? 'Drill ended';
    const change = domain.resolve(i, { summary, by: who, at: now }, settings, ctx.config.groups);
    const measured = [cmd.rpoMs !== undefined ? `data loss (RPO) ${formatDuration(cmd.rpoMs)}` : '', cmd.health ? `health checks ${cmd.health}` : ''].filter(Boolean);
    if (measured.length) {
      change.events.unshift({ type: 'note', at: now, actor: who, text: `Drill measurements: ${measured.join(', ')}`, data: { kind: 'drill', event: 'measured', rpoMs: cmd.rpoMs ?? null, health: cmd.health ?? null } });
    }
    const v = change.incident.version;
    const text: Line = [{ bold: `Drill ${incidentRef(i.id)} ended` }, ' by ', { user: who }, `: ${summary}. The drill report is being written.`];
    return {
      change,
      cancel: { sources: OPEN_ONLY_SOURCES },
      plant: [
        postStep(`resolved-${v}`, 'Post the end of the drill', 'incident', textMessage(text), now),
        postStep(`resolved-announce-${v}`, 'Announce the end of the drill', 'announcements', textMessage([...text, ` (${i.title})`]), now),
        pageResolveKind.plan({ stepId: `page-resolve-${v}`, source: 'resolution', label: 'Resolve the PagerDuty incidents', dueAt: now, params: {} }),
        resolutionEmailKind.plan({ stepId: `email-resolution-${v}`, source: 'resolution', label: 'Resolution email', dueAt: now, params: {} }),
        ...recoveryPlanOnResolve(change.incident, now),
      ],
      reply: { message: textMessage([`Drill ${incidentRef(i.id)} ended. The report follows in its channel.`]) },
    };
  });
  return reply;
}

/** `drill.received`: someone got a drill's post; the first press confirms its step. */
export async function drillButton(ctx: AppContext, a: ButtonInput): Promise<Reply> {
  if (a.action !== 'drill.received') return { refused: true, message: textMessage([`drbot does not know the button "${a.action.slice(0, 60)}".`]) };
  const m = /^(\d{1,9}):([a-z0-9][a-z0-9-]{0,62})$/.exec(a.value);
  if (!m) return { refused: true, message: textMessage(['That button is broken (no drill step).']) };
  const [id, stepId] = [Number(m[1]), m[2]];
  const now = ctx.clock.now();
  const { settings } = ctx.config;
  const when = (d: Date) => formatTime(d, settings.timeZone, settings.timeZoneLabel);
  return ctx.db.transaction(async (tx) => {
    const i = await getIncident(tx, id);
    if (!i || i.mode !== 'drill') return { refused: true, message: textMessage(['That button belongs to no drill.']) };
    const step = (await listSteps(tx, id)).find((s) => s.stepId === stepId);
    if (!step) return { refused: true, message: textMessage([`${incidentRef(id)} has no step ${stepId}.`]) };
    if (!(await claimRequestKey(tx, a.requestKey, now, id)) || step.confirmedAt) {
      const at = step.confirmedAt ?? now;
      return { message: textMessage([`Already recorded: "${step.label}" was received at ${when(at)}.`]) };
    }
    await confirmStep(tx, id, stepId, now);
    const after = step.sentAt ? ` (${formatDuration(now.getTime() - step.sentAt.getTime())} after it was sent)` : '';
    await appendTimeline(tx, id, [{ type: 'note', at: now, actor: a.userId, text: `Received: ${step.label}${after}`, data: { kind: 'drill', event: 'received', stepId } }]);
    return { message: textMessage([`Recorded: "${step.label}" received at ${when(now)}${after}.`]) };
  });
}
