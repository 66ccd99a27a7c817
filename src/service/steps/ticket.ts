import { z } from 'zod';
import { incidentRef } from '../../core/incident.ts';
import { severityLabel } from '../../core/severity.ts';
import { saveExternalRef } from '../../store/sql/saveExternalRef.ts';
import { defineStep } from './define.ts';

/** `ticket`: the incident's tracking issue on GitHub (found by its marker, so never opened twice). */
export const ticketKind = defineStep({
  kind: 'ticket',
  uses: ['tracker'],
  params: z.object({ labels: z.array(z.string()).default(['incident']) }),
  run: async (ctx, step, i) => {
    const marker = `drbot:${incidentRef(i.id)}:ticket`;
    const issue = await ctx.tracker.ensureIssue({
      marker,
      title: `[${severityLabel(i.severity)}] ${incidentRef(i.id)}: ${i.title}`,
      body: [`Incident ${incidentRef(i.id)} declared by ${ctx.name(i.declaredBy)}.`, '', `Impact: ${i.impact || 'being assessed'}`, i.channelName ? `Slack: #${i.channelName}` : '', '', `<!-- ${marker} -->`].join('\n'),
      labels: step.params.labels,
    });
    await saveExternalRef(ctx.db, i.id, { kind: 'github_issue', key: 'ticket', ref: String(issue.number), url: issue.url }, ctx.clock.now());
    return { status: 'done', detail: `${issue.created ? 'opened' : 'found'} issue #${issue.number}`, result: { number: issue.number, url: issue.url } };
  },
});
