import type { MatterKind } from './matters.ts';
import { resolveIndexed } from './cast.ts';
import type { Ballot, ResolvedBallots } from './cast.ts';
import { naturalCompare } from './natural-order.ts';
import { MAX_TOTAL_AREA_CM2, quorumMet, thresholdMet } from './thresholds.ts';
import type { Figure } from './thresholds.ts';

export type TallyMatter = { id: string; kind: MatterKind };
/** A roll voter as the tally needs it: area comes from the units, never stored twice. */
export type TallyVoter = { id: string; units: readonly { estate?: string; building: string; areaCm2: number }[] };
export type TallyRoll = { voters: readonly TallyVoter[] };

export type Figures = { eligible: Figure; participating: Figure; agree: Figure; oppose: Figure; abstain: Figure };
export type Outcome = 'passed' | 'no_valid_decision';
export type MatterResult = { id: string; kind: MatterKind } & Figures & {
    quorumMet: boolean;
    /** the approval threshold is reached, whatever the quorum */
    thresholdMet: boolean;
    passed: boolean;
    /** a matter that did not pass is "no valid decision" (未形成有效决定), never "rejected" */
    outcome: Outcome;
  };
export type Tally = { matters: MatterResult[] } & Omit<ResolvedBallots, 'codes'>;
/** `estate` is there when the roll's flats carry their estate (a vote may span estates). */
export type BuildingTally = { estate?: string; building: string; matters: ({ id: string } & Figures)[] };

export type { Ballot, Choice } from './cast.ts';
export type { Figure } from './thresholds.ts';

type Entry = { voter: number; areaCm2: number };

function checkMatters(matters: readonly TallyMatter[]): void {
  const ids = new Set<string>();
  for (const m of matters) {
    if (ids.has(m.id)) throw new RangeError(`matter ${m.id} is listed twice`);
    if (m.kind !== 'major' && m.kind !== 'ordinary') throw new RangeError(`matter ${m.id}: unknown kind ${String(m.kind)}`);
    ids.add(m.id);
  }
}

/**
 * Checks the roll and indexes it in the same pass: each voter's place (for resolveIndexed)
 * and the area they hold (a whole number of 0.01 m², the sum of their flats).
 */
function checkRoll(roll: TallyRoll): { voterIndex: Map<string, number>; areas: Float64Array } {
  const voterIndex = new Map<string, number>();
  const areas = new Float64Array(roll.voters.length);
  let total = 0;
  let place = 0;
  for (const v of roll.voters) {
    if (voterIndex.has(v.id)) throw new RangeError(`voter ${v.id} is on the roll twice`);
    voterIndex.set(v.id, place);
    if (v.units.length === 0) throw new RangeError(`voter ${v.id} holds no flat`);
    let area = 0;
    for (const u of v.units) {
      if (!Number.isSafeInteger(u.areaCm2) || u.areaCm2 <= 0) {
        throw new RangeError(`voter ${v.id}: area must be a positive whole number of 0.01 m², got ${u.areaCm2}`);
      }
      total += u.areaCm2;
      area += u.areaCm2;
    }
    areas[place++] = area;
  }
  if (total > MAX_TOTAL_AREA_CM2) throw new RangeError(`total area ${total} (0.01 m²) is too large to count exactly`);
  return { voterIndex, areas };
}

function count(entries: readonly Entry[], codes: Uint8Array, matterCount: number, matter: number): Figures {
  // index 0: did not take part; 1 agree, 2 oppose, 3 abstain (CHOICE_CODE)
  const area = [0, 0, 0, 0];
  const owners = [0, 0, 0, 0];
  for (const e of entries) {
    const c = codes[e.voter * matterCount + matter]!;
    area[c]! += e.areaCm2;
    owners[c]!++;
  }
  const fig = (c: number): Figure => ({ areaCm2: area[c]!, owners: owners[c]! });
  return {
    eligible: { areaCm2: area[0]! + area[1]! + area[2]! + area[3]!, owners: entries.length },
    participating: { areaCm2: area[1]! + area[2]! + area[3]!, owners: owners[1]! + owners[2]! + owners[3]! },
    agree: fig(1),
    oppose: fig(2),
    abstain: fig(3),
  };
}

function resolve(roll: TallyRoll, ballots: readonly Ballot[], matters: readonly TallyMatter[]): ResolvedBallots & { areas: Float64Array } {
  checkMatters(matters);
  const { voterIndex, areas } = checkRoll(roll);
  const resolved = resolveIndexed(
    voterIndex,
    roll.voters.length,
    matters.map((m) => m.id),
    ballots,
  );
  return { ...resolved, areas };
}

/**
 * The counting half of the tally, one voter at a time: each voter's area (a whole number of
 * 0.01 m², the sum of their flats) and their codes on the matters (0 did not take part, else
 * CHOICE_CODE) go into [4 × matter + code] → area and headcount; `results` then decides each
 * matter. tally() feeds it from the roll and the resolved ballots; the streamed recount
 * (bulletin-stream.ts) from a bulletin read voter by voter, so both count the same way.
 */
export class TallyCounter {
  readonly matters: readonly TallyMatter[];
  private readonly area: Float64Array;
  private readonly owners: Int32Array;
  private voters = 0;
  private total = 0;

  constructor(matters: readonly TallyMatter[]) {
    checkMatters(matters);
    this.matters = matters;
    this.area = new Float64Array(4 * matters.length);
    this.owners = new Int32Array(4 * matters.length);
  }

  /** One voter: `codes[offset + m]` is their code on matter m. Areas are whole numbers whose total is at most MAX_TOTAL_AREA_CM2, so every sum is exact. */
  add(areaCm2: number, codes: Uint8Array, offset = 0): void {
    this.total += areaCm2;
    if (this.total > MAX_TOTAL_AREA_CM2) throw new RangeError(`total area ${this.total} (0.01 m²) is too large to count exactly`);
    this.voters++;
    const { area, owners } = this;
    for (let m = 0, n = this.matters.length; m < n; m++) {
      const slot = 4 * m + codes[offset + m]!;
      area[slot]! += areaCm2;
      owners[slot]!++;
    }
  }

  /** The figures of every matter so far. */
  figures(): Figures[] {
    const { area, owners, voters } = this;
    return this.matters.map((_, m) => {
      const fig = (c: number): Figure => ({ areaCm2: area[4 * m + c]!, owners: owners[4 * m + c]! });
      const [a0, a1, a2, a3] = [area[4 * m]!, area[4 * m + 1]!, area[4 * m + 2]!, area[4 * m + 3]!];
      const [o1, o2, o3] = [owners[4 * m + 1]!, owners[4 * m + 2]!, owners[4 * m + 3]!];
      return {
        eligible: { areaCm2: a0 + a1 + a2 + a3, owners: voters },
        participating: { areaCm2: a1 + a2 + a3, owners: o1 + o2 + o3 },
        agree: fig(1),
        oppose: fig(2),
        abstain: fig(3),
      };
    });
  }

  /** Each matter decided: quorum, threshold and outcome (Civil Code Art. 278). */
  results(): MatterResult[] {
    const figures = this.figures();
    return this.matters.map((m, i): MatterResult => {
      const f = figures[i]!;
      const q = quorumMet(f.participating, f.eligible);
      const t = thresholdMet(m.kind, f.agree, f.participating);
      const passed = q && t;
      return { id: m.id, kind: m.kind, ...f, quorumMet: q, thresholdMet: t, passed, outcome: passed ? 'passed' : 'no_valid_decision' };
    });
  }
}

/**
 * Per matter of one vote: figures by area and headcount, quorum, threshold and outcome
 * (Civil Code Art. 278). Integers only. A matter missing from a voter's counted ballot
 * means that voter did not take part in it. Ballots are taken in the order given; see
 * resolveBallots for which one of a voter counts.
 */
export function tally(roll: TallyRoll, ballots: readonly Ballot[], matters: readonly TallyMatter[]): Tally {
  const { codes, areas, ...report } = resolve(roll, ballots, matters);
  const counter = new TallyCounter(matters);
  for (let v = 0, row = 0, m = matters.length; v < areas.length; v++, row += m) counter.add(areas[v]!, codes, row);
  return { matters: counter.results(), ...report };
}

/**
 * Figures per building (estate + building: a vote may span estates that both have a
 * building 1), in natural estate then building order: a voter counts once in each building
 * where they hold a flat, with the area of their flats there, so building headcounts may
 * add up to more than the total. No quorum or outcome here on purpose: only the whole
 * electorate decides, and a building's figures must not read like a decision.
 */
export function tallyByBuilding(roll: TallyRoll, ballots: readonly Ballot[], matters: readonly TallyMatter[]): BuildingTally[] {
  const { codes } = resolve(roll, ballots, matters);
  const buildings = new Map<string, { estate: string | undefined; building: string; areas: Map<number, number> }>();
  roll.voters.forEach((v, voter) => {
    for (const u of v.units) {
      const key = JSON.stringify([u.estate ?? null, u.building]);
      let b = buildings.get(key);
      if (!b) buildings.set(key, (b = { estate: u.estate, building: u.building, areas: new Map() }));
      b.areas.set(voter, (b.areas.get(voter) ?? 0) + u.areaCm2);
    }
  });
  return [...buildings.values()]
    .sort((a, b) => naturalCompare(a.estate ?? '', b.estate ?? '') || naturalCompare(a.building, b.building))
    .map(({ estate, building, areas }) => {
      const entries = [...areas].map(([voter, areaCm2]) => ({ voter, areaCm2 }));
      return {
        ...(estate !== undefined ? { estate } : {}),
        building,
        matters: matters.map((m, i) => ({ id: m.id, ...count(entries, codes, matters.length, i) })),
      };
    });
}
