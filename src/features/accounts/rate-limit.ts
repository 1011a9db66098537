import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';

// Fixed-window counters in PostgreSQL, so that every server instance shares them.

export interface Limit {
  bucket: string;
  max: number;
  windowSeconds: number;
}

export const LIMITS = {
  signIn: { bucket: 'sign_in', max: 10, windowSeconds: 15 * 60 },
  signInIp: { bucket: 'sign_in_ip', max: 300, windowSeconds: 15 * 60 }, // offices and homes share NAT addresses
  sms: { bucket: 'sms', max: 5, windowSeconds: 60 * 60 },
  smsIp: { bucket: 'sms_ip', max: 20, windowSeconds: 60 * 60 },
  reset: { bucket: 'reset', max: 5, windowSeconds: 60 * 60 },
  // refused ballot forms per account; accepted casts are limited per household inside the
  // cast's own database call (src/features/ballots/fast-cast.ts: CAST_LIMIT)
  castRefused: { bucket: 'cast', max: 30, windowSeconds: 60 },
  objection: { bucket: 'objection', max: 10, windowSeconds: 60 * 60 },
  // donation offers per account (every attempt counts)
  donationOffer: { bucket: 'donation_offer', max: 10, windowSeconds: 60 * 60 },
} satisfies Record<string, Limit>;

export function windowStart(now: Date, windowSeconds: number): Date {
  const ms = windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / ms) * ms);
}

/** Counts one hit; true while the key is within its limit for the current window. */
export async function hit(db: Kysely<Database>, limit: Limit, key: string, now = new Date()): Promise<boolean> {
  const start = windowStart(now, limit.windowSeconds);
  const row = await db
    .insertInto('rate_limits')
    .values({ bucket: limit.bucket, key, window_start: start, hits: 1 })
    .onConflict((oc) => oc.columns(['bucket', 'key', 'window_start']).doUpdateSet({ hits: sql`rate_limits.hits + 1` }))
    .returning('hits')
    .executeTakeFirstOrThrow();
  return row.hits <= limit.max;
}

/** True while the key is within its limit, without counting a hit (for limits on failures only). */
export async function within(db: Kysely<Database>, limit: Limit, key: string, now = new Date()): Promise<boolean> {
  const row = await db
    .selectFrom('rate_limits')
    .select('hits')
    .where('bucket', '=', limit.bucket)
    .where('key', '=', key)
    .where('window_start', '=', windowStart(now, limit.windowSeconds))
    .executeTakeFirst();
  return (row?.hits ?? 0) < limit.max;
}

/** Old windows are useless; called now and then. */
export async function pruneRateLimits(db: Kysely<Database>, now = new Date()): Promise<void> {
  await db.deleteFrom('rate_limits').where('window_start', '<', new Date(now.getTime() - 24 * 3600 * 1000)).execute();
}
