import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkTaskTimes, formatHours, neutraliseCell, parseHours, placesLeft, taskMinutes } from '../../src/features/volunteering/core/rules.ts';
import { attendanceInput, createTaskInput } from '../../src/features/volunteering/schemas.ts';

const H = 3_600_000;

describe('volunteer hours', () => {
  it('reads hours with at most one decimal, 0 < h ≤ 24, as minutes', () => {
    expect(parseHours('2')).toBe(120);
    expect(parseHours('2.5')).toBe(150);
    expect(parseHours(' 0.1 ')).toBe(6);
    expect(parseHours('24')).toBe(1440);
    for (const bad of ['0', '0.0', '24.1', '25', '1.25', '-1', '1e2', '', 'abc', '９', '1,5', '999999999999']) expect(parseHours(bad), bad).toBeNull();
  });
  it('prints minutes back as the hours typed', () => {
    expect(formatHours(150)).toBe('2.5');
    expect(formatHours(120)).toBe('2');
    expect(formatHours(0)).toBe('0');
    expect(formatHours(6 * 1234)).toBe('123.4');
    fc.assert(fc.property(fc.integer({ min: 1, max: 240 }), (tenths) => parseHours(formatHours(tenths * 6)) === (tenths * 6 <= 1440 ? tenths * 6 : null)));
  });
  it('credits a task its length by default, in whole tenths of an hour', () => {
    const s = new Date('2026-05-01T01:00:00Z');
    expect(taskMinutes(s, new Date(s.getTime() + 2.5 * H))).toBe(150);
    expect(taskMinutes(s, new Date(s.getTime() + 100 * 60_000))).toBe(96);
    expect(taskMinutes(s, new Date(s.getTime() + 60_000))).toBe(6);
  });
});

describe('places and task times', () => {
  it('never shows negative places left', () => {
    expect(placesLeft(10, 3)).toBe(7);
    expect(placesLeft(10, 10)).toBe(0);
    expect(placesLeft(1, 5)).toBe(0);
  });
  it('wants a start ahead of now (within a year) and an end after it, within 24 hours', () => {
    const now = new Date('2026-05-01T00:00:00Z');
    const at = (h: number) => new Date(now.getTime() + h * H);
    expect(checkTaskTimes(at(1), at(3), now)).toBeNull();
    expect(checkTaskTimes(at(0), at(3), now)).toEqual({ field: 'startsAt', error: 'err.volunteerPast' });
    expect(checkTaskTimes(at(367 * 24), at(367 * 24 + 1), now)).toEqual({ field: 'startsAt', error: 'err.volunteerTooFar' });
    expect(checkTaskTimes(at(3), at(3), now)).toEqual({ field: 'endsAt', error: 'err.volunteerEndBeforeStart' });
    expect(checkTaskTimes(at(3), at(28), now)).toEqual({ field: 'endsAt', error: 'err.volunteerTooLong' });
  });
});

describe('spreadsheet cells', () => {
  it('neutralises text a spreadsheet would run as a formula', () => {
    for (const s of ['=1+1', '+86', '-2', '@SUM(A1)', '\t=x', '\r=x']) expect(neutraliseCell(s)).toBe(`'${s}`);
    for (const s of ['清理楼道', '3 号楼', '', "'quoted"]) expect(neutraliseCell(s)).toBe(s);
  });
});

describe('volunteering forms', () => {
  const task = { projectId: '1', title: '清理楼道', place: '3 号楼', startsAt: '2026-06-01T09:00', endsAt: '2026-06-01T11:30', places: '10' };
  it('reads times as Asia/Shanghai', () => {
    const v = createTaskInput.parse(task);
    expect(v.startsAt.toISOString()).toBe('2026-06-01T01:00:00.000Z');
    expect(v.places).toBe(10);
  });
  it('puts each bad value on its own field', () => {
    const fields = (input: Record<string, unknown>) => {
      const r = createTaskInput.safeParse(input);
      return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]));
    };
    expect(fields({ ...task, places: '0' })).toEqual({ places: 'err.volunteerPlaces' });
    expect(fields({ ...task, places: '9'.repeat(40) })).toEqual({ places: 'err.volunteerPlaces' });
    expect(fields({ ...task, places: '1e3' })).toEqual({ places: 'err.volunteerPlaces' });
    expect(fields({ ...task, startsAt: '2026-02-30T09:00' })).toEqual({ startsAt: 'err.dateTime' });
    expect(fields({ ...task, endsAt: '99999-01-01T00:00' })).toEqual({ endsAt: 'err.dateTime' });
    expect(fields({ ...task, title: ' ' })).toEqual({ title: 'err.required' });
    expect(fields({ ...task, place: 'x'.repeat(201) })).toEqual({ place: 'err.tooLong' });
    expect(fields({ ...task, projectId: '-1' })).toEqual({ projectId: 'err.notFound' });
  });
  it('needs hours only when marking attended', () => {
    expect(attendanceInput.parse({ taskId: '1', signupId: '2', attended: '0' })).toEqual({ taskId: 1, signupId: 2, minutes: null });
    expect(attendanceInput.parse({ taskId: '1', signupId: '2', attended: '1', hours: '2.5' })).toEqual({ taskId: 1, signupId: 2, minutes: 150 });
    const r = attendanceInput.safeParse({ taskId: '1', signupId: '2', attended: '1', hours: '1e9' });
    expect(r.success ? null : r.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['hours', 'err.volunteerHours']]);
  });
});
