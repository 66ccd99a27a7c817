import { z } from 'zod';
import type { ChainStep } from '../core/chain.ts';
import { duration } from './fields.ts';

const base = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case id like page-oncall (letters, digits, -)').describe('Unique within the file; a step id that already ran is not run again after /dr sev'),
  at: duration.describe('When, after the declaration: 0s, 5m, 1h, 1d'),
  label: z.string().min(1).optional().describe('What the card and timeline call this step'),
  when: z.enum(['compliance_impact', 'public']).optional().describe('Only when the incident has compliance impact / is not private'),
};
const channel = z.enum(['incident', 'engineering', 'alerts', 'announcements']).describe('incident = the incident channel; others from drbot.yml channels');

/** One step of a chain; `kind` says what it does and which fields it takes. */
export const chainStepSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('page'), to: z.string().describe('Contact group paged (escalation level 1 when it is in the matrix)') }).strict(),
  z.object({ ...base, kind: z.literal('slack'), channel, template: z.string().describe('Template in templates/slack/') }).strict(),
  z.object({ ...base, kind: z.literal('email'), to: z.array(z.string()).min(1).describe('Contact groups'), template: z.string().describe('Template in templates/email/') }).strict(),
  z.object({ ...base, kind: z.literal('war_room') }).strict(),
  z.object({ ...base, kind: z.literal('statuspage') }).strict(),
  z.object({ ...base, kind: z.literal('ticket'), labels: z.array(z.string()).default(['incident']) }).strict(),
  z.object({ ...base, kind: z.literal('check_assigned'), channel: channel.default('alerts') }).strict(),
  z.object({ ...base, kind: z.literal('reminder'), channel, text: z.string().min(1).describe('What to post (a template string)') }).strict(),
], { error: (issue) => (issue.code === 'invalid_union' ? 'unknown step kind: expected page, slack, email, war_room, statuspage, ticket, check_assigned or reminder' : undefined) });

export const chainFileSchema = z.object({
  description: z.string().optional(),
  steps: z.array(chainStepSchema),
}).strict().superRefine((f, ctx) => {
  const seen = new Set<string>();
  f.steps.forEach((s, i) => {
    if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id "${s.id}"` });
    seen.add(s.id);
  });
});

export type ChainStepFile = z.infer<typeof chainStepSchema>;

const DEFAULT_LABEL: Record<ChainStepFile['kind'], (s: ChainStepFile) => string> = {
  page: (s) => `PagerDuty → ${(s as { to: string }).to}`,
  slack: (s) => `Slack → #${(s as { channel: string }).channel}`,
  email: (s) => `Email → ${(s as { to: string[] }).to.join(', ')}`,
  war_room: () => 'War room',
  statuspage: () => 'Status page update',
  ticket: () => 'Tracking ticket',
  check_assigned: () => 'Engineer assigned?',
  reminder: (s) => `Reminder → #${(s as { channel: string }).channel}`,
};

export function toChainStep(s: ChainStepFile): ChainStep {
  const { id, at, label, when, kind, ...params } = s;
  return { id, atMs: at, kind, label: label ?? DEFAULT_LABEL[kind](s), when, params };
}
