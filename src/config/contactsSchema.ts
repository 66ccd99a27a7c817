import { z } from 'zod';
import { email, slackGroupId, slackUserId } from './fields.ts';

const person = z.object({
  name: z.string().min(1).describe('Full name'),
  slack: slackUserId.optional().describe('Slack user id'),
  email: email.optional().describe('Email address'),
  phone: z.string().regex(/^\+?[0-9 ()-]{5,20}$/, 'expected a phone number such as +234 803 000 0000').optional()
    .describe('Phone number, listed as a fallback when drbot cannot reach its database'),
}).strict();

const group = z.object({
  description: z.string().optional(),
  members: z.array(z.string()).default([]).describe('Keys of people in this group'),
  slack_group: slackGroupId.optional().describe('Slack user group to mention for this group'),
  emails: z.array(email).default([]).describe('Extra addresses (lists, external liaisons)'),
  pagerduty_routing_key: z.string().optional().describe('Events API v2 routing key for pages to this group (default PAGERDUTY_ROUTING_KEY)'),
}).strict();

/** contacts.yml: people and groups. Who is who lives in data, not code. */
export const contactsFileSchema = z.object({
  people: z.record(z.string(), person).default({}),
  groups: z.record(z.string(), group).default({}),
  escalation: z.array(z.object({
    level: z.number().int().min(1),
    group: z.string().describe('Contact group paged at this level'),
    after: z.string().optional().describe('Escalate to the next level when not acknowledged within this (default: the severity response SLA)'),
  }).strict()).default([]).describe('Escalation matrix: who is paged at each level'),
}).strict().superRefine((c, ctx) => {
  for (const [g, def] of Object.entries(c.groups)) {
    def.members.forEach((m, i) => {
      if (!c.people[m]) ctx.addIssue({ code: 'custom', path: ['groups', g, 'members', i], message: `unknown person "${m}" (expected a key under people:)` });
    });
  }
  c.escalation.forEach((e, i) => {
    if (!c.groups[e.group]) ctx.addIssue({ code: 'custom', path: ['escalation', i, 'group'], message: `unknown group "${e.group}" (expected a key under groups:)` });
  });
});

export type ContactsFile = z.infer<typeof contactsFileSchema>;

/** Group → Slack user ids of its members (for permissions and invites). */
export function groupSlackMembers(c: ContactsFile): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(c.groups).map(([g, def]) => [g, def.members.map((m) => c.people[m]?.slack).filter((s): s is string => !!s)]),
  );
}

/** Group → email addresses of its members and its extra addresses. */
export function groupEmails(c: ContactsFile, groupName: string): string[] {
  const g = c.groups[groupName];
  if (!g) return [];
  const fromPeople = g.members.map((m) => c.people[m]?.email).filter((e): e is string => !!e);
  return [...new Set([...fromPeople, ...g.emails])];
}
