import { describe, expect, it } from 'vitest';
import { createInput, parseAmounts, parseCoefficients, pledgeInput } from '../../src/features/costshare/core/schemas.ts';

// The scheme and pledge forms: blank optional fields (sent as '' or, by Astro for an empty
// optional field, null) mean none; bad numbers are refused next to their field.

const form = (over: Record<string, unknown> = {}) => ({
  projectId: '3',
  title: '加装电梯',
  item: '一部',
  estateId: '1',
  building: '1',
  entrance: '1',
  method: 'tiered',
  coefficients: '1=0\n2=0.6',
  amounts: '',
  total: '1000.00',
  target: '',
  pledgeDeadline: '2026-12-31',
  postingDays: '7',
  ballotId: '',
  ballotMatter: '',
  ...over,
});

describe('cost-share forms', () => {
  it('reads blank optional fields, empty or null, as none', () => {
    for (const blank of ['', null, undefined, '  ']) {
      const r = createInput.safeParse(form({ target: blank, ballotId: blank, ballotMatter: blank }));
      expect(r.success, String(blank)).toBe(true);
      if (r.success) expect(r.data.content).toMatchObject({ targetFen: null, ballotId: null, ballotMatter: null, coefficients: { '1': '0', '2': '0.6' } });
    }
  });
  it('refuses bad amounts, a vote without its matter and malformed coefficient lines next to their field', () => {
    const fields = (over: Record<string, unknown>) => {
      const r = createInput.safeParse(form(over));
      return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]));
    };
    expect(fields({ target: '-5' })).toEqual({ target: 'err.amount' });
    expect(fields({ target: '0' })).toEqual({ target: 'costshare.err.positive' });
    expect(fields({ total: '1.234' })).toEqual({ total: 'err.amount' });
    expect(fields({ ballotId: '4' })).toEqual({ ballotMatter: 'costshare.err.ballotBoth' });
    expect(fields({ coefficients: '2=0.6\n2=0.7' })).toEqual({ coefficients: 'costshare.err.coefficients' });
    expect(fields({ postingDays: '3' })).toEqual({ postingDays: 'costshare.err.postingDays' });
  });
  it('parses coefficient and amount lines', () => {
    expect(parseCoefficients('1=0\n2：0.6, 3 0.9')).toEqual({ '1': '0', '2': '0.6', '3': '0.9' });
    expect(parseCoefficients('')).toBeNull();
    expect(parseAmounts('3-2-101=1200.00\n3-2-102 800')).toEqual(
      new Map([
        ['3-2-101', '1200.00'],
        ['3-2-102', '800'],
      ]),
    );
    expect(parseAmounts('3-2-101=1\n3-2-101=2')).toBeNull();
  });
  it('takes a pledge of the share (blank amount) or another amount', () => {
    expect(pledgeInput.parse({ schemeId: '1', householdNo: '2', amount: null, reason: null })).toEqual({
      schemeId: 1,
      householdNo: 2,
      amountFen: null,
      reason: null,
    });
    expect(pledgeInput.parse({ schemeId: '1', householdNo: '2', amount: '12.30', reason: '多出一点' })).toMatchObject({ amountFen: 1230, reason: '多出一点' });
  });
});
