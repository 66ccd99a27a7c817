import { planDeclare } from '../core/chain.ts';
import { checkTitle } from '../core/commands.ts';
import { formatDuration } from '../core/duration.ts';
import { declare, incidentRef } from '../core/incident.ts';
import type { Message } from '../core/message.ts';
import { textMessage } from '../core/message.ts';
import { severityLabel, type Severity } from '../core/severity.ts';
import { getIncident } from '../store/sql/getIncident.ts';
import type { StoredIncident } from '../store/rows.ts';
import type { AppContext } from './context.ts';
import type { Reply } from '../inbound.ts';
import { cadencePlan } from './steps/cadence.ts';
import { openChannelKind } from './steps/openChannel.ts';
import { statusPageStep } from './steps/statusPage.ts';
import type { DrillScenario } from '../core/drill.ts';
import { drillPlanOnDeclare } from './drills/injects.ts';
import { rtoPlan } from './rto/steps.ts';

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
  /** `/dr drill <name>`: the scenario (its injects are planted with the chain). */
  scenario?: DrillScenario;
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
  const { incident, event } = declare({ ...r, title, at: now, by: r.userId, scenario: r.scenario?.name });
  const steps = [
    openChannelKind.plan({ stepId: OPEN_CHANNEL_STEP, source: 'system', label: 'Open the incident channel', dueAt: now, params: {} }),
    ...planDeclare(incident, ctx.config.chains, now),
    ...cadencePlan(ctx.config.settings, incident.severity, now),
    ...(ctx.config.settings.statusPage.onDeclare.includes(incident.severity) ? [statusPageStep('statuspage-declare', now)] : []),
    ...(r.scenario ? drillPlanOnDeclare(r.scenario, now, now) : []),
    ...rtoPlan(ctx.config.settings.objectives, incident, now),
  ];
  const out = await ctx.declares.declare({
    requestKey: r.requestKey, incident, event, steps, duplicateSince: new Date(now.getTime() - ctx.config.settings.duplicateWindowMs),
  });
  if (out.kind === 'declared') {
    // A drill never counts in the real numbers.
    if (out.incident.mode === 'real') ctx.metrics.incidentsDeclared.inc({ severity: severityLabel(out.incident.severity) });
    ctx.log.info({ incident: out.incident.id, severity: out.incident.severity, by: r.userId }, 'incident declared');
    ctx.wake();
    return declaredReply(ctx, out.incident);
  }
  if (out.kind === 'duplicate') return duplicateReply(out.incident, now);
  // A retry of a request already answered: the same answer, nothing written again.
  const earlier = out.incidentId ? await getIncident(ctx.db, out.incidentId) : undefined;
  if (!earlier) return { message: textMessage(['Already declared (this request was received twice).']) };
  return out.first === 'duplicate' ? duplicateReply(earlier, now) : declaredReply(ctx, earlier);
}

function declaredReply(ctx: AppContext, i: StoredIncident): Reply {
  return { message: declaredMessage(i.id, i.severity, ctx.config.settings.severities[i.severity].name, i.title), declaredIncident: i.id };
}

function duplicateReply(same: StoredIncident, now: Date): Reply {
  return {
    message: textMessage([
      `${incidentRef(same.id)} "${same.title}" was declared ${formatDuration(now.getTime() - same.declaredAt.getTime())} ago and is still open`,
      ...(same.channelId ? [' in ', { channel: same.channelId }] : []),
      '. Not declaring it again; use `/dr update` there, or change the title if this is a different incident.',
    ]),
  };
}

function declaredMessage(id: number, severity: Severity, name: string, title: string): Message {
  return textMessage([
    { bold: `${incidentRef(id)} declared` }, ` — ${severityLabel(severity)} ${name}: ${title}. `,
    'Opening the incident channel and posting the card now.',
  ]);
}
