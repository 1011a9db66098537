import { addDays, cstDate, cstMidnight, validDate } from './notice-period.ts';

// Results of an owners' vote are due within one working day of the close (Beijing): by the
// end of the next working day, China Standard Time. Working days are Monday to Friday,
// except public holidays, plus the weekend days made working days to balance them (调休);
// the State Council publishes both each year, so they come from settings.

export interface WorkCalendar {
  holidays: ReadonlySet<string>;
  /** weekend days that are working days (调休上班) */
  makeUpWorkdays: ReadonlySet<string>;
}

export const NO_ADJUSTMENTS: WorkCalendar = { holidays: new Set(), makeUpWorkdays: new Set() };

export function isWorkingDay(date: string, calendar: WorkCalendar = NO_ADJUSTMENTS): boolean {
  if (calendar.makeUpWorkdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay(); // of the calendar date itself: 0 Sunday … 6 Saturday
  return weekday !== 0 && weekday !== 6;
}

/** The moment the preliminary result is due: 24:00 of the first working day after the close. */
export function preliminaryDue(closedAt: Date, calendar: WorkCalendar = NO_ADJUSTMENTS): Date {
  let day = addDays(cstDate(closedAt), 1);
  for (let i = 0; i < 60 && !isWorkingDay(day, calendar); i++) day = addDays(day, 1);
  return cstMidnight(addDays(day, 1));
}

/** A list of dates as settings give it ("2026-10-01,2026-10-02"); refuses anything but real YYYY-MM-DD dates. */
export function parseDateList(text: string | undefined): string[] {
  const items = (text ?? '').split(/[,\s]+/).filter(Boolean);
  for (const d of items) if (!validDate(d)) throw new Error(`not a date (YYYY-MM-DD): ${d}`);
  return items;
}

export type DeadlineState = 'pending' | 'overdue' | 'metOnTime' | 'metLate';

/** Where a closed vote stands against its deadline for the preliminary result. */
export function preliminaryDeadline(closedAt: Date, firstPublishedAt: Date | null, now: Date, calendar: WorkCalendar = NO_ADJUSTMENTS): { due: Date; state: DeadlineState } {
  const due = preliminaryDue(closedAt, calendar);
  if (firstPublishedAt) return { due, state: firstPublishedAt < due ? 'metOnTime' : 'metLate' };
  return { due, state: now < due ? 'pending' : 'overdue' };
}

/** A vote's deadline for its preliminary result, or null while it is open (it closed when closed by staff, or at its end). */
export function voteDeadline(b: { closed_at: Date | null; closes_at: Date }, firstPublishedAt: Date | null, now: Date, calendar: WorkCalendar = NO_ADJUSTMENTS) {
  const closedAt = b.closed_at ?? (b.closes_at <= now ? b.closes_at : null);
  return closedAt ? preliminaryDeadline(closedAt, firstPublishedAt, now, calendar) : null;
}
