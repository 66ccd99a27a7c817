import { z } from 'zod';
import { incidentRef, type Incident } from '../../core/incident.ts';
import type { Message } from '../../core/message.ts';
import { componentStatuses, publicComponentNames, publicStatus, publicTitle } from '../../core/statusPage.ts';
import type { StepPlan } from '../../core/steps.ts';
import { TransientError, type StatusPageIncidentStatus } from '../../ports.ts';
import { listExternalRefs } from '../../store/sql/listExternalRefs.ts';
import { saveExternalRef } from '../../store/sql/saveExternalRef.ts';
import { hasPublicUpdates } from '../../store/sql/hasPublicUpdates.ts';
import { insertPublicUpdate } from '../../store/sql/insertPublicUpdate.ts';
import { dataFor } from './render.ts';
import { defineStep } from './define.ts';

export const PUBLISH_ACTION = 'statuspage.publish';

const statusPageParams = z.object({
  /** The person's words for this update (a public `/dr update`, a resolution summary). */
  text: z.string().optional(),
  /** Only update a public incident that exists; never open one. */
  onlyIfExists: z.boolean().optional(),
  /** Set on the step planted by the Publish button: the reviewed text goes out as it was shown. */
  reviewedBy: z.string().optional(),
  body: z.string().optional(),
  status: z.enum(['investigating', 'identified', 'monitoring', 'resolved']).optional(),
});

/**
 * `statuspage`: create the public incident the first time, update it after. The stored
 * Statuspage incident id is the idempotency key: a retry updates, it never creates a second.
 * With `status_page.review`, the text is first posted in the incident channel with a Publish
 * button, and only the step that button plants sends it.
 */
export const statusPageKind = defineStep({
  kind: 'statuspage',
  params: statusPageParams,
  uses: ['statusPage'],
  run: async (ctx, step, i) => {
    const p = step.params;
    const [existing] = await listExternalRefs(ctx.db, i.id, 'statuspage');
    // "Already public" also counts what drbot's own page showed when Statuspage had no credentials.
    if (p.onlyIfExists && !existing && !(await hasPublicUpdates(ctx.db, i.id))) return { status: 'skipped', detail: 'nothing public to update' };
    const status = p.status ?? publicStatus(i.status);
    let body = p.body;
    if (body === undefined) {
      const template = ctx.config.templates.statuspage.get(status);
      if (!template) throw new Error(`no templates/statuspage/${status}.hbs`);
      body = template.render(dataFor(ctx, i, p.text)).trim();
    }
    if (ctx.config.settings.statusPage.review && !p.reviewedBy) {
      if (!i.channelId) throw new TransientError('the incident channel is not open yet', 1000);
      await ctx.chat.post(i.channelId, reviewMessage(i, step.stepId, status, body));
      return { status: 'done', detail: 'public update posted for review (nothing sent until Publish is pressed)', result: { review: true, status, body } };
    }
    await insertPublicUpdate(ctx.db, i.id, { key: step.stepId, at: ctx.clock.now(), status, body });
    const components = componentStatuses(i, ctx.config.settings.statusPage.components);
    await ctx.limiter.take('statuspage', 1);
    if (existing) {
      await ctx.statusPage.updateIncident(existing.ref, { status, body, components });
      return { status: 'done', detail: `status page updated (${status})`, result: { statuspageId: existing.ref } };
    }
    // The public name, never the internal title.
    const name = publicTitle(i, publicComponentNames(i.services, ctx.config.settings.statusPage.components), ctx.config.settings.publicService);
    const created = await ctx.statusPage.createIncident({ name: name.slice(0, 200), status, body, components });
    await saveExternalRef(ctx.db, i.id, { kind: 'statuspage', key: 'incident', ref: created.id, url: created.url ?? null }, ctx.clock.now());
    return { status: 'done', detail: `status page incident opened for ${incidentRef(i.id)} (${status})`, result: { statuspageId: created.id } };
  },
});

/** The text as it would go out, and the button that sends it. The button names the step, never the text. */
function reviewMessage(i: Incident, stepId: string, status: string, body: string): Message {
  return {
    fallback: `Public update for ${incidentRef(i.id)} waiting for review`,
    blocks: [
      { type: 'section', lines: [[{ bold: `Public status update for review (${status})` }, ' — nothing is sent until someone presses Publish:'], [body]] },
      { type: 'actions', buttons: [{ action: PUBLISH_ACTION, label: 'Publish', value: `${i.id}:${stepId}`, style: 'primary' }] },
    ],
  };
}

/** A status-page step planned by a change (declare, public update, status change, resolve). */
export function statusPageStep(key: string, dueAt: Date, o: { text?: string; onlyIfExists?: boolean } = {}): StepPlan {
  return statusPageKind.plan({ stepId: key, source: 'statuspage', label: 'Status page update', dueAt, params: { when: 'public', ...o } });
}

/** The step the Publish button plants: the reviewed text, sent as it was shown. */
export function publishStep(reviewed: { stepId: string; params: Record<string, unknown> }, r: { status: StatusPageIncidentStatus; body: string }, by: string, dueAt: Date): StepPlan {
  return statusPageKind.plan({
    stepId: `${reviewed.stepId}-published`, source: 'statuspage', label: 'Status page update (reviewed)', dueAt,
    params: { ...reviewed.params, status: r.status, body: r.body, reviewedBy: by, onlyIfExists: false },
  });
}
