import { incidentCard } from '../core/card.ts';
import { getIncident } from '../store/sql/getIncident.ts';
import { listStaleCards } from '../store/sql/listStaleCards.ts';
import { listSteps } from '../store/sql/listSteps.ts';
import { setCardPosted } from '../store/sql/setCardPosted.ts';
import type { AppContext } from './context.ts';

/**
 * Redraws an incident's card in place when the stored incident is newer than the posted card.
 * Idempotent (`chat.update` with the latest state), so two replicas doing it at once is harmless.
 */
export async function refreshCard(ctx: AppContext, incidentId: number): Promise<boolean> {
  const i = await getIncident(ctx.db, incidentId);
  if (!i?.cardTs || !i.channelId || i.cardVersion >= i.version) return false;
  const card = incidentCard(i, ctx.config.settings, ctx.clock.now(), await listSteps(ctx.db, i.id));
  await ctx.chat.update(i.channelId, i.cardTs, card);
  await setCardPosted(ctx.db, i.id, i.cardTs, i.version);
  return true;
}

/** Redraws every card whose incident changed since it was posted (after each scheduler pass). */
export async function refreshStaleCards(ctx: AppContext): Promise<void> {
  for (const id of await listStaleCards(ctx.db)) {
    await refreshCard(ctx, id).catch((e) => {
      ctx.metrics.errors.inc({ where: 'card' });
      ctx.log.warn({ err: e, incident: id }, 'card refresh failed; will try again');
    });
  }
}
