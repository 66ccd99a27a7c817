import type { Queryable } from '../db.ts';

export interface PostedCard {
  id: number;
  ts: string;
  /** The incident version the card shows. */
  version: number;
}

/**
 * Records posted cards (one statement for many) and lets go of them; a version only moves
 * forward, so an older render never wins.
 */
export async function setCardsPosted(q: Queryable, cards: PostedCard[]): Promise<void> {
  if (!cards.length) return;
  await q.query(
    `UPDATE incidents i SET card_ts = c.ts, card_version = GREATEST(i.card_version, c.version), card_lease_until = NULL
       FROM unnest($1::int[], $2::text[], $3::int[]) AS c(id, ts, version) WHERE i.id = c.id`,
    [cards.map((c) => c.id), cards.map((c) => c.ts), cards.map((c) => c.version)],
  );
}
