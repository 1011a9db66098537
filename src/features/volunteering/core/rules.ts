// Pure rules of volunteering: hours, places left, task times, spreadsheet cells.
// The waiting list itself is kept by the database (migration 0021): a sign-up is
// confirmed while places are left, otherwise it waits; a freed place goes to the first
// waiting (order of arrival).
import type { MessageKey } from '../../../i18n/index.ts';

/** Longest a task may be, and how far ahead it may be posted. */
export const MAX_TASK_HOURS = 24;
export const MAX_DAYS_AHEAD = 366;
export const MAX_PLACES = 1000;

/** Hours typed by staff ("2", "2.5", "1.25" refused: at most one decimal), as whole minutes; null if not 0 < h ≤ 24. */
export function parseHours(text: string): number | null {
  const m = /^(\d{1,2})(?:[.．](\d))?$/.exec(text.trim());
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2] ?? 0) * 6;
  return minutes >= 1 && minutes <= MAX_TASK_HOURS * 60 ? minutes : null;
}

/** Minutes as hours with at most one decimal ("2", "2.5"), from integers only. */
export function formatHours(minutes: number): string {
  const tenths = Math.round(minutes / 6);
  return tenths % 10 === 0 ? String(tenths / 10) : `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** A task's length in minutes, rounded down to whole tenths of an hour and capped at 24 hours: the default hours credited. */
export function taskMinutes(startsAt: Date, endsAt: Date): number {
  const minutes = Math.floor((endsAt.getTime() - startsAt.getTime()) / 360_000) * 6;
  return Math.max(6, Math.min(minutes, MAX_TASK_HOURS * 60));
}

export function placesLeft(places: number, taken: number): number {
  return Math.max(0, places - taken);
}

export type TaskTimeError = { field: 'startsAt' | 'endsAt'; error: MessageKey };

/** A new task starts in the future (within a year) and lasts more than nothing, at most 24 hours. */
export function checkTaskTimes(startsAt: Date, endsAt: Date, now: Date): TaskTimeError | null {
  if (startsAt.getTime() <= now.getTime()) return { field: 'startsAt', error: 'err.volunteerPast' };
  if (startsAt.getTime() > now.getTime() + MAX_DAYS_AHEAD * 86_400_000) return { field: 'startsAt', error: 'err.volunteerTooFar' };
  if (endsAt.getTime() <= startsAt.getTime()) return { field: 'endsAt', error: 'err.volunteerEndBeforeStart' };
  if (endsAt.getTime() - startsAt.getTime() > MAX_TASK_HOURS * 3_600_000) return { field: 'endsAt', error: 'err.volunteerTooLong' };
  return null;
}

/** Text for a spreadsheet cell that a spreadsheet program will not run as a formula (=, +, -, @, tab, CR lead). */
export function neutraliseCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Sign-ups and cancellations per person and hour (a rate limit; the same shape as accounts' LIMITS). */
export const VOLUNTEER_LIMIT = { bucket: 'volunteer', max: 60, windowSeconds: 60 * 60 };
