import { cstDate, validDate } from './notice-period.ts';
import type { Convener } from './tables.ts';

// Pure rules of the objection period that follows a preliminary result (公示期) and of the
// owners' committee's co-signature of a result. No I/O: the services read the facts and
// ask these functions; the answers are dictionary keys.
//
// The period runs from the publication of the first preliminary bulletin for
// `objectionDays` days (a correction publishes a new version but does not restart it),
// exactly as publishBulletin reckons it before the final announcement. Online, an
// objection is accepted only inside it. A paper letter handed to the office is dated by
// the day it was received: staff may record it later, as long as that day lies inside the
// period (dates in China Standard Time; the day the period ends still counts, as the hour
// of a letter is rarely known).

const DAY = 86_400_000;

export interface ObjectionWindow {
  start: Date;
  end: Date;
}

/** The objection period, or null while no preliminary result has been published. */
export function objectionWindow(firstPreliminaryAt: Date | null | undefined, objectionDays: number): ObjectionWindow | null {
  if (!firstPreliminaryAt) return null;
  return { start: firstPreliminaryAt, end: new Date(firstPreliminaryAt.getTime() + Math.max(1, objectionDays) * DAY) };
}

export type PeriodState = 'none' | 'open' | 'over';

export function periodState(window: ObjectionWindow | null, now: Date): PeriodState {
  if (!window || now < window.start) return 'none';
  return now < window.end ? 'open' : 'over';
}

type Verdict = { ok: true } | { ok: false; error: string; field?: string };
const ok: Verdict = { ok: true };

/** Only a preliminary result is objected to. */
export function mayObjectTo(stage: 'preliminary' | 'final' | null | undefined): Verdict {
  if (!stage) return { ok: false, error: 'err.noSuchVersion', field: 'version' };
  return stage === 'preliminary' ? ok : { ok: false, error: 'err.objectFinal', field: 'version' };
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
