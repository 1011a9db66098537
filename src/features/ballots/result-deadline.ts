import { NO_ADJUSTMENTS, type WorkCalendar, addDays, cstDate, cstMidnight, isWorkingDay } from '../../lib/calendar.ts';

// Results of an owners' vote are due within one working day of the close (Beijing): by the
// end of the next working day, China Standard Time. Working days are Monday to Friday,
// except public holidays, plus the weekend days made working days to balance them (调休);
// the State Council publishes both each year, so they come from settings.

/** The moment the preliminary result is due: 24:00 of the first working day after the close. */
export function preliminaryDue(closedAt: Date, calendar: WorkCalendar = NO_ADJUSTMENTS): Date {
  let day = addDays(cstDate(closedAt), 1);
  for (let i = 0; i < 60 && !isWorkingDay(day, calendar); i++) day = addDays(day, 1);
  return cstMidnight(addDays(day, 1));
}

export type DeadlineState = 'pending' | 'overdue' | 'metOnTime' | 'metLate';

/** Where a closed vote stands against its deadline for the preliminary result. */
export function preliminaryDeadline(
  closedAt: Date,
  firstPublishedAt: Date | null,
  now: Date,
  calendar: WorkCalendar = NO_ADJUSTMENTS,
): { due: Date; state: DeadlineState } {
  const due = preliminaryDue(closedAt, calendar);
  if (firstPublishedAt) return { due, state: firstPublishedAt < due ? 'metOnTime' : 'metLate' };
  return { due, state: now < due ? 'pending' : 'overdue' };
}

/** A vote's deadline for its preliminary result, or null while it is open (it closed when closed by staff, or at its end). */
export function voteDeadline(
  b: { closed_at: Date | null; closes_at: Date },
  firstPublishedAt: Date | null,
  now: Date,
  calendar: WorkCalendar = NO_ADJUSTMENTS,
) {
  const closedAt = b.closed_at ?? (b.closes_at <= now ? b.closes_at : null);
  return closedAt ? preliminaryDeadline(closedAt, firstPublishedAt, now, calendar) : null;
}
