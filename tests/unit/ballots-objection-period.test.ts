import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  mayCosign,
  mayLodgeOnline,
  mayObjectTo,
  mayRecordWritten,
  mayRespond,
  objectionWindow,
  periodState,
  windowDays,
} from '../../src/features/ballots/objection-period.ts';

const DAY = 86_400_000;
// the first preliminary result went up at 10:30 on 2026-05-21, China Standard Time
const PUBLISHED = new Date('2026-05-21T10:30:00+08:00');
const W = objectionWindow(PUBLISHED, 7)!;
const at = (text: string) => new Date(`${text}+08:00`);

describe('the objection period', () => {
  it('runs from the first preliminary result for the ballot’s number of days, to 24:00 of the last (Civil Code Art. 201)', () => {
    expect(objectionWindow(null, 7)).toBeNull();
    expect(W.start).toEqual(PUBLISHED);
    // published on Thursday 21 May, which does not count: days 22–28, ending at 24:00 of Thursday 28 May
    expect(W.end).toEqual(at('2026-05-29T00:00:00'));
    expect(windowDays(W)).toEqual({ first: '2026-05-21', last: '2026-05-28' });
    // published at midnight, one day: the day of publication still does not count
    expect(windowDays(objectionWindow(at('2026-05-21T00:00:00'), 1)!)).toEqual({ first: '2026-05-21', last: '2026-05-22' });
  });

  it('ends at 24:00 of the next working day when its last day is a rest day (Civil Code Art. 203)', () => {
    // published Monday 18 May, 5 days: the last day, Saturday 23 May, moves to Monday 25 May
    expect(objectionWindow(at('2026-05-18T15:00:00'), 5)!.end).toEqual(at('2026-05-26T00:00:00'));
    // a public holiday given in the settings moves it on again; a weekend working day (调休) does not
    const calendar = { holidays: new Set(['2026-05-25']), makeUpWorkdays: new Set(['2026-05-16']) };
    expect(objectionWindow(at('2026-05-18T15:00:00'), 5, calendar)!.end).toEqual(at('2026-05-27T00:00:00'));
    expect(objectionWindow(at('2026-05-11T15:00:00'), 5, calendar)!.end).toEqual(at('2026-05-17T00:00:00'));
  });

  it('refuses any objection once a final announcement exists', () => {
    expect(mayObjectTo('preliminary', false)).toEqual({ ok: true });
    expect(mayObjectTo('preliminary', true)).toEqual({ ok: false, error: 'err.finalPublished' });
  });

  it('accepts an online objection only while it runs', () => {
    expect(mayLodgeOnline(null, at('2026-05-22T09:00:00'))).toEqual({ ok: false, error: 'err.noObjectionPeriod' });
    expect(mayLodgeOnline(W, new Date(PUBLISHED.getTime() - 1))).toEqual({ ok: false, error: 'err.noObjectionPeriod' });
    expect(mayLodgeOnline(W, PUBLISHED)).toEqual({ ok: true });
    expect(mayLodgeOnline(W, new Date(W.end.getTime() - 1))).toEqual({ ok: true });
    expect(mayLodgeOnline(W, W.end)).toEqual({ ok: false, error: 'err.objectionPeriodOver' });
  });

  it('agrees with the period state at every instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: -20 * DAY, max: 20 * DAY }), (offset) => {
        const now = new Date(PUBLISHED.getTime() + offset);
        const state = periodState(W, now);
        expect(mayLodgeOnline(W, now).ok).toBe(state === 'open');
        expect(state).toBe(offset < 0 ? 'none' : now < at('2026-05-29T00:00:00') ? 'open' : 'over');
      }),
    );
  });

  it('lets staff record a letter received inside the period, even after it, never one dated outside or in the future', () => {
    const later = at('2026-06-15T09:00:00');
    expect(mayRecordWritten(W, '2026-05-21', later)).toEqual({ ok: true });
    expect(mayRecordWritten(W, '2026-05-28', later)).toEqual({ ok: true });
    expect(mayRecordWritten(W, '2026-05-20', later)).toEqual({ ok: false, error: 'err.receivedOutsidePeriod', field: 'receivedOn' });
    expect(mayRecordWritten(W, '2026-05-29', later)).toEqual({ ok: false, error: 'err.receivedOutsidePeriod', field: 'receivedOn' });
    expect(mayRecordWritten(W, '2026-05-23', at('2026-05-22T18:00:00'))).toEqual({ ok: false, error: 'err.dateInFuture', field: 'receivedOn' });
    expect(mayRecordWritten(W, '2026-02-30', later)).toEqual({ ok: false, error: 'err.date', field: 'receivedOn' });
    expect(mayRecordWritten(null, '2026-05-22', later)).toEqual({ ok: false, error: 'err.noObjectionPeriod' });
  });

  it('is about a preliminary result, answered once', () => {
    expect(mayObjectTo('preliminary')).toEqual({ ok: true });
    expect(mayObjectTo('final')).toMatchObject({ ok: false, error: 'err.objectFinal' });
    expect(mayObjectTo(undefined)).toMatchObject({ ok: false, error: 'err.noSuchVersion' });
    expect(mayRespond({ response: null })).toEqual({ ok: true });
    expect(mayRespond({ response: '已复核' })).toEqual({ ok: false, error: 'err.alreadyAnswered' });
  });
});

describe('co-signing a result', () => {
  const now = at('2026-05-25T12:00:00');
  it('is for the owners’ committee only', () => {
    expect(mayCosign('owners_committee', PUBLISHED, '2026-05-22', now)).toEqual({ ok: true });
    for (const c of ['subdistrict', 'residents_committee'] as const)
      expect(mayCosign(c, PUBLISHED, '2026-05-22', now)).toEqual({ ok: false, error: 'err.notOwnersCommittee' });
  });
  it('is dated from the publication of the version to today', () => {
    expect(mayCosign('owners_committee', PUBLISHED, '2026-05-21', now)).toEqual({ ok: true });
    expect(mayCosign('owners_committee', PUBLISHED, '2026-05-20', now)).toMatchObject({ ok: false, error: 'err.signedBeforePublished' });
    expect(mayCosign('owners_committee', PUBLISHED, '2026-05-26', now)).toMatchObject({ ok: false, error: 'err.dateInFuture' });
    expect(mayCosign('owners_committee', PUBLISHED, '2026-13-01', now)).toMatchObject({ ok: false, error: 'err.date' });
  });
});
