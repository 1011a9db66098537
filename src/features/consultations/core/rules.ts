// Pure rules of consultations (意见征集): the closing instant, the edit window, how a
// comment's text becomes safe links, and how an author is named in the public report.
import { addDays, cstDate, cstMidnight, isWorkingDay, NO_ADJUSTMENTS, validDate, type WorkCalendar } from '../../../lib/calendar.ts';
import type { AuthorKind, Channel } from '../tables.ts';

/** A comment's text may be changed this long after it was written (the database holds the same figure). */
export const EDIT_MINUTES = 15;
/** Distinct verified owners whose reports hide a comment until staff review it (the database holds the same figure). */
export const REPORTS_TO_HIDE = 3;
export const MAX_COMMENT_CHARS = 2000;
/** Top-level opinions per page of a thread. */
export const THREAD_PAGE_SIZE = 20;
/** How far ahead a consultation may close. */
export const MAX_DAYS_OPEN = 365;

/** Comments, replies and reports per person and hour (the same shape as accounts' LIMITS). */
export const COMMENT_LIMIT = { bucket: 'consultation_comment', max: 20, windowSeconds: 60 * 60 };
export const REPORT_LIMIT = { bucket: 'consultation_report', max: 30, windowSeconds: 60 * 60 };

/**
 * The closing instant of a consultation whose last day staff chose: 24:00 China time of
 * that day, or of the next working day when it is a rest day (Civil Code Arts. 201–203).
 */
export function closingInstant(lastDay: string, calendar: WorkCalendar = NO_ADJUSTMENTS): Date {
  let last = lastDay;
  for (let i = 0; i < 60 && !isWorkingDay(last, calendar); i++) last = addDays(last, 1);
  return cstMidnight(addDays(last, 1));
}

/** The last day staff may choose: after today (the day of opening does not count), within a year. */
export function checkLastDay(lastDay: string, now: Date): string | null {
  if (!validDate(lastDay)) return 'err.consultDate';
  const today = cstDate(now);
  if (lastDay <= today) return 'err.consultDatePast';
  if (lastDay > addDays(today, MAX_DAYS_OPEN)) return 'err.consultDateFar';
  return null;
}

/** Whether a comment may still be edited: within 15 minutes of writing. */
export function editable(createdAt: Date, now: Date): boolean {
  return now.getTime() < createdAt.getTime() + EDIT_MINUTES * 60_000;
}

export type TextPart = { text: string } | { href: string; text: string };

const LINK = /\bhttps?:\/\/[^\s<>"'（），。；！？、]+/giu;

/**
 * Plain text cut into text and links. Only http(s) addresses become links (never
 * javascript: or data:); trailing punctuation stays text. The page escapes every part.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of text.matchAll(LINK)) {
    let url = m[0];
    const trail = /[.,;:!?)\]}]+$/.exec(url);
    if (trail) url = url.slice(0, -trail[0].length);
    let href: string | null = null;
    try {
      const u = new URL(url);
      if (u.protocol === 'http:' || u.protocol === 'https:') href = u.href;
    } catch {
      href = null;
    }
    if (!href) continue;
    if (m.index > at) parts.push({ text: text.slice(at, m.index) });
    parts.push({ href, text: url });
    at = m.index + url.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** Control characters other than line breaks and tabs are dropped; line ends become \n. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** How an author is named in the public report: never a name or a number, only a building. */
export function reportAuthorKey(kind: AuthorKind, building: string | null): { key: string; params?: Record<string, string> } {
  if (kind === 'staff') return { key: 'consult.author.staff' };
  if (building) return { key: 'consult.author.building', params: { b: building } };
  return { key: 'consult.author.resident' };
}

export const channelKey = (c: Channel) => `consult.channel.${c}` as const;
