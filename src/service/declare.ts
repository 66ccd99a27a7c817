import { planDeclare } from '../core/chain.ts';
import { checkTitle } from '../core/commands.ts';
import { formatDuration } from '../core/duration.ts';
import { declare, incidentRef } from '../core/incident.ts';
import type { Message } from '../core/message.ts';
import { textMessage } from '../core/message.ts';
import { severityLabel, type Severity } from '../core/severity.ts';
import { appendTimeline } from '../store/sql/appendTimeline.ts';
import { claimRequestKey, getRequestReply, saveRequestReply } from '../store/sql/claimRequestKey.ts';
import { insertIncident } from '../store/sql/insertIncident.ts';
import { findRecentOpenByTitle } from '../store/sql/listIncidents.ts';
import { plantSteps } from '../store/sql/plantSteps.ts';
import type { AppContext } from './context.ts';
import type { Reply } from './io.ts';
import { cadencePlan } from './steps/cadence.ts';
import { statusPageStep } from './steps/statusPage.ts';

export interface DeclareRequest {
  requestKey: string;
  userId: string;
  title: string;
  severity: Severity;
  impact?: string;
  complianceImpact?: boolean;
  services?: string[];
  private?: boolean;
  mode?: 'real' | 'drill';
}

export const OPEN_CHANNEL_STEP = 'open-channel';

/**
 * Declares an incident: the incident, its timeline entry, the request key and every step it
 * starts (open the channel, the severity's chain) are written in one transaction. Slack calls
 * happen after, as steps, so a crash never loses one and a retry never declares twice.
 */
export async function declareIncident(ctx: AppContext, r: DeclareRequest): Promise<Reply> {
  const title = checkTitle(r.title);
  const now = ctx.clock.now();
  const outcome = await ctx.db.transaction(async (tx) => {
    if (!(await claimRequestKey(tx, r.requestKey, now))) {
      const earlier = await getRequestReply(tx, r.requestKey);
      return { reply: (earlier?.reply as Reply | null) ?? { message: textMessage(['Already declared (this request was received twice).']) }, declared: undefined };
    }
    const same = await findRecentOpenByTitle(tx, title, new Date(now.getTime() - ctx.config.settings.duplicateWindowMs));
    if (same) {
      const reply: Reply = {
        message: textMessage([
          `${incidentRef(same.id)} "${same.title}" was declared ${formatDuration(now.getTime() - same.declaredAt.getTime())} ago and is still open`,
          ...(same.channelId ? [' in ', { channel: same.channelId }] : []),
          '. Not declaring it again; use `/dr update` there, or change the title if this is a different incident.',
        ]),
      };
      await saveRequestReply(tx, r.requestKey, reply, same.id);
      return { reply, declared: undefined };
    }
    const { incident, event } = declare({ ...r, title, at: now, by: r.userId });
    const stored = await insertIncident(tx, incident);
    await appendTimeline(tx, stored.id, [event]);
    await plantSteps(tx, stored.id, [
      { stepId: OPEN_CHANNEL_STEP, kind: 'open-channel', source: 'system', label: 'Open the incident channel', dueAt: now, params: {} },
      ...planDeclare(stored, ctx.config.chains, now),
      ...cadencePlan(ctx.config.settings, stored.severity, now),
      ...(ctx.config.settings.statusPage.onDeclare.includes(stored.severity) ? [statusPageStep('statuspage-declare', now)] : []),
    ]);
    const reply: Reply = { message: declaredMessage(stored.id, stored.severity, ctx.config.settings.severities[stored.severity].name, title), declaredIncident: stored.id };
    await saveRequestReply(tx, r.requestKey, reply, stored.id);
    return { reply, declared: stored };
  });
  if (outcome.declared) {
    ctx.metrics.incidentsDeclared.inc({ severity: severityLabel(outcome.declared.severity) });
    ctx.log.info({ incident: outcome.declared.id, severity: outcome.declared.severity, by: r.userId }, 'incident declared');
    ctx.wake();
  }
  return outcome.reply;
}

function declaredMessage(id: number, severity: Severity, name: string, title: string): Message {
  return textMessage([
    { bold: `${incidentRef(id)} declared` }, ` — ${severityLabel(severity)} ${name}: ${title}. `,
    'Opening the incident channel and posting the card now.',
  ]);
}
