import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fenToDecimal, formatWanYuan, formatYuan, parseYuan, sharesPerMille } from '../../src/features/funding/money.ts';
import { summariseBudget } from '../../src/features/funding/budget.ts';

describe('money in fen', () => {
  it('formats yuan with thousands separators and two decimals', () => {
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(123456789)).toBe('1,234,567.89');
    expect(formatYuan(-150)).toBe('-1.50');
    expect(fenToDecimal(123456789)).toBe('1234567.89');
  });
  it('refuses non-integer amounts', () => {
    expect(() => formatYuan(1.5)).toThrow(RangeError);
  });
  it('rounds 万元 half up', () => {
    expect(formatWanYuan(49_9999)).toBe('0.50'); // 4,999.99 yuan → 0.4999999 万 → 0.50
    expect(formatWanYuan(4_949_99)).toBe('0.49');
    expect(formatWanYuan(1_000_000_00)).toBe('100.00');
  });
  it('parses yuan text and rejects anything else', () => {
    expect(parseYuan('12.3')).toBe(1230);
    expect(parseYuan('12.34')).toBe(1234);
    expect(parseYuan('12')).toBe(1200);
    for (const bad of ['12.345', '-1', '1e3', '', 'abc', '1,000']) expect(parseYuan(bad)).toBeNull();
  });
  it('round-trips every amount', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 13 }), (fen) => parseYuan(fenToDecimal(fen)) === fen));
  });
});

describe('shares of a total', () => {
  it('sum to exactly 100.0% for any positive parts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 ** 11 }), { minLength: 1, maxLength: 12 }), (parts) => {
        const shares = sharesPerMille(parts);
        const total = parts.reduce((a, b) => a + b, 0);
        const sum = shares.reduce((a, b) => a + b, 0);
        return total === 0 ? sum === 0 : sum === 1000 && shares.every((s, i) => Math.abs(s * total - parts[i]! * 1000) < total);
      }),
    );
  });
  it('gives the remainder to the largest remainders, ties to the earlier part', () => {
    expect(sharesPerMille([1, 1, 1])).toEqual([334, 333, 333]);
    expect(sharesPerMille([0, 0])).toEqual([0, 0]);
  });
});

describe('budget summary', () => {
  it('groups lines by channel in plan order and totals exactly', () => {
    const s = summariseBudget([
      { channel: 'district', amountFen: 300 },
      { channel: 'central_provincial', amountFen: 600 },
      { channel: 'district', amountFen: 100 },
    ]);
    expect(s.rows.map((r) => r.channel)).toEqual(['central_provincial', 'district']);
    expect(s.rows.map((r) => r.amountFen)).toEqual([600, 400]);
    expect(s.totalFen).toBe(1000);
    expect(s.rows.reduce((a, r) => a + r.perMille, 0)).toBe(1000);
  });
  it('refuses an unknown channel', () => {
    expect(() => summariseBudget([{ channel: 'lottery', amountFen: 1 }])).toThrow(/unknown funding channel/);
  });
});
