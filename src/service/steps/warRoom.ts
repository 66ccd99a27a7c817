import { z } from 'zod';
import { incidentRef } from '../../core/incident.ts';
import type { Line } from '../../core/message.ts';
import { textMessage } from '../../core/message.ts';
import { TransientError } from '../../ports.ts';
import type { StoredIncident } from '../../store/rows.ts';
import type { AppContext } from '../context.ts';
import { defineStep } from './define.ts';

/** Everyone the incident's chain names: severity responders, paged and emailed groups. */
export function allResponders(ctx: AppContext, i: StoredIncident): string[] {
  const groups = new Set(ctx.config.settings.severities[i.severity].responders);
  for (const s of ctx.config.chains[i.severity]) {
    const to = s.params.to;
    if (typeof to === 'string') groups.add(to);
    if (Array.isArray(to)) to.forEach((g) => groups.add(String(g)));
  }
  return [...new Set([i.declaredBy, i.commander, ...[...groups].flatMap((g) => ctx.config.groups[g] ?? [])])];
}

/** `war_room`: post the bridge link in the incident channel and invite every responder. */
export const warRoomKind = defineStep({
  kind: 'war_room',
  params: z.object({}),
  run: async (ctx, _step, i) => {
    if (!i.channelId) throw new TransientError('the incident channel is not open yet', 1000);
    const url = ctx.config.settings.warRoomUrl;
    const people = allResponders(ctx, i);
    await ctx.chat.invite(i.channelId, people);
    const line: Line = url
      ? [{ bold: `War room for ${incidentRef(i.id)} is open: ` }, { link: url, label: url }, '. All responders are invited to this channel.']
      : [{ bold: `War room for ${incidentRef(i.id)}` }, ': no bridge link configured (drbot.yml war_room_url). All responders are invited to this channel.'];
    await ctx.chat.post(i.channelId, textMessage(line));
    return { status: 'done', detail: `war room posted, ${people.length} responders invited` };
  },
});
