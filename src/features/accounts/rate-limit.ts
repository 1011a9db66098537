import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';

// Fixed-window counters in PostgreSQL, so that every server instance shares them.

export interface Limit {
  bucket: string;
  max: number;
  windowSeconds: number;
}

export const LIMITS = {
  sms: { bucket: 'sms', max: 5, windowSeconds: 60 * 60 },
  smsIp: { bucket: 'sms_ip', max: 20, windowSeconds: 60 * 60 },
  reset: { bucket: 'reset', max: 5, windowSeconds: 60 * 60 },
  // refused ballot forms per account; accepted casts are limited per household inside the
  // cast's own database call (src/features/ballots/fast-cast.ts: CAST_LIMIT)
  castRefused: { bucket: 'cast', max: 30, windowSeconds: 60 },
  objection: { bucket: 'objection', max: 10, windowSeconds: 60 * 60 },
  // donation offers per account (every attempt counts)
  donationOffer: { bucket: 'donation_offer', max: 10, windowSeconds: 60 * 60 },
  ratingRate: { bucket: 'rating_rate', max: 30, windowSeconds: 60 * 60 },
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
  await db
    .deleteFrom('rate_limits')
    .where('window_start', '<', new Date(now.getTime() - 24 * 3600 * 1000))
    .execute();
  await db
    .deleteFrom('sign_in_throttle')
    .where('last_failure_at', '<', new Date(now.getTime() - FORGET_AFTER_SECONDS * 1000))
    .execute();
}

// Failed sign-ins never lock an account: each failure beyond a free allowance imposes a
// wait that doubles (1 s, 2 s, 4 s …) up to a ceiling, and attempts made during the wait
// are answered "try again in N seconds" without trying the password and without counting.
// The right password always works once the wait is over. Failures are counted per account
// and per address for browsers that never signed in to that account, and per device for
// a browser that did (a known device): an attacker elsewhere cannot slow its owner down.

export interface Throttle {
  bucket: string;
  /** failures without any wait */
  free: number;
  /** the longest wait one failure can impose */
  maxSeconds: number;
}

export const THROTTLES = {
  // per mobile number, from unknown browsers; a low ceiling: staff on a new device wait at most a minute
  account: { bucket: 'sign_in_account', free: 5, maxSeconds: 60 },
  // per address, every account: offices and homes share NAT addresses, hence the allowance
  address: { bucket: 'sign_in_address', free: 20, maxSeconds: 15 * 60 },
  // per known device of the account
  device: { bucket: 'sign_in_device', free: 5, maxSeconds: 15 * 60 },
} satisfies Record<string, Throttle>;

/** A day without failures forgets the earlier ones. */
export const FORGET_AFTER_SECONDS = 24 * 3600;

/** The wait after the n-th failure in a row. */
export const waitAfter = (t: Throttle, failures: number): number => (failures <= t.free ? 0 : Math.min(t.maxSeconds, 2 ** (failures - t.free - 1)));

export type ThrottleKey = { throttle: Throttle; key: string };

/** Whole seconds to wait before the next attempt is tried (0: go ahead). */
export async function secondsToWait(db: Kysely<Database>, keys: ThrottleKey[], now = new Date()): Promise<number> {
  let until = 0;
  for (const { throttle, key } of keys) {
    const row = await db.selectFrom('sign_in_throttle').select('blocked_until').where('bucket', '=', throttle.bucket).where('key', '=', key).executeTakeFirst();
    if (row) until = Math.max(until, row.blocked_until.getTime());
  }
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

/** Counts one failure under each key and sets the wait it imposes. */
export async function recordFailure(db: Kysely<Database>, keys: ThrottleKey[], now = new Date()): Promise<void> {
  for (const { throttle, key } of keys) {
    const forgetBefore = new Date(now.getTime() - FORGET_AFTER_SECONDS * 1000);
    const failures = sql<number>`case when sign_in_throttle.last_failure_at < ${forgetBefore} then 1 else sign_in_throttle.failures + 1 end`;
    const wait = (f: unknown) =>
      sql<Date>`${now}::timestamptz + make_interval(secs => case when ${f} <= ${throttle.free} then 0 else least(${throttle.maxSeconds}, power(2, ${f} - ${throttle.free} - 1)) end)`;
    await db
      .insertInto('sign_in_throttle')
      .values({ bucket: throttle.bucket, key, failures: 1, last_failure_at: now, blocked_until: new Date(now.getTime() + waitAfter(throttle, 1) * 1000) })
      .onConflict((oc) => oc.columns(['bucket', 'key']).doUpdateSet({ failures, last_failure_at: now, blocked_until: wait(failures) }))
      .execute();
  }
}

/** A known device that signed in starts afresh. */
export async function clearFailures(db: Kysely<Database>, key: ThrottleKey): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('bucket', '=', key.throttle.bucket).where('key', '=', key.key).execute();
}
