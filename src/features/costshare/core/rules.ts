import { addDays, cstMidnight, isWorkingDay, NO_ADJUSTMENTS, type WorkCalendar } from '../../../lib/calendar.ts';
import type { PledgeStatus, SchemeStatus } from '../tables.ts';

// Pure rules of a cost-share scheme: the transitions the database allows (gz_cost_scheme_guard
// and gz_cost_pledge_guard, migration 0026), asked before writing so that a refusal is a
// message, and the periods (Civil Code Arts. 201–203: a period ends at 24:00 China time of
// its last day; a last day that is a rest day moves to the next working day).

export const NEXT: Record<SchemeStatus, readonly SchemeStatus[]> = {
  draft: ['posted', 'withdrawn'],
  posted: ['pledging', 'withdrawn', 'draft'],
  pledging: ['funded', 'lapsed', 'withdrawn', 'draft'],
  funded: [],
  lapsed: [],
  withdrawn: [],
};
export const canMove = (from: SchemeStatus, to: SchemeStatus): boolean => NEXT[from].includes(to);

export const PLEDGE_NEXT: Record<PledgeStatus, readonly PledgeStatus[]> = {
  pledged: ['withdrawn', 'released', 'paid'],
  withdrawn: [],
  released: [],
  paid: [],
};

/** Live pledges count towards the target. */
export const LIVE: readonly PledgeStatus[] = ['pledged', 'paid'];

/** The day itself, or the first working day after it when it is a rest day (Art. 203). */
export function shiftPastRestDays(day: string, calendar: WorkCalendar = NO_ADJUSTMENTS): string {
  let last = day;
  for (let i = 0; i < 60 && !isWorkingDay(last, calendar); i++) last = addDays(last, 1);
  return last;
}

/** When a period whose last day is `day` is over: 24:00 China time of that day, moved past rest days. */
export function periodEnd(day: string, calendar: WorkCalendar = NO_ADJUSTMENTS): Date {
  return cstMidnight(addDays(shiftPastRestDays(day, calendar), 1));
}

/**
 * What a scheme in 'pledging' becomes at its deadline: funded when its live pledges reach the
 * target and, if it names an owners' vote, that vote passed; otherwise it lapses.
 */
export function outcome(liveFen: number, targetFen: number, vote: 'none' | 'passed' | 'not_passed' | 'pending'): 'funded' | 'lapsed' {
  return liveFen >= targetFen && (vote === 'none' || vote === 'passed') ? 'funded' : 'lapsed';
}

/** Pledges, withdrawals and objections per person and hour: enough for a household, not for a script. */
export const PLEDGE_LIMIT = { bucket: 'costshare', max: 60, windowSeconds: 60 * 60 };
