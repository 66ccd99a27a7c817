import { z } from 'zod';
import { announcement, incidentCard } from '../../core/card.ts';
import { channelName } from '../../core/channelName.ts';
import { channelTopic } from '../../core/text.ts';
import { ChatError } from '../../ports.ts';
import { getIncidentWithSteps } from '../../store/sql/getIncidentWithSteps.ts';
import { setCardsPosted } from '../../store/sql/setCardsPosted.ts';
import { setIncidentChannel } from '../../store/sql/setIncidentChannel.ts';
import type { StoredIncident } from '../../store/rows.ts';
import type { AppContext } from '../context.ts';
import { defineStep } from './define.ts';

const NAME_ATTEMPTS = 5;

/** Slack user ids to invite: the declarer and the severity's responder groups. */
export function respondersOf(ctx: AppContext, i: StoredIncident): string[] {
  const groups = ctx.config.settings.severities[i.severity].responders;
  return [...new Set([i.declaredBy, ...groups.flatMap((g) => ctx.config.groups[g] ?? [])])];
}

/**
 * Declare's own work: create the channel, invite, post the card, announce. Each part that
 * succeeds is checkpointed in the store at once, so a retry after a crash skips it (only the
 * one call in flight at the crash can repeat).
 */
export const openChannelKind = defineStep({
  kind: 'open_channel',
  params: z.object({}),
  run: async (ctx, _step, claimed) => {
    let i = claimed;
    const { settings } = ctx.config;
    if (!i.channelId) {
      let created: { id: string; name: string } | undefined;
      for (let attempt = 0; !created && attempt < NAME_ATTEMPTS; attempt++) {
        const name = channelName(settings.channelNamePattern, i, settings.timeZone, attempt);
        try {
          created = await ctx.chat.createChannel(name, { private: i.private });
        } catch (e) {
          if (!(e instanceof ChatError && e.code === 'name_taken')) throw e;
        }
      }
      if (!created) throw new Error(`no free channel name after ${NAME_ATTEMPTS} tries`);
      await setIncidentChannel(ctx.db, i.id, created.id, created.name);
      i = { ...i, channelId: created.id, channelName: created.name };
      await ctx.chat.setTopic(created.id, channelTopic(i));
    }
    await ctx.chat.invite(i.channelId!, respondersOf(ctx, i));
    if (!i.cardTs) {
      const fresh = (await getIncidentWithSteps(ctx.db, { id: i.id }))!;
      const posted = await ctx.chat.post(i.channelId!, incidentCard(fresh.incident, settings, ctx.clock.now(), fresh.steps));
      await setCardsPosted(ctx.db, [{ id: i.id, ts: posted.ts, version: fresh.incident.version }]);
    }
    // A private incident (security) is not announced in public.
    if (!i.private) await ctx.chat.post(settings.channels.announcements, announcement(i, settings));
    return { status: 'done', detail: `opened #${i.channelName}`, result: { channel: i.channelId, name: i.channelName }, changedIncident: true };
  },
});
