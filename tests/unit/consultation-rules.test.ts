import { describe, expect, it } from 'vitest';
import { closingInstant, checkLastDay, editable, linkify } from '../../src/features/consultations/core/rules.ts';
import { commentInput, openInput } from '../../src/features/consultations/core/schemas.ts';

// The pure rules of consultations: the closing instant (24:00 China time of the last day,
// moved past rest days), the edit window, plain text with safe links, and the form limits.

describe('closing instant', () => {
  it('is 24:00 China time of the last day, i.e. 16:00 UTC that day', () => {
    expect(closingInstant('2026-12-02').toISOString()).toBe('2026-12-02T16:00:00.000Z');
  });
  it('moves a last day on a weekend or holiday to the next working day', () => {
    // 2026-12-05 is a Saturday
    expect(closingInstant('2026-12-05').toISOString()).toBe('2026-12-07T16:00:00.000Z');
    const calendar = { holidays: new Set(['2026-12-07']), makeUpWorkdays: new Set<string>() };
    expect(closingInstant('2026-12-05', calendar).toISOString()).toBe('2026-12-08T16:00:00.000Z');
  });
  it('refuses today, the past, more than a year ahead and impossible dates', () => {
    const now = new Date('2026-11-30T10:00:00+08:00');
    expect(checkLastDay('2026-11-30', now)).toBe('err.consultDatePast');
    expect(checkLastDay('2026-12-01', now)).toBeNull();
    expect(checkLastDay('2027-11-30', now)).toBeNull();
    expect(checkLastDay('2027-12-01', now)).toBe('err.consultDateFar');
    expect(checkLastDay('2026-02-30', now)).toBe('err.consultDate');
    expect(checkLastDay('0000-01-01', now)).toBe('err.consultDate');
  });
});

describe('edit window', () => {
  it('is open for 15 minutes after writing, not a moment longer', () => {
    const at = new Date('2026-11-30T02:00:00Z');
    expect(editable(at, new Date('2026-11-30T02:14:59Z'))).toBe(true);
    expect(editable(at, new Date('2026-11-30T02:15:00Z'))).toBe(false);
  });
});

describe('linkify', () => {
  it('turns http(s) addresses into links and leaves trailing punctuation as text', () => {
    expect(linkify('见 https://example.org/a?b=1. 谢谢')).toEqual([
      { text: '见 ' },
      { href: 'https://example.org/a?b=1', text: 'https://example.org/a?b=1' },
      { text: '. 谢谢' },
    ]);
    expect(linkify('参考 http://x.cn/方案，请看')).toEqual([
      { text: '参考 ' },
      { href: 'http://x.cn/%E6%96%B9%E6%A1%88', text: 'http://x.cn/方案' },
      { text: '，请看' },
    ]);
  });
  it('never makes a link of javascript:, data: or markup', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', '<a href="javascript:x">x</a>', 'JAVASCRIPT://%0aalert(1)']) {
      expect(linkify(text)).toEqual([{ text }]);
    }
  });
});

describe('comment and consultation forms', () => {
  it('keeps line breaks, drops control and direction characters, refuses blank and over 2,000 characters', () => {
    expect(commentInput.parse({ consultationId: '1', body: ' 第一行\r\n第二行\u202e\u0000 ' }).body).toBe('第一行\n第二行');
    expect(commentInput.safeParse({ consultationId: '1', body: ' \n ' }).error?.issues[0]?.message).toBe('err.required');
    expect(commentInput.safeParse({ consultationId: '1', body: '字'.repeat(2001) }).error?.issues[0]?.message).toBe('err.tooLong');
    expect(commentInput.safeParse({ consultationId: '1', body: '字'.repeat(2000) }).success).toBe(true);
    expect(commentInput.safeParse({ consultationId: '2147483648', body: 'x' }).success).toBe(false);
  });
  it('refuses an impossible last day and ids out of range, next to their fields', () => {
    const r = openInput.safeParse({ projectId: '1', title: 't', lastDay: '2026-02-30', documentIds: ['99999999999'] });
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['lastDay', 'err.consultDate'],
      ['documentIds.0', 'err.notFound'],
    ]);
  });
});
