import { incidentCard } from '../core/card.ts';
import { claimStaleCards } from '../store/sql/claimStaleCards.ts';
import { setCardsPosted, type PostedCard } from '../store/sql/setCardsPosted.ts';
import type { AppContext } from './context.ts';

/** Cards redrawn per pass at most (the rest wait for the next pass). */
const CARDS_PER_PASS = 100;
/** How long a replica holds the cards it redraws; one whose update failed is tried again after it. */
export const CARD_LEASE_MS = 15_000;

/**
 * Redraws, in place, every card whose incident changed since it was posted (after each
 * scheduler pass): one statement takes them (with their steps) from the store, then
 * `chat.update` each with the latest state, then one statement records what was drawn. A card
 * taken by one replica is not redrawn by another meanwhile; one whose update failed stays stale
 * and is tried again once its hold runs out (`CARD_LEASE_MS`), as is one whose replica died.
 * Each redraw waits for `stepsFirst()` (the scheduler's claimed steps are sent first).
 */
export async function refreshStaleCards(ctx: AppContext, stepsFirst: () => Promise<void> = async () => {}): Promise<void> {
  const drawn: PostedCard[] = [];
  try {
    for (const { incident: i, steps } of await claimStaleCards(ctx.db, { now: ctx.clock.now(), leaseMs: CARD_LEASE_MS, limit: CARDS_PER_PASS })) {
      if (!i.cardTs || !i.channelId) continue;
      // A chain step falling due now goes before a card (drawn with the latest state after it).
      await stepsFirst();
      try {
        await ctx.chat.update(i.channelId, i.cardTs, incidentCard(i, ctx.config.settings, ctx.clock.now(), steps));
        drawn.push({ id: i.id, ts: i.cardTs, version: i.version });
      } catch (e) {
        ctx.metrics.errors.inc({ where: 'card' });
        ctx.log.warn({ err: e, incident: i.id }, `card refresh failed; will try again when its hold runs out (${CARD_LEASE_MS / 1000} s)`);
      }
    }
  } finally {
    await setCardsPosted(ctx.db, drawn);
  }
}
