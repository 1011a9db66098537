// The ranking of subdistricts (观摩竞赛: 看进度、看满意度): pure, exact arithmetic on integers
// (BigInt fractions), only the scores rounded, half up, to 2 decimals.
//
// - progress      = 100 × Σ(stage − 1) ÷ (5 × projects): how far the subdistrict's published
//                   projects have come from publicity (stage 1) to evaluation (stage 6); 0
//                   without projects.
// - satisfaction  = (C × m + ratingSum) ÷ (C + ratingCount), C = 50, m = Σ ratingSum ÷
//                   Σ ratingCount over all subdistricts (unrounded; 3, the middle of the scale,
//                   when nobody in the district has rated). Every goal rating counts once, so a
//                   few enthusiastic ratings move a subdistrict only a little away from m.
// - participation = 100 × responses ÷ households: households that rated ÷ households on the
//                   rating rolls of the subdistrict's projects; 0 without a rating roll.
// - overall       = (progress + 25 × (satisfaction − 1) + participation) ÷ 3: the mean of the
//                   three on a 0–100 scale (satisfaction 1…5 mapped to 0…100), from the
//                   unrounded scores.
// Ordered by overall, best first; ties by satisfaction, then by code.

import { ratioHalfUp2 } from './decimal.ts';

export const C = 50;
/** m when nobody in the district has rated: the middle of the 1–5 scale */
export const M_WITHOUT_RATINGS = 3;

export interface RankingInputs {
  /** Σ of every current goal rating (1–5) of the subdistrict's projects */
  ratingSum: number;
  /** how many goal ratings that is (10 per household that rated) */
  ratingCount: number;
  /** published projects */
  projects: number;
  /** Σ of their stages (1–6) */
  stageSum: number;
  /** households on the rating rolls of its projects */
  households: number;
  /** of them, households that rated */
  responses: number;
}
export interface SubdistrictInput {
  code: string;
  name: string;
  nameEn?: string;
  inputs: RankingInputs;
}
export interface Scores {
  progress: string;
  satisfaction: string;
  participation: string;
  overall: string;
}
export interface Ranked extends SubdistrictInput {
  rank: number;
  scores: Scores;
}
export interface Ranking {
  C: number;
  /** m as the exact fraction Σ ratingSum ÷ Σ ratingCount (both 0: m is M_WITHOUT_RATINGS) */
  m: { ratingSum: number; ratingCount: number; approx: string };
  subdistricts: Ranked[];
}

/** A non-negative fraction n/d with d > 0 (not reduced). */
interface Q {
  n: bigint;
  d: bigint;
}
const q = (n: bigint | number, d: bigint | number = 1n): Q => ({ n: BigInt(n), d: BigInt(d) });
const add = (a: Q, b: Q): Q => ({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });
const mul = (a: Q, b: Q): Q => ({ n: a.n * b.n, d: a.d * b.d });
const div = (a: Q, b: Q): Q => ({ n: a.n * b.d, d: a.d * b.n });
const cmp = (a: Q, b: Q): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
const text = (a: Q) => ratioHalfUp2(a.n, a.d);

function check(code: string, i: RankingInputs) {
  for (const [k, v] of Object.entries(i)) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${code}: ${k} must be a whole number ≥ 0, got ${v}`);
  }
  if (i.ratingSum < i.ratingCount || i.ratingSum > 5 * i.ratingCount)
    throw new RangeError(`${code}: ratingSum must lie between ratingCount and 5 × ratingCount`);
  if (i.stageSum < i.projects || i.stageSum > 6 * i.projects) throw new RangeError(`${code}: stageSum must lie between projects and 6 × projects`);
  if (i.responses > i.households) throw new RangeError(`${code}: more responses than households`);
}

export function rankSubdistricts(subdistricts: readonly SubdistrictInput[]): Ranking {
  subdistricts.forEach((s) => check(s.code, s.inputs));
  const sumAll = subdistricts.reduce((a, s) => a + BigInt(s.inputs.ratingSum), 0n);
  const countAll = subdistricts.reduce((a, s) => a + BigInt(s.inputs.ratingCount), 0n);
  const m: Q = countAll > 0n ? q(sumAll, countAll) : q(M_WITHOUT_RATINGS);
  const c = q(C);
  const scored = subdistricts.map((s) => {
    const i = s.inputs;
    const progress = i.projects > 0 ? q(100n * BigInt(i.stageSum - i.projects), 5n * BigInt(i.projects)) : q(0);
    const satisfaction = div(add(mul(c, m), q(i.ratingSum)), q(C + i.ratingCount));
    const participation = i.households > 0 ? q(100n * BigInt(i.responses), BigInt(i.households)) : q(0);
    const satisfaction100 = mul(q(25), add(satisfaction, q(-1)));
    const overall = div(add(add(progress, satisfaction100), participation), q(3));
    return { s, progress, satisfaction, participation, overall };
  });
  scored.sort((a, b) => cmp(b.overall, a.overall) || cmp(b.satisfaction, a.satisfaction) || (a.s.code < b.s.code ? -1 : a.s.code > b.s.code ? 1 : 0));
  return {
    C,
    m: { ratingSum: Number(sumAll), ratingCount: Number(countAll), approx: text(m) },
    subdistricts: scored.map((x, k) => ({
      ...x.s,
      rank: k + 1,
      scores: { progress: text(x.progress), satisfaction: text(x.satisfaction), participation: text(x.participation), overall: text(x.overall) },
    })),
  };
}
