import { incidentCard } from '../core/card.ts';
import { listStaleCards } from '../store/sql/listStaleCards.ts';
import { setCardsPosted, type PostedCard } from '../store/sql/setCardPosted.ts';
import type { AppContext } from './context.ts';

/** Cards redrawn per pass at most (the rest wait for the next pass). */
const CARDS_PER_PASS = 100;

/**
 * Redraws, in place, every card whose incident changed since it was posted (after each
 * scheduler pass): one read for all of them, then `chat.update` each with the latest state,
 * then one write recording what was drawn. Idempotent, so two replicas doing it at once is
 * harmless; a card whose update failed stays stale and is tried again next pass.
 */
export async function refreshStaleCards(ctx: AppContext): Promise<void> {
  const drawn: PostedCard[] = [];
  try {
    for (const { incident: i, steps } of await listStaleCards(ctx.db, CARDS_PER_PASS)) {
      if (!i.cardTs || !i.channelId) continue;
      try {
        await ctx.chat.update(i.channelId, i.cardTs, incidentCard(i, ctx.config.settings, ctx.clock.now(), steps));
        drawn.push({ id: i.id, ts: i.cardTs, version: i.version });
      } catch (e) {
        ctx.metrics.errors.inc({ where: 'card' });
        ctx.log.warn({ err: e, incident: i.id }, 'card refresh failed; will try again');
      }
    }
  } finally {
    await setCardsPosted(ctx.db, drawn);
  }
}
