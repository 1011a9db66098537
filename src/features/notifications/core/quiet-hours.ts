// No text message between 21:00 and 08:00 Asia/Shanghai (UTC+8, no daylight saving), except
// sign-in codes, which never pass through the outbox. A text due in quiet hours waits until 08:00.

const OFFSET_MS = 8 * 3_600_000;
const HOUR_MS = 3_600_000;
export const QUIET_FROM_HOUR = 21;
export const QUIET_UNTIL_HOUR = 8;

/** True when `at` falls in quiet hours, Beijing time. */
export function inQuietHours(at: Date): boolean {
  const hour = new Date(at.getTime() + OFFSET_MS).getUTCHours();
  return hour >= QUIET_FROM_HOUR || hour < QUIET_UNTIL_HOUR;
}

/** The first moment at or after `at` when a text may go out: `at` itself, or the next 08:00 Beijing time. */
export function smsAllowedAt(at: Date): Date {
  if (!inQuietHours(at)) return at;
  const local = new Date(at.getTime() + OFFSET_MS);
  const day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const eight = day + QUIET_UNTIL_HOUR * HOUR_MS - OFFSET_MS;
  return new Date(local.getUTCHours() < QUIET_UNTIL_HOUR ? eight : eight + 24 * HOUR_MS);
}
