import { z } from 'zod';

// Bad input never reaches the database as an error. Every id and date that comes from a
// URL, a query string or a form goes through these before any query: PostgreSQL would
// refuse an integer above 2³¹−1 or a date that does not exist with an error (a 500 and
// its text), so they are refused here as "not found" / "not a date" instead.

/** The largest PostgreSQL `integer` (and `serial` id). */
export const MAX_INT4 = 2_147_483_647;

/** A record id from a path or query parameter: decimal digits, 1 … 2³¹−1; anything else is null (a 404). */
export function parseId(text: string | null | undefined): number | null {
  if (typeof text !== 'string' || !/^[1-9]\d{0,9}$/.test(text)) return null;
  const n = Number(text);
  return n <= MAX_INT4 ? n : null;
}

/** A real calendar date YYYY-MM-DD that PostgreSQL stores: years 0001–9999, no 2026-02-30. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || text.startsWith('0000')) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** A form field holding a record id (positive, at most 2³¹−1); its message is a dictionary key. */
export const zId = (message?: string) => {
  const m = message === undefined ? undefined : { message };
  return z.coerce.number(m).int(m).positive(m).max(MAX_INT4, m);
};

/** A form field holding a calendar date YYYY-MM-DD (see isCalendarDate). */
export const zDate = (message = 'err.date') => z.string({ message }).trim().refine(isCalendarDate, message);
