/**
 * `drill_report`: when a drill ends, the report (core/drillReport.ts, rendered with
 * templates/drill-report.md.hbs) goes to GitHub as a pull request (search-before-create: the
 * branch `drill/inc-<n>` finds an earlier attempt) and is summarised in the drill channel.
 * `drill_report_review`: the plan's "Drill report drafted within 48 hours" — still open then,
 * the channel is reminded.
 */
import { z } from 'zod';
import { slugify } from '../../core/channelName.ts';
import { drillReport, drillReportDoc, type DrillReport, type DrillReportInput } from '../../core/drillReport.ts';
import { formatDuration } from '../../core/duration.ts';
import { incidentRef } from '../../core/incident.ts';
import { textMessage, type Line } from '../../core/message.ts';
import { escapeMarkdown } from '../../core/pir.ts';
import type { RunPlan } from '../../core/runbook.ts';
import type { StepPlan } from '../../core/steps.ts';
import { compactDate, formatTime } from '../../core/time.ts';
import { NotConfigured } from '../../ports.ts';
import { confirmStep } from '../../store/sql/confirmStep.ts';
import { listActionItems } from '../../store/sql/listActionItems.ts';
import { listExternalRefs } from '../../store/sql/listExternalRefs.ts';
import { listRuns } from '../../store/sql/listRuns.ts';
import { listSteps } from '../../store/sql/listSteps.ts';
import { listTimeline } from '../../store/sql/listTimeline.ts';
import { saveExternalRef } from '../../store/sql/saveExternalRef.ts';
import type { StoredIncident } from '../../store/rows.ts';
import { escapeData } from '../../templates/data.ts';
import type { AppContext } from '../context.ts';
import { defineStep } from '../steps/define.ts';

export const DRILL_REPORT_REF = 'drill_report';

export function drillReportStep(stepId: string, dueAt: Date): StepPlan {
  return drillReportKind.plan({ stepId, source: 'drill_report', label: 'Drill report on GitHub', dueAt, params: {} });
}

/** Pages whose acknowledgement check had not run when the drill ended: PagerDuty is asked now. */
async function readAcknowledgements(ctx: AppContext, i: StoredIncident): Promise<void> {
  for (const s of await listSteps(ctx.db, i.id)) {
    const key = s.result?.dedupKey;
    if (s.kind !== 'page' || s.status !== 'done' || s.confirmedAt || typeof key !== 'string') continue;
    const ack = await ctx.pager.acknowledgement(key).catch(() => undefined);
    if (ack?.acknowledged) await confirmStep(ctx.db, i.id, s.stepId, ack.at ?? ctx.clock.now());
  }
}

/**
 * Whether a run checks health when it succeeds: its verification actions, or a Route 53 failover
 * (the target's health check must be healthy before the change, and the records are read back
 * after INSYNC). A rehearsal checks nothing.
 */
export function runVerifies(plan: RunPlan): boolean {
  return !plan.rehearsal && (plan.verify.length > 0 || plan.steps.some((a) => a.kind === 'route53'));
}

/** The report's input, from what drbot recorded about the drill. */
export async function drillReportInput(ctx: AppContext, i: StoredIncident): Promise<DrillReportInput | undefined> {
  const timeline = await listTimeline(ctx.db, i.id);
  const name = timeline.find((e) => e.type === 'declared')?.data?.scenario;
  const scenario = ctx.config.drills.find((d) => d.name === name);
  if (!scenario) return undefined;
  const measuredNote = timeline.filter((e) => e.data?.kind === 'drill' && e.data.event === 'measured').at(-1)?.data;
  const runs = await listRuns(ctx.db, i.id);
  return {
    incident: i,
    scenario,
    responseSlaMs: ctx.config.settings.severities[i.severity].responseSlaMs,
    steps: await listSteps(ctx.db, i.id),
    runs: runs.filter((r) => !r.rollbackOf && r.status !== 'dry_run').map((r) => ({
      id: r.id, runbook: r.runbook, status: r.status, finishedAt: r.finishedAt, verifies: runVerifies(r.plan), rehearsal: !!r.plan.rehearsal,
    })),
    measured: {
      rpoMs: typeof measuredNote?.rpoMs === 'number' ? measuredNote.rpoMs : undefined,
      healthChecks: measuredNote?.health === 'pass' || measuredNote?.health === 'fail' ? measuredNote.health : undefined,
    },
    actionItems: (await listActionItems(ctx.db, i.id)).map((a) => ({ n: a.n, text: a.text, owner: a.owner, due: a.due })),
  };
}

/** The report as Markdown, and the numbers behind it. */
export async function renderDrillReport(ctx: AppContext, i: StoredIncident): Promise<{ content: string; report: DrillReport; scenario: string } | undefined> {
  const input = await drillReportInput(ctx, i);
  const template = ctx.config.drillReport;
  if (!input || !template) return undefined;
  const { settings } = ctx.config;
  const report = drillReport(input);
  const doc = drillReportDoc(report, input, {
    organization: settings.organization, timeZone: settings.timeZoneLabel ?? settings.timeZone, time: (d) => `${formatTime(d, settings.timeZone, '')}:${String(d.getUTCSeconds()).padStart(2, '0')}`, name: ctx.name,
  });
  return { content: template.render(escapeData(doc, escapeMarkdown)), report, scenario: input.scenario.name };
}

function summary(ref: string, r: DrillReport, link: Line): Line[] {
  const verdict = r.criteria.length ? (r.passed ? 'PASSED' : 'FAILED') : 'no success criteria';
  return [
    [{ bold: `Drill report of ${ref}: ${verdict}` }, ' — ', ...link],
    [`Time to detect ${r.timeToDetectMs === undefined ? 'not recorded' : formatDuration(r.timeToDetectMs)} · time to recover ${r.timeToRecoverMs === undefined ? 'not recovered' : formatDuration(r.timeToRecoverMs)} · step lateness p99 ${r.latenessP99Ms === undefined ? '—' : formatDuration(r.latenessP99Ms)}`],
    ...r.criteria.map((c): Line => [`${c.result === 'pass' ? '✓' : '✗'} ${c.name} (target ${c.target}): ${c.measured}`]),
  ];
}

export const drillReportKind = defineStep({
  kind: 'drill_report',
  readsOutcomes: true,
  params: z.object({}),
  run: async (ctx, _step, i) => {
    const ref = incidentRef(i.id);
    if (i.mode !== 'drill' || i.status !== 'resolved') return { status: 'skipped', detail: `${ref} is not an ended drill` };
    const [known] = await listExternalRefs(ctx.db, i.id, DRILL_REPORT_REF);
    if (known?.url) return { status: 'done', detail: `drill report already filed: ${known.url}`, result: { number: Number(known.ref), url: known.url } };
    await readAcknowledgements(ctx, i);
    const rendered = await renderDrillReport(ctx, i);
    if (!rendered) return { status: 'skipped', detail: `the scenario of ${ref} is no longer in drills/` };
    const { content, report } = rendered;
    const { settings } = ctx.config;
    const folder = (settings.drills?.reportPath ?? 'docs/drills').replace(/\/+$/, '');
    const d = compactDate(i.declaredAt, settings.timeZone);
    const path = `${folder}/${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}-inc-${i.id}-${slugify(rendered.scenario)}.md`;
    const numbers = { passed: report.passed, timeToDetectMs: report.timeToDetectMs ?? null, timeToRecoverMs: report.timeToRecoverMs ?? null, latenessP99Ms: report.latenessP99Ms ?? null, criteria: report.criteria.map((c) => ({ name: c.name, result: c.result, measured: c.measured })) };
    let pr: { number: number; url: string; created: boolean };
    try {
      pr = await ctx.tracker.ensurePullRequest({
        branch: `drill/inc-${i.id}`, path, content, title: `DRILL report: ${ref} ${i.title}`.slice(0, 250), commitMessage: `Drill report for ${ref}`,
        body: [`Report of drill **${ref}** (\`${rendered.scenario}\`): ${report.criteria.length ? (report.passed ? 'passed' : 'failed') : 'no success criteria'}.`, '', 'Drafted by drbot when the drill ended. Review it within 48 hours (VoxGuard plan, "Testing Schedule"), then merge.'].join('\n'),
      });
    } catch (e) {
      if (!(e instanceof NotConfigured)) throw e;
      if (i.channelId) await ctx.chat.post(i.channelId, textMessage(...summary(ref, report, [`not filed on GitHub (${e.message})`])));
      return { status: 'skipped', detail: `${e.message}; the report was summarised in the drill channel` };
    }
    await saveExternalRef(ctx.db, i.id, { kind: DRILL_REPORT_REF, key: 'pull_request', ref: String(pr.number), url: pr.url, data: { path } }, ctx.clock.now());
    if (i.channelId) await ctx.chat.post(i.channelId, textMessage(...summary(ref, report, [{ link: pr.url, label: `pull request #${pr.number}` }, ` (${path})`])));
    const reviewMs = settings.drills?.reviewWithinMs ?? 48 * 3_600_000;
    return {
      status: 'done', detail: `${pr.created ? 'opened' : 'found'} drill report pull request #${pr.number}`, result: { number: pr.number, url: pr.url, path, ...numbers },
      plant: [drillReviewKind.plan({ stepId: `drill-report-review-${pr.number}`, source: 'drill_report', label: `Drill report reviewed within ${formatDuration(reviewMs)}?`, dueAt: new Date(ctx.clock.now().getTime() + reviewMs), params: { number: pr.number, url: pr.url } })],
    };
  },
});

export const drillReviewKind = defineStep({
  kind: 'drill_report_review',
  params: z.object({ number: z.number().int().positive(), url: z.string() }),
  run: async (ctx, step, i) => {
    const state = await ctx.tracker.issueState(step.params.number);
    if (state.state === 'closed') return { status: 'done', detail: `drill report #${step.params.number} reviewed (closed or merged)` };
    if (i.channelId) {
      await ctx.chat.post(i.channelId, textMessage([{ bold: `The drill report of ${incidentRef(i.id)} is still not reviewed` }, ' — the plan asks for it within 48 hours: ', { link: step.params.url, label: `pull request #${step.params.number}` }, '.']));
    }
    return { status: 'done', detail: `drill report #${step.params.number} still open: reminded` };
  },
});
