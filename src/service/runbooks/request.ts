/**
 * Requesting a run, from `/dr run`, its form, or an alert: parameters checked first, then the
 * quorum and the preview (reads only), then one transaction that stores the run with its
 * timeline entry and plants its steps. T0/T1 start at once; T2 waits for approval.
 */
import { incidentRef, isOpen } from '../../core/incident.ts';
import { textMessage, type Line } from '../../core/message.ts';
import { checkParams, checkRunLimits, planRun, RunRefused, type Runbook, type RunStatus } from '../../core/runbook.ts';
import type { StepPlan } from '../../core/steps.ts';
import { appendTimeline } from '../../store/sql/appendTimeline.ts';
import { claimRequestKey } from '../../store/sql/claimRequestKey.ts';
import { getRequestReply } from '../../store/sql/getRequestReply.ts';
import { saveRequestReply } from '../../store/sql/saveRequestReply.ts';
import { insertRun } from '../../store/sql/insertRun.ts';
import { runHistory } from '../../store/sql/runHistory.ts';
import { lockRunbook } from '../../store/sql/lockRunbook.ts';
import { plantSteps } from '../../store/sql/plantSteps.ts';
import type { StoredRun } from '../../store/runRows.ts';
import type { StoredIncident } from '../../store/rows.ts';
import type { AppContext } from '../context.ts';
import type { Reply } from '../../inbound.ts';
import { runMessage } from './message.ts';
import { messageContext, when } from './view.ts';
import { previewPlan, readQuorum } from './preview.ts';
import { expireStep, firstActionStep, messageStep, notifySteps } from './steps.ts';
import { drillRun } from '../drills/runbooks.ts';

export interface RunRequest {
  requestKey: string;
  /** A Slack user id, or `alertmanager`. */
  userId: string;
  /** `slack` or `alert:<alertname>`. */
  via: string;
  incident: StoredIncident;
  runbook: Runbook;
  /** As typed (or from alert labels): checked here before anything else. */
  params: Record<string, string>;
  dryRun: boolean;
  override?: string;
  usage?: string;
  /** Alerts firing right now that count towards the quorum (alert intake). */
  firingAlerts?: string[];
}

/** Finds a runbook by name, or refuses listing the known ones. */
export function findRunbook(ctx: AppContext, name: string, usage?: string): Runbook {
  const rb = ctx.config.runbooks.find((r) => r.name === name);
  if (!rb) {
    const known = ctx.config.runbooks.map((r) => r.name).join(', ') || 'none (add files to commands/)';
    throw new RunRefused('NOT_FOUND', `There is no runbook \`${name.slice(0, 40)}\`. Runbooks: ${known}. \`/dr run\` alone lists them.`, usage);
  }
  return rb;
}

export async function requestRun(ctx: AppContext, r: RunRequest): Promise<{ reply: Reply; run?: StoredRun }> {
  const rb = r.runbook;
  const { incident } = r;
  // A drill runs against its scenario's drill targets, or rehearses (approvals, nothing executed).
  const drill = incident.mode === 'drill' ? await drillRun(ctx, incident, rb, r.params, r.usage) : undefined;
  const params = checkParams(rb, drill?.params ?? r.params, r.usage);
  if (!isOpen(incident)) {
    throw new RunRefused('INCIDENT_CLOSED', `${incidentRef(incident.id)} is ${incident.status}: \`/dr reopen\` it before running recovery commands.`, r.usage);
  }
  const dryRun = r.dryRun;
  // A drill has no real failing signals to count.
  const quorum = drill ? null : await readQuorum(ctx.dns, ctx.db, rb, incident.id, r.firingAlerts);
  if (quorum && !quorum.met && !r.override && !dryRun) {
    throw new RunRefused('NO_QUORUM', `${rb.name} needs ${quorum.required} distinct failing signal classes before it fails over (Multi-Region DR Plan), and ${quorum.summary}. `
      + `If you know the region is down, run it again with \`--override "<reason>"\` (recorded).`, r.usage);
  }
  const { plan, preview } = await previewPlan(ctx.dns, planRun(rb, params));
  if (drill?.rehearsal) plan.rehearsal = true;
  const now = ctx.clock.now();
  const status: RunStatus = dryRun ? 'dry_run' : rb.tier === 'T2' ? 'awaiting_approval' : 'approved';

  const out = await ctx.db.transaction(async (tx) => {
    if (!(await claimRequestKey(tx, r.requestKey, now))) {
      const earlier = await getRequestReply(tx, r.requestKey);
      return { reply: (earlier?.reply as Reply | null) ?? { message: textMessage(['Already requested (this request was received twice).']) } };
    }
    await lockRunbook(tx, rb.name);
    // A drill's runs are limited within the drill and never count towards a real incident's cooldown.
    if (!dryRun) checkRunLimits(rb, (await runHistory(tx, rb.name, { excludeDrills: !drill })).filter((h) => !drill || h.incidentId === incident.id), incident.id, params, now, when(ctx));
    const run = (await insertRun(tx, {
      incidentId: incident.id, runbook: rb.name, tier: rb.tier, rollbackOf: null, params, plan, preview, dryRun,
      quorum: quorum ?? null, overrideReason: quorum && !quorum.met ? (r.override ?? null) : null,
      approverGroups: rb.approvers, requestedBy: r.userId, requestedVia: r.via, requestedAt: now,
      expiresAt: rb.tier === 'T2' && !dryRun ? new Date(now.getTime() + rb.expiresMs) : null, status,
    }))!;
    await appendTimeline(tx, incident.id, [requestEvent(run, params, now)]);
    const plant: StepPlan[] = [];
    if (!dryRun) {
      if (status === 'approved') plant.push(...firstActionStep(run, now));
      plant.push(messageStep(run, run.version, now, true));
      if (rb.tier === 'T2') plant.push(expireStep(run, run.expiresAt!));
      plant.push(...notifySteps(run, rb.notify, now));
    }
    if (plant.length) await plantSteps(tx, incident.id, plant);
    const reply = replyFor(ctx, run, incident);
    await saveRequestReply(tx, r.requestKey, reply, incident.id);
    return { reply, run };
  });
  if (out.run) {
    ctx.log.info({ run: out.run.id, runbook: rb.name, incident: incident.id, status: out.run.status, by: r.userId }, 'recovery run requested');
    ctx.wake();
  }
  return out;
}

/** `ordered`: the parameters in the runbook's order (jsonb does not keep it). */
function requestEvent(run: StoredRun, ordered: Record<string, string>, at: Date) {
  const params = Object.entries(ordered).map(([k, v]) => `${k}=${v}`).join(' ');
  const what = run.dryRun ? 'Dry run of' : run.status === 'awaiting_approval' ? 'Requested' : 'Started';
  const override = run.overrideReason ? ` — quorum overridden: ${run.overrideReason}` : '';
  return {
    type: 'note' as const, at, actor: run.requestedBy,
    text: `${what} run #${run.id} ${run.runbook} (${run.tier})${params ? ` ${params}` : ''}${override}`,
    data: { kind: 'runbook', event: 'requested', run: run.id, runbook: run.runbook, tier: run.tier, params: run.params, via: run.requestedVia,
      dryRun: run.dryRun, quorum: run.quorum, override: run.overrideReason, preview: run.preview },
  };
}

function replyFor(ctx: AppContext, run: StoredRun, incident: StoredIncident): Reply {
  if (run.dryRun) {
    const m = runMessage({ run, approvals: [], actions: [], canRollBack: false }, messageContext(ctx));
    return { message: { ...m, blocks: m.blocks.filter((b) => b.type !== 'actions') } };
  }
  const where: Line = incident.channelId ? [' in ', { channel: incident.channelId }] : [` in ${incidentRef(incident.id)}`];
  if (run.status === 'awaiting_approval') {
    return { message: textMessage([`Requested run #${run.id} (${run.runbook}): waiting for ${run.approverGroups.join(' + ')} to approve by ${when(ctx)(run.expiresAt!)}. The request is posted`, ...where, '.']) };
  }
  return { message: textMessage([`Run #${run.id} (${run.runbook}, ${run.tier}) is starting now; follow it`, ...where, '.']) };
}
