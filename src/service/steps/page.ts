import { z } from 'zod';
import { formatDuration } from '../../core/duration.ts';
import { incidentRef, isOpen, type Incident } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import { severityLabel, type Severity } from '../../core/severity.ts';
import type { StepOutcome, StepPlan } from '../../core/steps.ts';
import type { PageRequest } from '../../ports.ts';
import { confirmStep } from '../../store/sql/confirmStep.ts';
import { listExternalRefs } from '../../store/sql/listExternalRefs.ts';
import { saveExternalRef } from '../../store/sql/saveExternalRef.ts';
import type { AppContext } from '../context.ts';
import { defineStep } from './define.ts';

/** PagerDuty's severity vocabulary for drbot's severities. */
export const PAGE_SEVERITY: Record<Severity, PageRequest['severity']> = { 1: 'critical', 2: 'error', 3: 'warning', 4: 'info' };

/** One dedup key per incident and escalation level: a repeated page collapses into the same PagerDuty incident. */
export function dedupKey(i: { id: number }, level: number): string {
  return `drbot-${incidentRef(i.id)}${level > 1 ? `-L${level}` : ''}`;
}

function levelOf(ctx: AppContext, group: string): number {
  return ctx.config.contacts.escalation.find((e) => e.group === group)?.level ?? 1;
}

async function page(ctx: AppContext, i: Incident, group: string, level: number): Promise<{ key: string; check: (pageStep?: string) => StepPlan }> {
  const key = dedupKey(i, level);
  await ctx.pager.trigger({
    dedupKey: key,
    summary: `[${severityLabel(i.severity)}] ${incidentRef(i.id)}: ${i.title}`.slice(0, 1024),
    severity: PAGE_SEVERITY[i.severity],
    source: 'drbot',
    routingKey: ctx.config.contacts.groups[group]?.pagerduty_routing_key,
    customDetails: { incident: incidentRef(i.id), severity: severityLabel(i.severity), commander: ctx.name(i.commander), impact: i.impact, channel: i.channelName, escalation_level: level, group },
  });
  await saveExternalRef(ctx.db, i.id, { kind: 'pagerduty', key, ref: key, url: null, data: { group, level } }, ctx.clock.now());
  const sla = ctx.config.settings.severities[i.severity].responseSlaMs;
  const check = (pageStep?: string) => ackCheckKind.plan({
    stepId: `ack-check-${key}`, source: 'escalation', label: `Acknowledged within ${formatDuration(sla)}? (${group})`,
    dueAt: new Date(ctx.clock.now().getTime() + sla), params: { dedupKey: key, group, level, pageStep },
  });
  return { key, check };
}

/** `page`: trigger PagerDuty for the step's group and plan the acknowledgement check. */
export const pageKind = defineStep({
  kind: 'page',
  params: z.object({ to: z.string() }),
  run: async (ctx, step, i) => {
    const group = step.params.to;
    const level = levelOf(ctx, group);
    const { key, check } = await page(ctx, i, group, level);
    return { status: 'done', detail: `paged ${group} (dedup ${key})`, result: { dedupKey: key, group, level, pageStep: step.stepId }, plant: [check(step.stepId)] };
  },
});

/**
 * `ack_check`: the response SLA ran out. Acknowledged → the page is confirmed; otherwise the
 * next level of the escalation matrix is paged, and after the last level the channel is told.
 */
export const ackCheckKind = defineStep({
  kind: 'ack_check',
  params: z.object({ dedupKey: z.string(), group: z.string(), level: z.number().int(), pageStep: z.string().optional() }),
  run: async (ctx, step, i) => {
    const { dedupKey: key, group, level, pageStep } = step.params;
    if (!isOpen(i)) return { status: 'skipped', detail: 'the incident is closed' };
    const ack = await ctx.pager.acknowledgement(key);
    if (ack?.acknowledged) {
      if (pageStep) await confirmStep(ctx.db, i.id, pageStep, ack.at ?? ctx.clock.now());
      return { status: 'done', detail: `acknowledged${ack.by ? ` by ${ack.by}` : ''}`, result: { acknowledged: true, by: ack.by ?? null } };
    }
    const next = ctx.config.contacts.escalation.filter((e) => e.level > level).sort((a, b) => a.level - b.level)[0];
    if (!next) {
      if (i.channelId) await ctx.chat.post(i.channelId, textMessage([{ bold: `No acknowledgement from ${group}` }, ' and no further escalation level: page someone by hand.']));
      return { status: 'done', detail: `not acknowledged by ${group}; no further escalation level`, result: { acknowledged: false } };
    }
    const paged = await page(ctx, i, next.group, next.level);
    if (i.channelId) await ctx.chat.post(i.channelId, textMessage([{ bold: `Escalated to ${next.group}` }, ` — ${group} did not acknowledge within the ${severityLabel(i.severity)} response time.`]));
    return { status: 'done', detail: `not acknowledged by ${group}: escalated to ${next.group}`, result: { acknowledged: false, escalatedTo: next.group }, plant: [paged.check()] };
  },
});

/** Every PagerDuty incident drbot opened for this incident, each told one thing (resolve or acknowledge). */
async function onEveryPage(ctx: AppContext, i: Incident, verb: 'resolved' | 'acknowledged', act: (key: string, routingKey?: string) => Promise<void>): Promise<StepOutcome> {
  const refs = await listExternalRefs(ctx.db, i.id, 'pagerduty');
  if (!refs.length) return { status: 'skipped', detail: 'nothing was paged' };
  for (const r of refs) await act(r.key, ctx.config.contacts.groups[String(r.data.group)]?.pagerduty_routing_key);
  return { status: 'done', detail: `${verb} ${refs.map((r) => r.key).join(', ')}` };
}

/** `page_resolve`: resolve every PagerDuty incident drbot opened for this incident. */
export const pageResolveKind = defineStep({
  kind: 'page_resolve',
  params: z.object({}),
  run: (ctx, _step, i) => onEveryPage(ctx, i, 'resolved', (key, rk) => ctx.pager.resolve(key, rk)),
});

/** `page_ack`: the team is on it (status identified/monitoring): acknowledge the PagerDuty incidents so they stop re-notifying. */
export const pageAckKind = defineStep({
  kind: 'page_ack',
  params: z.object({}),
  run: (ctx, _step, i) => onEveryPage(ctx, i, 'acknowledged', (key, rk) => ctx.pager.acknowledge(key, rk)),
});
