import { describe, expect, it } from 'vitest';
import { rankSubdistricts, type SubdistrictInput } from '../../src/features/ratings/core/ranking.ts';
import { ratioHalfUp2 } from '../../src/features/ratings/core/decimal.ts';

// Hand-made fixtures; every expected figure below was worked out by hand (fractions shown).

describe('ratioHalfUp2', () => {
  it('rounds an exact ratio half up to 2 decimals', () => {
    expect(ratioHalfUp2(33, 8)).toBe('4.13'); // 4.125: half up, not half even (4.12)
    expect(ratioHalfUp2(9, 2)).toBe('4.50');
    expect(ratioHalfUp2(1, 200)).toBe('0.01'); // 0.005
    expect(ratioHalfUp2(1, 201)).toBe('0.00'); // 0.00497…
    expect(ratioHalfUp2(2, 3)).toBe('0.67');
    expect(ratioHalfUp2(0, 5)).toBe('0.00');
    expect(ratioHalfUp2(10n ** 20n + 1n, 2n)).toBe('50000000000000000000.50');
    expect(() => ratioHalfUp2(1, 0)).toThrow(RangeError);
  });
});

describe('rankSubdistricts', () => {
  // A: three enthusiastic goal ratings (all 5); B: 100 ratings averaging 4.5; C: nothing
  // rated, no projects; D: 100 ratings averaging 3.
  // Σ ratingSum = 15 + 450 + 300 = 765, Σ ratingCount = 3 + 100 + 100 = 203, m = 765/203.
  // satisfaction = (50 × 765/203 + ratingSum) ÷ (50 + ratingCount) = (38250/203 + ratingSum) ÷ (50 + ratingCount):
  //   A = (38250 + 3045) / (203 × 53)  = 41295/10759 = 3.8381… → 3.84
  //   B = (38250 + 91350) / (203 × 150) = 864/203    = 4.2561… → 4.26
  //   C = m = 765/203                                  = 3.7684… → 3.77
  //   D = (38250 + 60900) / (203 × 150) = 661/203    = 3.2561… → 3.26
  // progress = 100 × (stageSum − projects) ÷ (5 × projects):
  //   A stages 6, 4 → 100 × 8/10 = 80; B stages 1, 2, 3 → 100 × 3/15 = 20; C none → 0; D stage 5 → 100 × 4/5 = 80
  // participation = 100 × responses ÷ households: A 3/10 → 30; B 100/120 → 83.33…; C → 0; D 100/200 → 50
  // overall = (progress + 25 × (satisfaction − 1) + participation) ÷ 3:
  //   A = (110 + 25 × 30536/10759) / 3 = (1183490 + 763400) / 32277 = 1946890/32277 = 60.3181… → 60.32
  //   B = (20 + 16525/203 + 250/3) / 3 = (12180 + 49575 + 50750) / 1827 = 112505/1827 = 61.5790… → 61.58
  //   C = (25 × 562/203) / 3 = 14050/609 = 23.0706… → 23.07
  //   D = (130 + 11450/203) / 3 = (26390 + 11450) / 609 = 37840/609 = 62.1346… → 62.13
  const fixture: SubdistrictInput[] = [
    { code: 'a', name: 'A', inputs: { ratingSum: 15, ratingCount: 3, projects: 2, stageSum: 10, households: 10, responses: 3 } },
    { code: 'b', name: 'B', inputs: { ratingSum: 450, ratingCount: 100, projects: 3, stageSum: 6, households: 120, responses: 100 } },
    { code: 'c', name: 'C', inputs: { ratingSum: 0, ratingCount: 0, projects: 0, stageSum: 0, households: 0, responses: 0 } },
    { code: 'd', name: 'D', inputs: { ratingSum: 300, ratingCount: 100, projects: 1, stageSum: 5, households: 200, responses: 100 } },
  ];

  it('scores every subdistrict and orders by overall, best first', () => {
    const r = rankSubdistricts(fixture);
    expect(r.C).toBe(50);
    expect(r.m).toEqual({ ratingSum: 765, ratingCount: 203, approx: '3.77' });
    expect(r.subdistricts.map((s) => [s.rank, s.code, s.scores])).toEqual([
      [1, 'd', { progress: '80.00', satisfaction: '3.26', participation: '50.00', overall: '62.13' }],
      [2, 'b', { progress: '20.00', satisfaction: '4.26', participation: '83.33', overall: '61.58' }],
      [3, 'a', { progress: '80.00', satisfaction: '3.84', participation: '30.00', overall: '60.32' }],
      [4, 'c', { progress: '0.00', satisfaction: '3.77', participation: '0.00', overall: '23.07' }],
    ]);
    // the inputs travel with each score
    expect(r.subdistricts[2]!.inputs).toEqual(fixture[0]!.inputs);
  });

  it('does not let three enthusiastic ratings top satisfaction', () => {
    const bySatisfaction = rankSubdistricts(fixture)
      .subdistricts.map((s) => [s.code, s.scores.satisfaction])
      .sort((x, y) => Number(y[1]) - Number(x[1]));
    expect(bySatisfaction[0]).toEqual(['b', '4.26']);
  });

  it('rounds only the score, half up: one subdistrict with 33 over 8 ratings scores m = 4.125 → 4.13', () => {
    const r = rankSubdistricts([{ code: 'x', name: 'X', inputs: { ratingSum: 33, ratingCount: 8, projects: 1, stageSum: 1, households: 8, responses: 1 } }]);
    // (50 × 33/8 + 33) / 58 = 33/8; participation 100 × 1/8 = 12.5; overall = (0 + 25 × 25/8 + 12.5) / 3 = (625/8 + 100/8) / 3 = 725/24 = 30.2083… → 30.21
    expect(r.subdistricts[0]!.scores).toEqual({ progress: '0.00', satisfaction: '4.13', participation: '12.50', overall: '30.21' });
  });

  it('takes m = 3 when nobody in the district has rated, and refuses impossible inputs', () => {
    const r = rankSubdistricts([{ code: 'x', name: 'X', inputs: { ratingSum: 0, ratingCount: 0, projects: 0, stageSum: 0, households: 0, responses: 0 } }]);
    expect(r.subdistricts[0]!.scores.satisfaction).toBe('3.00');
    expect(() =>
      rankSubdistricts([{ code: 'x', name: 'X', inputs: { ratingSum: 6, ratingCount: 1, projects: 0, stageSum: 0, households: 0, responses: 0 } }]),
    ).toThrow(RangeError);
    expect(() =>
      rankSubdistricts([{ code: 'x', name: 'X', inputs: { ratingSum: 0, ratingCount: 0, projects: 0, stageSum: 0, households: 1, responses: 2 } }]),
    ).toThrow(RangeError);
  });
});
