import type { Queryable } from '../db.ts';

export type AlertSlot = { allowed: true } | { allowed: false; stormKey: string; newStorm: boolean };

/**
 * May alerts open one more incident now? Under the lock of the `alert_rate` row (so replicas
 * take turns): yes when fewer than `perMinute` alert declares were reserved in the last minute,
 * or when this request key already holds a slot (the same webhook twice). Otherwise the storm
 * key to declare or join: the current one while `stormOpen` says its incident is still open,
 * else a new one. Run it inside a transaction.
 */
export async function reserveAlertIncident(
  tx: Queryable,
  o: { requestKey: string; now: Date; perMinute: number; stormOpen: (key: string) => Promise<boolean> },
): Promise<AlertSlot> {
  const [rate] = await tx.query<{ storm_key: string | null }>('SELECT storm_key FROM alert_rate WHERE single FOR UPDATE');
  const held = await tx.query('SELECT 1 FROM alert_declares WHERE request_key = $1', [o.requestKey]);
  if (held.length) return { allowed: true };
  const [{ n }] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM alert_declares WHERE at > $1', [new Date(o.now.getTime() - 60_000)]);
  if (n < o.perMinute) {
    await tx.query('INSERT INTO alert_declares (request_key, at) VALUES ($1, $2)', [o.requestKey, o.now]);
    await tx.query('DELETE FROM alert_declares WHERE at < $1', [new Date(o.now.getTime() - 3_600_000)]);
    return { allowed: true };
  }
  if (rate.storm_key && (await o.stormOpen(rate.storm_key))) return { allowed: false, stormKey: rate.storm_key, newStorm: false };
  const stormKey = `alert-storm:${o.now.toISOString()}`;
  await tx.query('UPDATE alert_rate SET storm_key = $1 WHERE single', [stormKey]);
  return { allowed: false, stormKey, newStorm: true };
}
