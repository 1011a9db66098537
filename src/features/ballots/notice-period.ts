/**
 * Dates of an owners' meeting notice, in China Standard Time (UTC+8, no daylight saving).
 *
 * The notice must be posted at least `noticeDays` (≥ 15) days before the vote opens
 * (Property Management Regulations Art. 14). Periods counted in days do not count the day
 * they start on (Civil Code Art. 201), so a notice posted on day D lets the vote open at
 * 00:00 of day D + noticeDays + 1. This is never earlier than the service's own floor
 * (earliestOpening: notice time + noticeDays), which stays the last line of defence.
 */
import { isCalendarDate } from '../../lib/input.ts';
import { CST, addDays, cstDate, cstMidnight } from '../../lib/calendar.ts';

/** The first moment the vote may open after a notice posted at `postedAt`. */
export function legalEarliestOpening(postedAt: Date, noticeDays: number): Date {
  return cstMidnight(addDays(cstDate(postedAt), Math.max(15, noticeDays) + 1));
}

/** "YYYY-MM-DDTHH:mm" typed into a datetime-local field, read as China Standard Time. */
export function parseLocalDateTime(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text) || !isCalendarDate(text.slice(0, 10))) return null;
  const d = new Date(`${text}:00+08:00`);
  if (Number.isNaN(d.getTime())) return null;
  // refuse dates that do not exist (2026-02-30 rolls over to March)
  return toLocalDateTime(d) === text ? d : null;
}

/** The value of a datetime-local field for an instant, in China Standard Time. */
export const toLocalDateTime = (d: Date): string => new Date(d.getTime() + CST).toISOString().slice(0, 16);
