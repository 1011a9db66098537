import { describe, expect, it } from 'vitest';
import { inQuietHours, smsAllowedAt } from '../../src/features/notifications/core/quiet-hours.ts';
import { assertSafeText, channelsOf, defaultChoice } from '../../src/features/notifications/core/kinds.ts';

// Quiet hours are 21:00–08:00 Beijing time (UTC+8): the instants below are written in UTC by hand.
describe('quiet hours for text messages', () => {
  it.each([
    ['2026-11-30T12:59:59Z', false], // 20:59:59 Beijing
    ['2026-11-30T13:00:00Z', true], // 21:00
    ['2026-11-30T16:00:00Z', true], // 00:00
    ['2026-11-30T23:59:59Z', true], // 07:59:59
    ['2026-12-01T00:00:00Z', false], // 08:00
  ])('%s in quiet hours: %s', (at, quiet) => {
    expect(inQuietHours(new Date(at))).toBe(quiet);
  });
  it('moves a text due in the evening to 08:00 the next morning, and one due after midnight to 08:00 that morning', () => {
    expect(smsAllowedAt(new Date('2026-11-30T14:30:00Z')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(smsAllowedAt(new Date('2026-11-30T18:30:00Z')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(smsAllowedAt(new Date('2026-12-31T13:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
  it('leaves a daytime text as it is', () => {
    expect(smsAllowedAt(new Date('2026-11-30T05:00:00Z')).toISOString()).toBe('2026-11-30T05:00:00.000Z');
  });
});

describe('kinds and texts', () => {
  it('tells votes and replies by SMS by default, the rest in the portal only', () => {
    expect(defaultChoice('vote_opened')).toBe('sms');
    expect(defaultChoice('vote_result')).toBe('sms');
    expect(defaultChoice('reply_to_my_comment')).toBe('sms');
    expect(defaultChoice('notice_on_my_estate')).toBe('portal');
    expect(defaultChoice('pledge_deadline_3d')).toBe('portal');
    expect(channelsOf('off')).toEqual([]);
    expect(channelsOf('portal')).toEqual(['inapp']);
    expect(channelsOf('sms')).toEqual(['inapp', 'sms']);
  });
  it('refuses a text holding an ID number', () => {
    expect(() => assertSafeText('业主 11010519491231002X 已投票')).toThrow();
    expect(assertSafeText('表决“加装电梯”已开始')).toBe('表决“加装电梯”已开始');
  });
});
