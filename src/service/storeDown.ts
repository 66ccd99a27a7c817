import { textMessage, type Line, type Message } from '../core/message.ts';
import type { AppContext } from './context.ts';

/**
 * What a person is told when drbot's database does not answer: what is unavailable, whether
 * their action was recorded, and what to do now — the escalation matrix from contacts.yml
 * (which drbot holds in memory), so people can be reached without drbot.
 */
export function storeDownMessage(ctx: AppContext, o: { recorded: string }): Message {
  return textMessage(...storeDownLines(ctx, o).map((l): Line => [l]));
}

export function storeDownLines(ctx: AppContext, o: { recorded: string }): string[] {
  return [
    `drbot cannot reach its database right now. ${o.recorded}`,
    'Try again in a minute (/readyz shows when the database is back). Meanwhile reach people directly:',
    ...fallbacks(ctx),
  ];
}

/** One line per escalation level: who, their phone, and the PagerDuty route for the level. */
export function fallbacks(ctx: AppContext): string[] {
  const c = ctx.config.contacts;
  const lines = [...c.escalation].sort((a, b) => a.level - b.level).map((e) => {
    const g = c.groups[e.group];
    const people = (g?.members ?? []).map((m) => c.people[m]).filter(Boolean)
      .map((p) => [p!.name, p!.phone ? `phone ${p!.phone}` : undefined, p!.email].filter(Boolean).join(', '));
    const pd = g?.pagerduty_routing_key ? 'PagerDuty: its own routing key' : 'PagerDuty: the default service';
    return `• Level ${e.level} — ${e.group}: ${people.join('; ') || (g?.emails ?? []).join(', ') || 'nobody listed'} (${pd})`;
  });
  return lines.length ? lines : ['• No escalation matrix in contacts.yml: page your on-call through PagerDuty directly.'];
}
