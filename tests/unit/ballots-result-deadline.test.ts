import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { preliminaryDeadline, preliminaryDue, voteDeadline } from '../../src/features/ballots/result-deadline.ts';
import { isWorkingDay, parseDateList } from '../../src/lib/calendar.ts';

const cst = (s: string) => new Date(`${s}+08:00`);
// A National Day week as the State Council arranges it: 1–7 October off, two weekend days worked.
const NATIONAL_DAY = {
  holidays: new Set(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']),
  makeUpWorkdays: new Set(['2026-09-27', '2026-10-10']),
};

describe('the preliminary result is due by the end of the next working day (China Standard Time)', () => {
  it('counts Monday to Friday', () => {
    expect(preliminaryDue(cst('2026-11-30T10:00:00'))).toEqual(cst('2026-12-02T00:00:00')); // Monday → end of Tuesday
    expect(preliminaryDue(cst('2026-11-27T17:00:00'))).toEqual(cst('2026-12-01T00:00:00')); // Friday → end of Monday
    expect(preliminaryDue(cst('2026-11-28T09:00:00'))).toEqual(cst('2026-12-01T00:00:00')); // Saturday → end of Monday
    expect(preliminaryDue(cst('2026-11-27T23:59:00'))).toEqual(cst('2026-12-01T00:00:00')); // Friday night, Friday in UTC too
    expect(preliminaryDue(cst('2026-11-30T00:00:00'))).toEqual(cst('2026-12-02T00:00:00')); // the first minute of Monday is Monday
    expect(preliminaryDue(new Date('2026-11-29T16:30:00Z'))).toEqual(cst('2026-12-02T00:00:00')); // Sunday in UTC, Monday 00:30 in China
  });

  it('skips public holidays and counts make-up working days', () => {
    expect(preliminaryDue(cst('2026-09-30T18:00:00'), NATIONAL_DAY)).toEqual(cst('2026-10-09T00:00:00'));
    expect(preliminaryDue(cst('2026-10-09T18:00:00'), NATIONAL_DAY)).toEqual(cst('2026-10-11T00:00:00')); // Saturday 10 October is worked
    expect(preliminaryDue(cst('2026-09-26T18:00:00'), NATIONAL_DAY)).toEqual(cst('2026-09-28T00:00:00')); // Sunday 27 September is worked
    expect(isWorkingDay('2026-10-05', NATIONAL_DAY)).toBe(false);
    expect(isWorkingDay('2026-10-05')).toBe(true);
    expect(isWorkingDay('2026-10-10', NATIONAL_DAY)).toBe(true);
    expect(isWorkingDay('2026-10-10')).toBe(false);
  });

  it('is always more than a day and at most four days after a close without holidays', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }), (closedAt) => {
        const hours = (preliminaryDue(closedAt).getTime() - closedAt.getTime()) / 3_600_000;
        return hours > 24 && hours <= 4 * 24;
      }),
    );
  });

  it('reads date lists from settings and refuses anything else', () => {
    expect(parseDateList(undefined)).toEqual([]);
    expect(parseDateList(' 2026-10-01, 2026-10-02 2026-10-03 ')).toEqual(['2026-10-01', '2026-10-02', '2026-10-03']);
    expect(() => parseDateList('2026-02-30')).toThrow(/YYYY-MM-DD/);
    expect(() => parseDateList('10/01/2026')).toThrow(/YYYY-MM-DD/);
  });
});

describe('where a closed vote stands against that deadline', () => {
  const closed = cst('2026-11-27T17:00:00'); // Friday; due at the end of Monday
  const due = cst('2026-12-01T00:00:00');
  it('is pending, then overdue, until the first preliminary result; then on time or late', () => {
    expect(preliminaryDeadline(closed, null, cst('2026-11-30T23:59:00'))).toEqual({ due, state: 'pending' });
    expect(preliminaryDeadline(closed, null, due)).toEqual({ due, state: 'overdue' });
    expect(preliminaryDeadline(closed, cst('2026-11-30T09:00:00'), cst('2026-12-05T00:00:00'))).toEqual({ due, state: 'metOnTime' });
    expect(preliminaryDeadline(closed, cst('2026-12-01T00:00:00'), cst('2026-12-05T00:00:00'))).toEqual({ due, state: 'metLate' });
  });
});

describe('a vote’s deadline', () => {
  it('is none while open, and counts from the manual close or else from the end', () => {
    const closesAt = cst('2026-11-27T17:00:00');
    expect(voteDeadline({ closed_at: null, closes_at: closesAt }, null, cst('2026-11-27T16:00:00'))).toBeNull();
    expect(voteDeadline({ closed_at: null, closes_at: closesAt }, null, cst('2026-11-27T18:00:00'))).toEqual({
      due: cst('2026-12-01T00:00:00'),
      state: 'pending',
    });
    expect(voteDeadline({ closed_at: cst('2026-11-26T10:00:00'), closes_at: closesAt }, null, cst('2026-11-27T16:00:00'))).toEqual({
      due: cst('2026-11-28T00:00:00'),
      state: 'pending',
    });
  });
});
