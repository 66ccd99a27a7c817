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
import { alertKey, recordAlerts, setAlertsIncident } from '../../store/sql/recordAlerts.ts';
import { reserveAlertIncident } from '../../store/sql/reserveAlertIncident.ts';
import { isAlertStormIncident } from '../../store/sql/isAlertStormIncident.ts';
import { countIncidentAlerts } from '../../store/sql/countIncidentAlerts.ts';
import { setIncidentImpact } from '../../store/sql/setIncidentImpact.ts';
import { appendTimeline } from '../../store/sql/appendTimeline.ts';
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

/** At most this many distinct runs of one runbook are requested from one webhook (the rest are the same request). */
const RUNS_PER_RUNBOOK = 5;

/**
 * One webhook (one Alertmanager group) at a time: its alerts are recorded in one statement and
 * open or join one incident, never one per alert. New incidents from alerts are rate-limited
 * across replicas (drbot.yml `alerts.incidents_per_minute`); past the limit the group joins the
 * open "alert storm" incident, whose card keeps the tally per alert name.
 */
export async function intakeAlerts(ctx: AppContext, groupKey: string, alerts: IncomingAlert[]): Promise<AlertOutcome[]> {
  const now = ctx.clock.now();
  const outcomes: AlertOutcome[] = alerts.map((a) => ({ alertname: a.labels.alertname ?? '', fingerprint: a.fingerprint, status: a.status, runs: [] }));
  const runbooksOf = (a: IncomingAlert) => ctx.config.runbooks.filter((rb) => rb.trigger.includes(a.labels.alertname ?? ''));
  const relevant = alerts.map((a, i) => ({ a, i, runbooks: runbooksOf(a) })).filter((x) => {
    if (!x.runbooks.length) outcomes[x.i].status = 'ignored (no runbook has it as trigger)';
    return x.runbooks.length > 0;
  });
  if (!relevant.length) return outcomes;
  const seen = await recordAlerts(ctx.db, relevant.map(({ a }) => ({
    fingerprint: a.fingerprint, startsAt: a.startsAt, groupKey, alertname: a.labels.alertname, status: a.status, labels: a.labels, at: now,
  })));
  const firing = relevant.filter(({ a }) => a.status === 'firing');
  if (!firing.length) return outcomes;

  // The group's incident: one its alerts are already tied to (if still open), else the group's open one.
  let incidentId: number | undefined;
  for (const id of new Set(firing.map(({ a }) => seen.get(alertKey(a.fingerprint, a.startsAt))))) {
    if (id !== undefined && id !== null && (await isOpenIncident(ctx, id))) {
      incidentId = id;
      break;
    }
  }
  incidentId ??= await openIncidentOfGroup(ctx.db, groupKey);
  if (incidentId === undefined) {
    const first = firing[0].a;
    const key = `alert:${first.fingerprint}:${first.startsAt.toISOString()}`;
    const perMinute = ctx.config.settings.alerts.incidentsPerMinute;
    const slot = await ctx.db.transaction((tx) => reserveAlertIncident(tx, {
      requestKey: key, now, perMinute,
      stormOpen: async (k) => {
        const id = (await getRequestReply(tx, k))?.incidentId;
        return !!id && OPEN.includes((await getIncident(tx, id))?.status ?? '');
      },
    }));
    const declareKey = slot.allowed ? key : slot.stormKey;
    const reply = await declareIncident(ctx, slot.allowed
      ? {
        requestKey: key, userId: onCall(ctx), severity: SEVERITY[(first.labels.severity ?? '').toLowerCase()] ?? 2,
        title: `${first.labels.alertname}: ${cleanText(first.annotations.summary ?? first.annotations.description ?? 'firing')}`.slice(0, TITLE_MAX),
      }
      : {
        requestKey: slot.stormKey, userId: onCall(ctx), severity: 2,
        title: `Alert storm: alerts opened ${perMinute} incidents within a minute; the rest are counted here`,
        impact: 'Alert storm: counting…',
      });
    incidentId = reply.declaredIncident ?? (await getRequestReply(ctx.db, declareKey))?.incidentId ?? undefined;
    firing.forEach(({ i }) => (outcomes[i].declared = reply.declaredIncident !== undefined));
    if (incidentId === undefined) {
      firing.forEach(({ i }) => (outcomes[i].status = 'not declared'));
      return outcomes;
    }
    if (!slot.allowed) ctx.log.warn({ incident: incidentId, groupKey, perMinute }, 'alert storm: new incidents from alerts are over the limit; this group joins the storm incident');
  }
  const incident = incidentId;
  const storm = await isAlertStormIncident(ctx.db, incident);
  const namesBefore = storm ? new Set((await countIncidentAlerts(ctx.db, incident)).map((c) => c.alertname)) : new Set<string>();
  await setAlertsIncident(ctx.db, firing.map(({ a }) => a), incident);
  for (const { i } of firing) outcomes[i].incident = incidentRef(incident);
  if (storm) {
    await tallyStorm(ctx, incident, namesBefore);
    for (const { i } of firing) outcomes[i].status = 'firing (counted in the alert storm incident; no runbook started)';
    return outcomes;
  }

  // Each runbook runs once per distinct set of parameters the alerts give it, not once per alert.
  const stored = (await getIncident(ctx.db, incident))!;
  const started = new Map<string, AlertOutcome['runs'][number] & { fingerprint: string }>();
  const perRunbook = new Map<string, number>();
  for (const { a, i, runbooks } of firing) {
    for (const rb of runbooks) {
      const params = paramsOf(rb, a);
      const same = started.get(`${rb.name} ${JSON.stringify(params)}`);
      if (same) {
        outcomes[i].runs.push({ runbook: rb.name, run: same.run, status: `same request as alert ${same.fingerprint}` });
        continue;
      }
      const n = perRunbook.get(rb.name) ?? 0;
      if (n >= RUNS_PER_RUNBOOK) {
        outcomes[i].runs.push({ runbook: rb.name, refused: `not requested: ${RUNS_PER_RUNBOOK} runs of ${rb.name} already requested from this webhook` });
        continue;
      }
      perRunbook.set(rb.name, n + 1);
      const run = await startFromAlert(ctx, rb, stored, a);
      started.set(`${rb.name} ${JSON.stringify(params)}`, { ...run, fingerprint: a.fingerprint });
      outcomes[i].runs.push(run);
    }
  }
  return outcomes;
}

const OPEN = ['investigating', 'identified', 'monitoring'];

/** The storm incident's card shows the running tally; its timeline says when a new alert name joins. */
async function tallyStorm(ctx: AppContext, incidentId: number, namesBefore: Set<string>): Promise<void> {
  const counts = await countIncidentAlerts(ctx.db, incidentId);
  const total = counts.reduce((t, c) => t + c.n, 0);
  const shown = counts.slice(0, 15).map((c) => `${c.alertname} ×${c.n}`).join(', ');
  const more = counts.length > 15 ? ` and ${counts.length - 15} more names` : '';
  await setIncidentImpact(ctx.db, incidentId, `Alert storm: ${total} alert${total === 1 ? '' : 's'} fired — ${shown}${more}`.slice(0, 1000));
  const fresh = counts.filter((c) => !namesBefore.has(c.alertname));
  if (fresh.length) {
    await appendTimeline(ctx.db, incidentId, [{
      type: 'note', at: ctx.clock.now(), actor: 'alertmanager',
      text: `Alert storm: ${fresh.map((c) => c.alertname).slice(0, 20).join(', ')} joined (${total} alerts so far)`,
      data: { kind: 'alert_storm', names: fresh.map((c) => c.alertname).slice(0, 100), total },
    }]);
  }
  ctx.wake();
}

function paramsOf(rb: Runbook, a: IncomingAlert): Record<string, string> {
  return Object.fromEntries(rb.parameters.filter((p) => a.labels[p.name] !== undefined).map((p) => [p.name, a.labels[p.name]]));
}

async function isOpenIncident(ctx: AppContext, id: number): Promise<boolean> {
  const i = await getIncident(ctx.db, id);
  return !!i && OPEN.includes(i.status);
}

async function startFromAlert(ctx: AppContext, rb: Runbook, incident: NonNullable<Awaited<ReturnType<typeof getIncident>>>, a: IncomingAlert): Promise<AlertOutcome['runs'][number]> {
  const alertname = a.labels.alertname;
  // Labels named like the runbook's parameters fill them; they are checked like typed ones.
  const params = paramsOf(rb, a);
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
