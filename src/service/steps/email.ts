import { z } from 'zod';
import { incidentRef } from '../../core/incident.ts';
import { groupEmails } from '../../config/contactsSchema.ts';
import { listSteps } from '../../store/sql/listSteps.ts';
import { defineStep } from './define.ts';
import { dataFor } from './render.ts';

/** `email`: a communication template mailed to the members of contact groups. */
export const emailKind = defineStep({
  kind: 'email',
  params: z.object({ to: z.array(z.string()).min(1), template: z.string() }),
  run: async (ctx, step, i) => {
    const { to: groups, template: name } = step.params;
    const template = ctx.config.templates.email.get(name);
    if (!template) throw new Error(`no email template "${name}"`);
    const to = [...new Set(groups.flatMap((g) => groupEmails(ctx.config.contacts, g)))];
    if (!to.length) return { status: 'skipped', detail: `no email addresses in ${groups.join(', ')} (contacts.yml)` };
    const data = dataFor(ctx, i, undefined, 'outside');
    const sent = await ctx.mailer.send({
      to,
      subject: template.subject.render(data).trim(),
      text: template.text.render(data),
      html: template.html?.render(data),
      headers: { 'X-Drbot-Incident': incidentRef(i.id), 'X-Drbot-Step': step.stepId },
    });
    return { status: 'done', detail: `emailed ${sent.accepted.length ? sent.accepted.join(', ') : to.join(', ')}`, result: { messageId: sent.messageId, to } };
  },
});

/** `email_resolution`: the resolution template to everyone an email step of this incident reached. */
export const resolutionEmailKind = defineStep({
  kind: 'email_resolution',
  params: z.object({}),
  run: async (ctx, _step, i) => {
    const reached = (await listSteps(ctx.db, i.id))
      .filter((s) => s.kind === emailKind.kind && s.status === 'done')
      .flatMap((s) => (Array.isArray(s.result?.to) ? (s.result!.to as string[]) : []));
    const to = [...new Set(reached)];
    if (!to.length) return { status: 'skipped', detail: 'no one was emailed about this incident' };
    const template = ctx.config.templates.email.get('resolution');
    if (!template) return { status: 'skipped', detail: 'no templates/email/resolution template' };
    const data = dataFor(ctx, i, undefined, 'outside');
    const sent = await ctx.mailer.send({
      to, subject: template.subject.render(data).trim(), text: template.text.render(data), html: template.html?.render(data),
      headers: { 'X-Drbot-Incident': incidentRef(i.id), 'X-Drbot-Step': 'resolution' },
    });
    return { status: 'done', detail: `resolution emailed to ${to.join(', ')}`, result: { messageId: sent.messageId, to } };
  },
});
