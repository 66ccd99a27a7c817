/**
 * Alert intake (POST /alerts): Alertmanager alerts whose name a runbook lists under `trigger`.
 * The incident is the one already tied to the alert (or to its Alertmanager group), else one is
 * declared; T0/T1 runbooks run (cooldown and max attempts apply), T2 ones open an approval request.
 * Repeated webhooks and HA Alertmanager pairs hit the same request keys: nothing happens twice.
 */
import { cleanText, TITLE_MAX } from '../../core/commands.ts';
import { isDomainError } from '../../core/errors.ts';
import { incidentRef } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import type { Runbook } from '../../core/runbook.ts';
import type { Severity } from '../../core/severity.ts';
import { getRequestReply } from '../../store/sql/getRequestReply.ts';
import { getIncident } from '../../store/sql/getIncident.ts';
import { runHistory } from '../../store/sql/runHistory.ts';
import { plantSteps } from '../../store/sql/plantSteps.ts';
import { openIncidentOfGroup } from '../../store/sql/openIncidentOfGroup.ts';
import { recordAlert } from '../../store/sql/recordAlert.ts';
import { setAlertIncident } from '../../store/sql/setAlertIncident.ts';
import type { AppContext } from '../context.ts';
import type { IncomingAlert } from '../../inbound.ts';
import { declareIncident } from '../declare.ts';
import { postStep } from '../steps/post.ts';
import { requestRun } from './request.ts';

export interface AlertOutcome {
  alertname: string;
  fingerprint: string;
  status: string;
  incident?: string;
  declared?: boolean;
  runs: { runbook: string; run?: number; status?: string; refused?: string }[];
}

const SEVERITY: Record<string, Severity> = { critical: 1, page: 1, major: 2, error: 2, high: 2, warning: 3, minor: 3, info: 4, low: 4, none: 4 };

/** Who an alert-declared incident is declared for: the first level of the escalation matrix. */
function onCall(ctx: AppContext): string {
  const c = ctx.config.contacts;
  const level1 = [...c.escalation].sort((a, b) => a.level - b.level)[0]?.group;
  return (level1 && ctx.config.groups[level1]?.[0]) ?? 'alertmanager';
}

export async function intakeAlerts(ctx: AppContext, groupKey: string, alerts: IncomingAlert[]): Promise<AlertOutcome[]> {
  const out: AlertOutcome[] = [];
  for (const a of alerts) out.push(await intakeOne(ctx, groupKey, a));
  return out;
}

async function intakeOne(ctx: AppContext, groupKey: string, a: IncomingAlert): Promise<AlertOutcome> {
  const alertname = a.labels.alertname ?? '';
  const outcome: AlertOutcome = { alertname, fingerprint: a.fingerprint, status: a.status, runs: [] };
  const runbooks = ctx.config.runbooks.filter((rb) => rb.trigger.includes(alertname));
  if (!runbooks.length) return { ...outcome, status: 'ignored (no runbook has it as trigger)' };
  const now = ctx.clock.now();
  const seen = await recordAlert(ctx.db, { fingerprint: a.fingerprint, startsAt: a.startsAt, groupKey, alertname, status: a.status, labels: a.labels, at: now });
  if (a.status === 'resolved') return outcome;

  let incidentId = seen.incidentId !== null && (await isOpenIncident(ctx, seen.incidentId)) ? seen.incidentId : await openIncidentOfGroup(ctx.db, groupKey);
  if (incidentId === undefined || incidentId === null) {
    const key = `alert:${a.fingerprint}:${a.startsAt.toISOString()}`;
    const summary = cleanText(a.annotations.summary ?? a.annotations.description ?? 'firing');
    const reply = await declareIncident(ctx, {
      requestKey: key, userId: onCall(ctx), title: `${alertname}: ${summary}`.slice(0, TITLE_MAX),
      severity: SEVERITY[(a.labels.severity ?? '').toLowerCase()] ?? 2,
    });
    incidentId = reply.declaredIncident ?? (await getRequestReply(ctx.db, key))?.incidentId ?? undefined;
    outcome.declared = reply.declaredIncident !== undefined;
    if (incidentId === undefined || incidentId === null) return { ...outcome, status: 'not declared' };
  }
  await setAlertIncident(ctx.db, a.fingerprint, a.startsAt, incidentId);
  outcome.incident = incidentRef(incidentId);
  const incident = (await getIncident(ctx.db, incidentId))!;
  for (const rb of runbooks) outcome.runs.push(await startFromAlert(ctx, rb, incident, a));
  return outcome;
}

async function isOpenIncident(ctx: AppContext, id: number): Promise<boolean> {
  const i = await getIncident(ctx.db, id);
  return !!i && ['investigating', 'identified', 'monitoring'].includes(i.status);
}

async function startFromAlert(ctx: AppContext, rb: Runbook, incident: NonNullable<Awaited<ReturnType<typeof getIncident>>>, a: IncomingAlert): Promise<AlertOutcome['runs'][number]> {
  const alertname = a.labels.alertname;
  // Labels named like the runbook's parameters fill them; they are checked like typed ones.
  const params = Object.fromEntries(rb.parameters.filter((p) => a.labels[p.name] !== undefined).map((p) => [p.name, a.labels[p.name]]));
  // The n-th run of this runbook in the incident: a webhook repeated before it starts is the same request.
  const attempt = (await runHistory(ctx.db, rb.name)).filter((r) => r.incidentId === incident.id && !['denied', 'expired', 'dry_run'].includes(r.status)).length + 1;
  try {
    const { run } = await requestRun(ctx, {
      requestKey: `alert:${a.fingerprint}:${a.startsAt.toISOString()}:${rb.name}:${attempt}`, userId: 'alertmanager', via: `alert:${alertname}`,
      incident, runbook: rb, params, dryRun: false, firingAlerts: [alertname],
    });
    return { runbook: rb.name, run: run?.id, status: run?.status ?? 'already requested' };
  } catch (e) {
    if (!isDomainError(e)) throw e;
    if (e.code !== 'DUPLICATE') {
      // Said once per alert and runbook in the incident channel (the step id dedupes repeats).
      const id = `alert-${rb.name}-${a.fingerprint.replace(/[^A-Za-z0-9]/g, '').slice(0, 32)}-${e.code.toLowerCase()}`;
      await plantSteps(ctx.db, incident.id, [postStep(id, 'Report a runbook the alert did not start', 'incident',
        textMessage([{ bold: `Alert ${alertname} did not start ${rb.name}` }, `: ${e.message}`]), ctx.clock.now())]);
      ctx.wake();
    }
    return { runbook: rb.name, refused: e.message };
  }
}
