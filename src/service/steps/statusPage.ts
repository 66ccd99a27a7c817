import { incidentRef } from '../../core/incident.ts';
import { componentStatuses, publicStatus } from '../../core/statusPage.ts';
import { listExternalRefs, saveExternalRef } from '../../store/sql/externalRefs.ts';
import { dataFor } from './render.ts';
import type { StepHandler } from './types.ts';

/**
 * `statuspage`: create the public incident the first time, update it after. The stored
 * Statuspage incident id is the idempotency key: a retry updates, it never creates a second.
 */
export const statusPageHandler: StepHandler = async (ctx, step, i) => {
  const status = publicStatus(i.status);
  const template = ctx.config.templates.statuspage.get(status);
  if (!template) throw new Error(`no templates/statuspage/${status}.hbs`);
  const text = typeof step.params.text === 'string' ? step.params.text : undefined;
  const body = template.render(await dataFor(ctx, i, text)).trim();
  const components = componentStatuses(i, ctx.config.settings.statusPage.components);
  const [existing] = await listExternalRefs(ctx.db, i.id, 'statuspage');
  if (!existing && step.params.onlyIfExists) return { status: 'skipped', detail: 'nothing public to update' };
  await ctx.limiter.take('statuspage', 1);
  if (existing) {
    await ctx.statusPage.updateIncident(existing.ref, { status, body, components });
    return { status: 'done', detail: `status page updated (${status})`, result: { statuspageId: existing.ref } };
  }
  const created = await ctx.statusPage.createIncident({ name: `${ctx.config.settings.publicService}: ${i.title}`.slice(0, 200), status, body, components });
  await saveExternalRef(ctx.db, i.id, { kind: 'statuspage', key: 'incident', ref: created.id, url: created.url ?? null }, ctx.clock.now());
  return { status: 'done', detail: `status page incident opened for ${incidentRef(i.id)} (${status})`, result: { statuspageId: created.id } };
};

/** A status-page step planned by a change (declare, public update, status change, resolve). */
export function statusPageStep(key: string, dueAt: Date, o: { text?: string; onlyIfExists?: boolean } = {}) {
  return { stepId: key, kind: 'statuspage', source: 'statuspage', label: 'Status page update', dueAt, params: { when: 'public', ...o } };
}
