import { addDays, cstDate, cstMidnight, validDate } from '../../lib/calendar.ts';
import { isWorkingDay, NO_ADJUSTMENTS, type WorkCalendar } from '../../lib/calendar.ts';
import type { Convener } from './tables.ts';
import type { MessageKey } from '../../i18n/index.ts';

// Pure rules of the objection period that follows a preliminary result (公示期) and of the
// owners' committee's co-signature of a result. No I/O: the services read the facts and
// ask these functions; the answers are dictionary keys.
//
// The period runs from the publication of the first preliminary bulletin for
// `objectionDays` days (a correction publishes a new version but does not restart it),
// exactly as publishBulletin reckons it before the final announcement. Like the notice
// period it follows Civil Code Arts. 201–203: the day of publication does not count, the
// period ends at 24:00 (China Standard Time) of its last day, and when that day is a rest
// day (a weekend day not made a working day, or a public holiday) at 24:00 of the next
// working day. No objection is recorded once a final announcement exists. Online, an
// objection is accepted only inside it. A paper letter handed to the office is dated by
// the day it was received: staff may record it later, as long as that day lies inside the
// period (dates in China Standard Time; the day the period ends still counts, as the hour
// of a letter is rarely known).

export interface ObjectionWindow {
  start: Date;
  end: Date;
}

/** The last day of a period of `days` days that starts on the day of `start` (which does not count), moved past rest days. */
export function periodLastDay(start: Date, days: number, calendar: WorkCalendar = NO_ADJUSTMENTS): string {
  let last = addDays(cstDate(start), Math.max(1, days));
  for (let i = 0; i < 60 && !isWorkingDay(last, calendar); i++) last = addDays(last, 1);
  return last;
}

/** The objection period, or null while no preliminary result has been published: it ends at 24:00 of its last day. */
export function objectionWindow(
  firstPreliminaryAt: Date | null | undefined,
  objectionDays: number,
  calendar: WorkCalendar = NO_ADJUSTMENTS,
): ObjectionWindow | null {
  if (!firstPreliminaryAt) return null;
  return { start: firstPreliminaryAt, end: cstMidnight(addDays(periodLastDay(firstPreliminaryAt, objectionDays, calendar), 1)) };
}

export type PeriodState = 'none' | 'open' | 'over';

export function periodState(window: ObjectionWindow | null, now: Date): PeriodState {
  if (!window || now < window.start) return 'none';
  return now < window.end ? 'open' : 'over';
}

type Verdict = { ok: true } | { ok: false; error: MessageKey; field?: string };
const ok: Verdict = { ok: true };

/** Only a preliminary result is objected to, and only until a final announcement exists (a correction is a new version). */
export function mayObjectTo(stage: 'preliminary' | 'final' | null | undefined, finalPublished = false): Verdict {
  if (!stage) return { ok: false, error: 'err.noSuchVersion', field: 'version' };
  if (stage !== 'preliminary') return { ok: false, error: 'err.objectFinal', field: 'version' };
  return finalPublished ? { ok: false, error: 'err.finalPublished' } : ok;
}

/** An owner lodging online: only while the period is running. */
export function mayLodgeOnline(window: ObjectionWindow | null, now: Date): Verdict {
  const state = periodState(window, now);
  if (state === 'none') return { ok: false, error: 'err.noObjectionPeriod' };
  if (state === 'over') return { ok: false, error: 'err.objectionPeriodOver' };
  return ok;
}

/** The first and last calendar days (CST) on which an objection could be received. */
export function windowDays(window: ObjectionWindow): { first: string; last: string } {
  return { first: cstDate(window.start), last: cstDate(new Date(window.end.getTime() - 1)) };
}

/** Staff recording a written objection received on `receivedOn`: that day inside the period, and not in the future. */
export function mayRecordWritten(window: ObjectionWindow | null, receivedOn: string, now: Date): Verdict {
  if (!window || now < window.start) return { ok: false, error: 'err.noObjectionPeriod' };
  if (!validDate(receivedOn)) return { ok: false, error: 'err.date', field: 'receivedOn' };
  if (receivedOn > cstDate(now)) return { ok: false, error: 'err.dateInFuture', field: 'receivedOn' };
  const { first, last } = windowDays(window);
  if (receivedOn < first || receivedOn > last) return { ok: false, error: 'err.receivedOutsidePeriod', field: 'receivedOn' };
  return ok;
}

/** A response is written once. */
export function mayRespond(existing: { response: string | null }): Verdict {
  return existing.response === null ? ok : { ok: false, error: 'err.alreadyAnswered' };
}

/**
 * A co-signature: only of a ballot the owners' committee convened, dated neither before
 * the version it signs was published nor after today.
 */
export function mayCosign(convener: Convener, publishedAt: Date, signedOn: string, now: Date): Verdict {
  if (convener !== 'owners_committee') return { ok: false, error: 'err.notOwnersCommittee' };
  if (!validDate(signedOn)) return { ok: false, error: 'err.date', field: 'signedOn' };
  if (signedOn > cstDate(now)) return { ok: false, error: 'err.dateInFuture', field: 'signedOn' };
  if (signedOn < cstDate(publishedAt)) return { ok: false, error: 'err.signedBeforePublished', field: 'signedOn' };
  return ok;
}
