// Calendar dates in China Standard Time (UTC+8, no daylight saving) and the work
// calendar of settings (public holidays, weekend days made working days).
import { isCalendarDate } from './input.ts';

export const DAY = 86_400_000;

export const CST = 8 * 3_600_000;

/** The calendar date (YYYY-MM-DD) of an instant in China Standard Time. */
export const cstDate = (d: Date): string => new Date(d.getTime() + CST).toISOString().slice(0, 10);

/** 00:00 China Standard Time of a calendar date. */
export const cstMidnight = (date: string): Date => new Date(`${date}T00:00:00+08:00`);

export const addDays = (date: string, days: number): string => cstDate(new Date(cstMidnight(date).getTime() + days * DAY));

/** A real calendar date YYYY-MM-DD. */
export function validDate(text: string): boolean {
  if (!isCalendarDate(text)) return false; // year 0000 too: PostgreSQL has no year 0
  const d = cstMidnight(text);
  return !Number.isNaN(d.getTime()) && cstDate(d) === text;
}

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

/** A list of dates as settings give it ("2026-10-01,2026-10-02"); refuses anything but real YYYY-MM-DD dates. */
export function parseDateList(text: string | undefined): string[] {
  const items = (text ?? '').split(/[,\s]+/).filter(Boolean);
  for (const d of items) if (!validDate(d)) throw new Error(`not a date (YYYY-MM-DD): ${d}`);
  return items;
}
