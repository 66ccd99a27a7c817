import { incidentCard } from '../core/card.ts';
import { OPEN_ONLY_SOURCES, planSeverityChange } from '../core/chain.ts';
import { helpText, parseCommand, USAGE, type Command } from '../core/commands.ts';
import * as domain from '../core/incident.ts';
import { incidentRef } from '../core/incident.ts';
import { textMessage, type Line, type Message } from '../core/message.ts';
import { severityLabel } from '../core/severity.ts';
import { formatTime } from '../core/time.ts';
import { listOpenIncidents } from '../store/sql/listOpenIncidents.ts';
import { listSteps } from '../store/sql/listSteps.ts';
import { changeIncident } from './change.ts';
import type { AppContext } from './context.ts';
import { declareIncident } from './declare.ts';
import { declareForm } from './forms.ts';
import type { CommandInput, Reply } from '../inbound.ts';
import { postStep } from './steps/post.ts';
import { findTarget } from './target.ts';
import { refusal } from './replies.ts';
import { runbookCommand } from './runbooks/index.ts';
import { pirCommand, pirPlanOnResolve } from './pir/index.ts';
import { cadencePlan } from './steps/cadence.ts';
import { statusPageStep } from './steps/statusPage.ts';
import { pageAckKind, pageKind, pageResolveKind } from './steps/page.ts';
import { resolutionEmailKind } from './steps/email.ts';
import type { StepPlan } from '../core/steps.ts';
import { drillCommand, recoveryPlanOnResolve } from './drills/index.ts';
import { labelled } from './simulation.ts';

/** `/dr …` from any transport. Never throws for bad input: a refusal is a reply. */
export async function handleCommand(ctx: AppContext, input: CommandInput): Promise<Reply> {
  try {
    return await runCommand(ctx, input, parseCommand(input.text));
  } catch (e) {
    return refusal(e);
  }
}

/** A command built by a form or a button rather than typed. */
export async function runCommandSafely(ctx: AppContext, input: CommandInput, cmd: Command): Promise<Reply> {
  try {
    return await runCommand(ctx, input, cmd);
  } catch (e) {
    return refusal(e);
  }
}

async function runCommand(ctx: AppContext, input: CommandInput, cmd: Command): Promise<Reply> {
  const now = ctx.clock.now();
  const { settings } = ctx.config;
  const req = { requestKey: input.requestKey, userId: input.userId, channelId: input.channelId, usage: USAGE[cmd.verb] };
  const when = (d: Date) => formatTime(d, settings.timeZone, settings.timeZoneLabel);
  const who = input.userId;

  switch (cmd.verb) {
    case 'help':
      return { message: textMessage([{ code: helpText() }]) };

    case 'list': {
      const open = await listOpenIncidents(ctx.db);
      if (!open.length) return { message: textMessage(['No open incidents.']) };
      return {
        message: textMessage(
          [{ bold: `${open.length} open incident${open.length > 1 ? 's' : ''}` }],
          ...open.map((i): Line => [
            // A private incident's title stays in its channel: the list says who leads it.
            `${incidentRef(i.id)} · ${severityLabel(i.severity)} · ${i.status} · ${i.private ? `private incident led by ${ctx.name(i.commander)}` : i.title} · since ${when(i.declaredAt)}`,
            ...(i.channelId && !i.private ? [' · ', { channel: i.channelId }] : []),
          ]),
        ),
      };
    }

    case 'declare':
      if (!cmd.severity || !cmd.title) {
        if (!input.triggerId) return { refused: true, message: textMessage(['Give a severity and a title.'], ['Usage: ', { code: USAGE.declare }]) };
        return { form: declareForm(cmd.private) };
      }
      return declareIncident(ctx, { requestKey: input.requestKey, userId: who, title: cmd.title, severity: cmd.severity, private: cmd.private });

    case 'status': {
      // The incident and its steps from memory while that is safe (incidentCache.ts), else one
      // round trip; findTarget words the "not found" answer.
      const found = cmd.ref !== undefined ? await ctx.incidentReads.get({ id: cmd.ref })
        : input.channelId ? await ctx.incidentReads.get({ channelId: input.channelId }) : undefined;
      if (found) return { message: incidentCard(found.incident, settings, now, found.steps) };
      const i = await findTarget(ctx.db, cmd.ref, input.channelId, req.usage);
      return { message: incidentCard(i, settings, now, await listSteps(ctx.db, i.id)) };
    }

    case 'update': {
      const { reply } = await changeIncident(ctx, { ...req, ref: cmd.ref }, (i) => {
        const change = domain.update(i, { text: cmd.text, status: cmd.status, public: cmd.public, by: who, at: now });
        const head = `Update${cmd.status ? ` (${cmd.status})` : ''} from `;
        const v = change.incident.version;
        const plant: StepPlan[] = [postStep(`update-${v}`, 'Post the update', 'incident', note([head, { user: who }, ': ', cmd.text]), now)];
        // A public update goes to the status page; a status change updates it if it is already public.
        if (cmd.public) plant.push(statusPageStep(`statuspage-update-${v}`, now, { text: cmd.text }));
        else if (cmd.status && cmd.status !== i.status) plant.push(statusPageStep(`statuspage-status-${v}`, now, { onlyIfExists: true }));
        // Someone is on it: PagerDuty stops re-notifying (its escalation is drbot's to drive now).
        if (cmd.status && cmd.status !== 'investigating' && i.status === 'investigating') {
          plant.push(pageAckKind.plan({ stepId: `page-ack-${v}`, source: 'system', label: 'Acknowledge the PagerDuty incidents', dueAt: now, params: {} }));
        }
        return {
          change,
          plant,
          reply: { message: textMessage([labelled(cmd.public ? ctx.statusPage : {}, `Update posted to ${incidentRef(i.id)}${cmd.public ? ' and sent to the status page' : ''}.`)]) },
        };
      });
      return reply;
    }

    case 'sev': {
      const { reply } = await changeIncident(ctx, { ...req, ref: cmd.ref }, async (i, tx) => {
        const change = domain.changeSeverity(i, { severity: cmd.severity, reason: cmd.reason, by: who, at: now }, settings, ctx.config.groups);
        const replan = planSeverityChange(i, cmd.severity, ctx.config.chains, await listSteps(tx, i.id), now);
        const text = `Severity ${severityLabel(i.severity)} → ${severityLabel(cmd.severity)} by `;
        return {
          change,
          plant: [...replan.add, postStep(`sev-${change.incident.version}`, 'Post the severity change', 'incident', note([text, { user: who }, `: ${cmd.reason}`]), now)],
          cancel: { stepIds: replan.cancel },
          reply: { message: textMessage([`${incidentRef(i.id)} is now ${severityLabel(cmd.severity)}. ${replan.add.length} chain step(s) added, ${replan.cancel.length} cancelled.`]) },
        };
      });
      return reply;
    }

    case 'assign': {
      const { reply } = await changeIncident(ctx, { ...req, ref: cmd.ref }, (i) => {
        const change = domain.assign(i, { user: cmd.user, role: cmd.role, by: who, at: now });
        return {
          change,
          plant: [postStep(`assign-${change.incident.version}`, 'Post the assignment', 'incident', note([{ user: cmd.user }, ` is now ${cmd.role} (assigned by `, { user: who }, ').']), now)],
          reply: { message: textMessage([{ user: cmd.user }, ` is ${cmd.role} of ${incidentRef(i.id)}.`]) },
        };
      });
      return reply;
    }

    case 'resolve': {
      const { reply } = await changeIncident(ctx, { ...req, ref: cmd.ref }, (i) => {
        const change = domain.resolve(i, { summary: cmd.summary, by: who, at: now }, settings, ctx.config.groups);
        const v = change.incident.version;
        const text: Line = [{ bold: `${incidentRef(i.id)} resolved` }, ' by ', { user: who }, `: ${cmd.summary}`];
        return {
          change,
          cancel: { sources: OPEN_ONLY_SOURCES },
          plant: [
            postStep(`resolved-${v}`, 'Post the resolution', 'incident', note(text), now),
            // A private incident was never announced, so its end is not either.
            ...(i.private ? [] : [postStep(`resolved-announce-${v}`, 'Announce the resolution', 'announcements', note([...text, ` (${i.title})`]), now)]),
            pageResolveStep(v, now),
            resolutionEmailKind.plan({ stepId: `email-resolution-${v}`, source: 'resolution', label: 'Resolution email', dueAt: now, params: {} }),
            statusPageStep(`statuspage-resolved-${v}`, now, { text: cmd.summary, onlyIfExists: true }),
            ...pirPlanOnResolve(change.incident, now),
            ...recoveryPlanOnResolve(change.incident, now),
          ],
          reply: { message: textMessage([`${incidentRef(i.id)} resolved. Pending notifications cancelled.`]) },
        };
      });
      return reply;
    }

    case 'cancel': {
      const { reply } = await changeIncident(ctx, { ...req, ref: cmd.ref }, (i) => {
        const change = domain.cancel(i, { reason: cmd.reason, by: who, at: now }, settings, ctx.config.groups);
        const v = change.incident.version;
        const text: Line = [{ bold: `${incidentRef(i.id)} cancelled (false alarm)` }, ' by ', { user: who }, `: ${cmd.reason}`];
        // A false alarm: pages are resolved, but no resolution mail, no new public post, no PIR.
        return {
          change,
          cancel: { sources: OPEN_ONLY_SOURCES },
          plant: [
            postStep(`cancelled-${v}`, 'Post the cancellation', 'incident', note(text), now),
            ...(i.private ? [] : [postStep(`cancelled-announce-${v}`, 'Announce the cancellation', 'announcements', note([...text, ` (${i.title})`]), now)]),
            pageResolveStep(v, now),
            statusPageStep(`statuspage-cancelled-${v}`, now, { onlyIfExists: true }),
          ],
          reply: { message: textMessage([`${incidentRef(i.id)} cancelled as a false alarm.`]) },
        };
      });
      return reply;
    }

    case 'run':
      return runbookCommand(ctx, input, cmd);

    case 'drill':
      return drillCommand(ctx, input, cmd);

    case 'action':
    case 'actions':
    case 'pir':
      return pirCommand(ctx, input, cmd);

    case 'reopen': {
      const { reply } = await changeIncident(ctx, { ...req, ref: cmd.ref }, (i) => {
        const change = domain.reopen(i, { by: who, at: now, reason: cmd.reason });
        const v = change.incident.version;
        // Whoever the chain pages first is paged again (the resolved PagerDuty incident opens anew).
        const firstPage = ctx.config.chains[i.severity].find((s) => s.kind === pageKind.kind);
        const repage = firstPage ? [pageKind.plan({ stepId: `page-reopened-${v}`, source: 'chain', label: `${firstPage.label} (reopened)`, dueAt: now, params: { to: String(firstPage.params.to) } })] : [];
        return {
          change,
          plant: [
            postStep(`reopened-${v}`, 'Post the reopening', 'incident', note([{ bold: `${incidentRef(i.id)} reopened` }, ' by ', { user: who }, cmd.reason ? `: ${cmd.reason}` : '.']), now),
            ...repage,
            ...cadencePlan(settings, change.incident.severity, now, `r${v}`),
          ],
          reply: { message: textMessage([`${incidentRef(i.id)} reopened: ${firstPage ? `${firstPage.label.replace(/^PagerDuty → /, '')} paged again, ` : ''}update reminders restarted.`]) },
        };
      });
      return reply;
    }
  }
}

function pageResolveStep(version: number, now: Date): StepPlan {
  return pageResolveKind.plan({ stepId: `page-resolve-${version}`, source: 'resolution', label: 'Resolve the PagerDuty incidents', dueAt: now, params: {} });
}

function note(line: Line): Message {
  return textMessage(line);
}
