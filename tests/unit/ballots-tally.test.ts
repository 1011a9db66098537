import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ART_278_ITEMS, kind } from '../../src/features/ballots/matters.ts';
import type { Art278Item } from '../../src/features/ballots/matters.ts';
import { buildRoll } from '../../src/features/ballots/roll.ts';
import type { OwnershipLink, Roll, RollUnit } from '../../src/features/ballots/roll.ts';
import { tally, tallyByBuilding } from '../../src/features/ballots/tally.ts';
import type { Ballot, Choice, MatterResult, TallyMatter, TallyRoll } from '../../src/features/ballots/tally.ts';
import { quorumMet, thresholdMet } from '../../src/features/ballots/thresholds.ts';
import { syntheticCase } from '../support/synthetic-ballots.ts';
import { benchTally } from '../support/tally-bench.ts';

const ORD: TallyMatter = { id: 'm1', kind: 'ordinary' };
const MAJ: TallyMatter = { id: 'm1', kind: 'major' };

/** One flat per voter, V0001… in the order of `areas` (0.01 m²). */
function rollOf(areas: number[]): Roll {
  const units = areas.map((areaCm2, i): RollUnit => ({
    unitId: `u${i}`,
    building: '1',
    entrance: '1',
    room: String(101 + i),
    areaCm2,
    developerHeld: false,
  }));
  return buildRoll(
    units,
    units.map((u, i) => ({ unitId: u.unitId, ownerId: `o${i}` })),
  );
}
/** A ballot per voter on matter m1; null = no ballot. */
function cast(choices: (Choice | null)[], matterId = 'm1'): Ballot[] {
  return choices.flatMap((c, i) => (c ? [{ voterId: `V${String(i + 1).padStart(4, '0')}`, choices: { [matterId]: c } }] : []));
}
const one = (roll: TallyRoll, ballots: Ballot[], matter: TallyMatter): MatterResult => tally(roll, ballots, [matter]).matters[0]!;
const fig = (areaCm2: number, owners: number) => ({ areaCm2, owners });

describe('Art. 278 items', () => {
  it('makes items 6, 7, 8 major and the others ordinary', () => {
    expect(ART_278_ITEMS.map((i) => i.item)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ART_278_ITEMS.map((i) => kind(i.item))).toEqual(['ordinary', 'ordinary', 'ordinary', 'ordinary', 'ordinary', 'major', 'major', 'major', 'ordinary']);
    expect(() => kind(0 as Art278Item)).toThrow(RangeError);
    expect(() => kind(10 as Art278Item)).toThrow(RangeError);
  });
});

describe('quorum: at least 2/3 of area and of owners take part', () => {
  it('is met at exactly 2/3 of both', () => {
    const r = one(rollOf([100, 100, 100]), cast(['agree', 'oppose', null]), ORD);
    expect(r.eligible).toEqual(fig(300, 3));
    expect(r.participating).toEqual(fig(200, 2));
    expect(r.quorumMet).toBe(true);
  });
  it('is not met with area just below 2/3 (headcount exactly 2/3)', () => {
    const r = one(rollOf([100, 99, 101]), cast(['agree', 'agree', null]), ORD); // 199 of 300
    expect(r.participating).toEqual(fig(199, 2));
    expect([r.quorumMet, r.thresholdMet, r.passed, r.outcome]).toEqual([false, true, false, 'no_valid_decision']);
  });
  it('is not met with headcount just below 2/3 (area above)', () => {
    // 7 voters: 4 take part (3·4 = 12 < 14) with most of the area; 5 would meet it
    const areas = [1000, 1000, 1000, 1000, 1, 1, 1];
    expect(one(rollOf(areas), cast(['agree', 'agree', 'agree', 'agree', null, null, null]), ORD).quorumMet).toBe(false);
    expect(one(rollOf(areas), cast(['agree', 'agree', 'agree', 'agree', 'agree', null, null]), ORD).quorumMet).toBe(true);
  });
  it('is not met when area is met but headcount is not', () => {
    const r = one(rollOf([1000, 10, 10]), cast(['agree', null, null]), ORD);
    expect(3 * r.participating.areaCm2 >= 2 * r.eligible.areaCm2).toBe(true);
    expect([r.quorumMet, r.passed]).toEqual([false, false]);
  });
  it('is not met when headcount is met but area is not', () => {
    const r = one(rollOf([10, 10, 1000]), cast(['agree', 'agree', null]), ORD);
    expect(3 * r.participating.owners >= 2 * r.eligible.owners).toBe(true);
    expect([r.quorumMet, r.passed]).toEqual([false, false]);
  });
  it('counts abstentions as taking part', () => {
    const r = one(rollOf([100, 100, 100]), cast(['agree', 'abstain', null]), ORD);
    expect([r.participating, r.abstain, r.quorumMet]).toEqual([fig(200, 2), fig(100, 1), true]);
  });
  it('is never met on an empty roll', () => {
    for (const m of [ORD, MAJ]) {
      const r = one({ voters: [] }, [], m);
      expect(r).toEqual({
        id: 'm1',
        kind: m.kind,
        eligible: fig(0, 0),
        participating: fig(0, 0),
        agree: fig(0, 0),
        oppose: fig(0, 0),
        abstain: fig(0, 0),
        quorumMet: false,
        thresholdMet: false,
        passed: false,
        outcome: 'no_valid_decision',
      });
    }
    expect(quorumMet(fig(0, 0), fig(0, 0))).toBe(false);
  });
});

describe('ordinary matters: more than half of participating area and owners', () => {
  it('fail at exactly half of both', () => {
    const r = one(rollOf([100, 100]), cast(['agree', 'oppose']), ORD);
    expect([r.quorumMet, r.thresholdMet, r.passed, r.outcome]).toEqual([true, false, false, 'no_valid_decision']);
  });
  it('fail at exactly half of the area with more than half of the owners, pass just above', () => {
    const half = one(rollOf([50, 50, 100]), cast(['agree', 'agree', 'oppose']), ORD);
    expect([half.agree, half.participating, half.passed]).toEqual([fig(100, 2), fig(200, 3), false]);
    const above = one(rollOf([50, 51, 100]), cast(['agree', 'agree', 'oppose']), ORD);
    expect([above.agree, above.participating, above.passed, above.outcome]).toEqual([fig(101, 2), fig(201, 3), true, 'passed']);
  });
  it('fail at exactly half of the owners with more than half of the area, pass just above', () => {
    const half = one(rollOf([100, 100, 1, 1]), cast(['agree', 'agree', 'oppose', 'oppose']), ORD);
    expect([half.agree.owners, half.participating.owners, half.passed]).toEqual([2, 4, false]);
    const above = one(rollOf([100, 100, 1, 1, 1]), cast(['agree', 'agree', 'agree', 'oppose', 'oppose']), ORD);
    expect(above.passed).toBe(true);
  });
  it('fail when area is reached but headcount is not, and the reverse', () => {
    expect(one(rollOf([300, 1, 1]), cast(['agree', 'oppose', 'oppose']), ORD)).toMatchObject({ quorumMet: true, passed: false });
    expect(one(rollOf([1, 1, 300]), cast(['agree', 'agree', 'oppose']), ORD)).toMatchObject({ quorumMet: true, passed: false });
  });
  it('count abstentions against approval: 2 agree, 1 oppose, 1 abstain is only half', () => {
    const r = one(rollOf([100, 100, 100, 100]), cast(['agree', 'agree', 'oppose', 'abstain']), ORD);
    expect([r.agree, r.oppose, r.abstain, r.participating, r.passed]).toEqual([fig(200, 2), fig(100, 1), fig(100, 1), fig(400, 4), false]);
    expect(one(rollOf([100, 100, 100]), cast(['agree', 'agree', 'oppose']), ORD).passed).toBe(true);
  });
});

describe('major matters: at least 3/4 of participating area and owners', () => {
  it('pass at exactly 3/4 of both', () => {
    const r = one(rollOf([100, 100, 100, 100]), cast(['agree', 'agree', 'agree', 'oppose']), MAJ);
    expect([r.agree, r.participating, r.quorumMet, r.passed, r.outcome]).toEqual([fig(300, 3), fig(400, 4), true, true, 'passed']);
  });
  it('fail with area just below 3/4 (headcount exactly 3/4)', () => {
    const r = one(rollOf([100, 100, 100, 101]), cast(['agree', 'agree', 'agree', 'oppose']), MAJ); // 300 of 401
    expect([r.thresholdMet, r.passed, r.outcome]).toEqual([false, false, 'no_valid_decision']);
  });
  it('fail with headcount just below 3/4 (area above)', () => {
    // 8 of 11 owners: 4·8 = 32 < 33
    const areas = [100, 100, 100, 100, 100, 100, 100, 100, 1, 1, 1];
    const choices: Choice[] = [...Array<Choice>(8).fill('agree'), 'oppose', 'oppose', 'oppose'];
    expect(one(rollOf(areas), cast(choices), MAJ)).toMatchObject({ quorumMet: true, passed: false });
    expect(one(rollOf([...areas, 100]), cast([...choices.slice(0, 8), 'agree', 'oppose', 'oppose', 'oppose']), MAJ).passed).toBe(true);
  });
  it('fail when area is reached but headcount is not, and the reverse', () => {
    expect(one(rollOf([300, 1, 1, 1]), cast(['agree', 'agree', 'oppose', 'oppose']), MAJ)).toMatchObject({ quorumMet: true, passed: false });
    expect(one(rollOf([1, 1, 1, 300]), cast(['agree', 'agree', 'agree', 'oppose']), MAJ)).toMatchObject({ quorumMet: true, passed: false });
  });
  it('need 3/4 where an ordinary matter needs only more than half', () => {
    const roll = rollOf([100, 100, 100]);
    const ballots = cast(['agree', 'agree', 'oppose']);
    expect([one(roll, ballots, ORD).passed, one(roll, ballots, MAJ).passed]).toEqual([true, false]);
  });
  it('reach no threshold when nobody takes part', () => {
    expect(thresholdMet('major', fig(0, 0), fig(0, 0))).toBe(false);
    expect(thresholdMet('ordinary', fig(0, 0), fig(0, 0))).toBe(false);
  });
});

describe('who is one voter, in the tally', () => {
  it('counts an owner of several flats once, with all their area', () => {
    const units: RollUnit[] = ['101', '102', '103', '104'].map((room, i) => ({
      unitId: `u${i}`,
      building: '1',
      entrance: '1',
      room,
      areaCm2: 100,
      developerHeld: false,
    }));
    const roll = buildRoll(units, [
      { unitId: 'u0', ownerId: 'a' },
      { unitId: 'u1', ownerId: 'a' },
      { unitId: 'u2', ownerId: 'b' },
      { unitId: 'u3', ownerId: 'c' },
    ]);
    const r = one(roll, cast(['agree', 'oppose', null]), ORD);
    expect([r.eligible, r.participating, r.agree]).toEqual([fig(400, 3), fig(300, 2), fig(200, 1)]);
    // area 2·200 > 300 but headcount 2·1 = 2, not more than 2
    expect([r.quorumMet, r.passed]).toEqual([true, false]);
  });
  it('counts co-owners of a flat as one owner', () => {
    const units: RollUnit[] = ['101', '102'].map((room, i) => ({
      unitId: `u${i}`,
      building: '1',
      entrance: '1',
      room,
      areaCm2: 100,
      developerHeld: false,
    }));
    const roll = buildRoll(units, [
      { unitId: 'u0', ownerId: 'a' },
      { unitId: 'u0', ownerId: 'b' },
      { unitId: 'u1', ownerId: 'c' },
    ]);
    const r = one(roll, cast(['agree', 'oppose']), ORD);
    expect([r.eligible, r.agree, r.oppose, r.passed]).toEqual([fig(200, 2), fig(100, 1), fig(100, 1), false]);
  });
  it('counts a co-owner who also owns another flat together with the other co-owners', () => {
    const units: RollUnit[] = ['101', '102', '103'].map((room, i) => ({
      unitId: `u${i}`,
      building: '1',
      entrance: '1',
      room,
      areaCm2: 100,
      developerHeld: false,
    }));
    const roll = buildRoll(units, [
      { unitId: 'u0', ownerId: 'a' },
      { unitId: 'u0', ownerId: 'b' },
      { unitId: 'u1', ownerId: 'b' },
      { unitId: 'u2', ownerId: 'c' },
    ]);
    const r = one(roll, cast(['agree', 'oppose']), ORD);
    expect([r.eligible, r.agree, r.oppose, r.passed]).toEqual([fig(300, 2), fig(200, 1), fig(100, 1), false]);
  });
  it('counts all developer-held flats as one owner', () => {
    const units: RollUnit[] = ['101', '102', '103', '104', '105'].map((room, i) => ({
      unitId: `u${i}`,
      building: '1',
      entrance: '1',
      room,
      areaCm2: 100,
      developerHeld: i >= 2,
    }));
    const roll = buildRoll(units, [
      { unitId: 'u0', ownerId: 'a' },
      { unitId: 'u1', ownerId: 'b' },
    ]);
    expect(roll.voters.map((v) => [v.id, v.areaCm2, v.developer])).toEqual([
      ['V0001', 100, false],
      ['V0002', 100, false],
      ['V0003', 300, true],
    ]);
    const r = one(roll, cast(['agree', 'agree', 'oppose']), MAJ);
    // the developer holds 3/5 of the area but is one owner of three
    expect([r.eligible, r.agree, r.oppose, r.quorumMet, r.passed]).toEqual([fig(500, 3), fig(200, 2), fig(300, 1), true, false]);
  });
});

describe('ballots', () => {
  const roll = rollOf([100, 100, 100]);
  const two: TallyMatter[] = [
    { id: 'm1', kind: 'ordinary' },
    { id: 'm2', kind: 'major' },
  ];

  it('treat a matter missing from a ballot as not taking part in it', () => {
    const t = tally(
      roll,
      [
        { voterId: 'V0001', choices: { m1: 'agree', m2: 'agree' } },
        { voterId: 'V0002', choices: { m1: 'agree', m2: 'agree' } },
        { voterId: 'V0003', choices: { m1: 'agree' } },
      ],
      two,
    );
    expect(t.matters.map((m) => [m.id, m.participating, m.agree])).toEqual([
      ['m1', fig(300, 3), fig(300, 3)],
      ['m2', fig(200, 2), fig(200, 2)],
    ]);
  });
  it('ignore and report the ballot of a voter not on the roll', () => {
    const t = tally(roll, [{ voterId: 'V0009', choices: { m1: 'agree' } }, ...cast(['oppose', 'oppose'])], [ORD]);
    expect(t.ignoredBallots).toEqual([{ index: 0, voterId: 'V0009' }]);
    expect([t.matters[0]!.eligible, t.matters[0]!.participating, t.matters[0]!.agree]).toEqual([fig(300, 3), fig(200, 2), fig(0, 0)]);
  });
  it('count only the last of several ballots of a voter, whole', () => {
    const t = tally(
      roll,
      [
        { voterId: 'V0001', choices: { m1: 'oppose', m2: 'oppose' } },
        { voterId: 'V0002', choices: { m1: 'agree', m2: 'agree' } },
        { voterId: 'V0001', choices: { m1: 'agree' } },
      ],
      two,
    );
    expect(t.supersededBallots).toEqual([{ index: 0, voterId: 'V0001' }]);
    // m2 of the earlier ballot is not carried over: V0001 did not take part in m2
    expect(t.matters.map((m) => [m.agree, m.oppose, m.participating])).toEqual([
      [fig(200, 2), fig(0, 0), fig(200, 2)],
      [fig(100, 1), fig(0, 0), fig(100, 1)],
    ]);
  });
  it('ignore and report choices on matters the vote does not have', () => {
    const t = tally(roll, [{ voterId: 'V0001', choices: { m1: 'agree', ['constructor' as string]: 'agree', m9: 'oppose' } }], [ORD]);
    expect(t.ignoredChoices).toEqual([
      { index: 0, voterId: 'V0001', matterId: 'constructor' },
      { index: 0, voterId: 'V0001', matterId: 'm9' },
    ]);
    expect(t.matters[0]!.agree).toEqual(fig(100, 1));
  });
  it('read each choice by its matter, whatever order and set of matters each ballot lists', () => {
    const three: TallyMatter[] = [...two, { id: 'm3', kind: 'ordinary' }];
    const t = tally(
      rollOf([100, 200, 400, 800]),
      [
        { voterId: 'V0001', choices: { m1: 'agree', m2: 'oppose', m3: 'abstain' } },
        { voterId: 'V0002', choices: { m3: 'agree', m1: 'oppose', m2: 'abstain' } },
        { voterId: 'V0003', choices: { m1: 'agree', m9: 'oppose', m3: 'oppose' } },
        { voterId: 'V0004', choices: { m1: 'agree', m2: 'agree', m3: 'agree' } },
      ],
      three,
    );
    expect(t.matters.map((m) => [m.agree, m.oppose, m.abstain])).toEqual([
      [fig(1300, 3), fig(200, 1), fig(0, 0)],
      [fig(800, 1), fig(100, 1), fig(200, 1)],
      [fig(1000, 2), fig(400, 1), fig(100, 1)],
    ]);
    expect(t.ignoredChoices).toEqual([{ index: 2, voterId: 'V0003', matterId: 'm9' }]);
  });
  it('refuse the first bad choice met, voters taken in the order of their first ballot', () => {
    const bad = [
      { voterId: 'V0002', choices: { m1: 'agree' as Choice } },
      { voterId: 'V0001', choices: { m1: 'no' as Choice } },
      { voterId: 'V0002', choices: { m1: 'yes' as Choice } },
    ];
    expect(() => tally(roll, bad, [ORD])).toThrow('ballot 2 of voter V0002: "yes" on m1');
  });
  it('do not mistake inherited properties for choices', () => {
    const t = tally(roll, cast(['agree']), [
      { id: 'toString', kind: 'ordinary' },
      { id: 'constructor', kind: 'major' },
    ]);
    expect(t.matters.map((m) => m.participating)).toEqual([fig(0, 0), fig(0, 0)]);
  });
  it('refuse a choice that is not agree, oppose or abstain', () => {
    expect(() => tally(roll, [{ voterId: 'V0001', choices: { m1: 'yes' as Choice } }], [ORD])).toThrow(RangeError);
  });
  it('refuse malformed rolls and matters', () => {
    expect(() => tally(roll, [], [ORD, ORD])).toThrow(/twice/);
    expect(() => tally(roll, [], [{ id: 'm1', kind: 'minor' as 'major' }])).toThrow(RangeError);
    expect(() => tally({ voters: [...roll.voters, roll.voters[0]!] }, [], [ORD])).toThrow(/twice/);
    expect(() => tally({ voters: [{ id: 'V0001', units: [] }] }, [], [ORD])).toThrow(RangeError);
    expect(() => tally({ voters: [{ id: 'V0001', units: [{ building: '1', areaCm2: 1.5 }] }] }, [], [ORD])).toThrow(RangeError);
    const huge = { building: '1', areaCm2: Number.MAX_SAFE_INTEGER - 1 };
    expect(() => tally({ voters: [{ id: 'V0001', units: [huge] }] }, [], [ORD])).toThrow(/too large/);
  });
});

describe('per-building breakdown', () => {
  it('counts a voter once in each building where they hold a flat, with the area there', () => {
    const units: RollUnit[] = [
      { unitId: 'a', building: '1', entrance: '1', room: '101', areaCm2: 100, developerHeld: false },
      { unitId: 'b', building: '2', entrance: '1', room: '101', areaCm2: 70, developerHeld: false },
      { unitId: 'c', building: '2', entrance: '1', room: '102', areaCm2: 30, developerHeld: false },
      { unitId: 'd', building: '10', entrance: '1', room: '101', areaCm2: 50, developerHeld: false },
    ];
    const roll = buildRoll(units, [
      { unitId: 'a', ownerId: 'x' },
      { unitId: 'b', ownerId: 'x' },
      { unitId: 'c', ownerId: 'y' },
      { unitId: 'd', ownerId: 'x' },
    ]);
    expect(roll.voters.map((v) => [v.id, v.areaCm2])).toEqual([
      ['V0001', 220],
      ['V0002', 30],
    ]);
    const ballots: Ballot[] = [
      { voterId: 'V0001', choices: { m1: 'agree' } },
      { voterId: 'V0002', choices: { m1: 'abstain' } },
    ];
    const byBuilding = tallyByBuilding(roll, ballots, [ORD]);
    expect(byBuilding).toEqual([
      { building: '1', matters: [{ id: 'm1', eligible: fig(100, 1), participating: fig(100, 1), agree: fig(100, 1), oppose: fig(0, 0), abstain: fig(0, 0) }] },
      { building: '2', matters: [{ id: 'm1', eligible: fig(100, 2), participating: fig(100, 2), agree: fig(70, 1), oppose: fig(0, 0), abstain: fig(30, 1) }] },
      { building: '10', matters: [{ id: 'm1', eligible: fig(50, 1), participating: fig(50, 1), agree: fig(50, 1), oppose: fig(0, 0), abstain: fig(0, 0) }] },
    ]);
    const total = tally(roll, ballots, [ORD]).matters[0]!;
    expect(byBuilding.reduce((s, b) => s + b.matters[0]!.eligible.areaCm2, 0)).toBe(total.eligible.areaCm2);
    expect(byBuilding.reduce((s, b) => s + b.matters[0]!.eligible.owners, 0)).toBe(4); // more than the 2 voters
  });
});

describe('size', () => {
  it('tallies 10,000 voters × 20 matters', () => {
    const c = syntheticCase(10_000, 20);
    expect(c.roll.voters).toHaveLength(10_000);
    const t = tally(c.roll, c.ballots, c.matters);
    expect(t.matters).toHaveLength(20);
    const area = c.roll.voters.reduce((s, v) => s + v.areaCm2, 0);
    for (const m of t.matters) {
      expect(m.eligible).toEqual(fig(area, 10_000));
      expect(m.participating.owners).toBe(c.ballots.length);
      expect(m.agree.owners + m.oppose.owners + m.abstain.owners).toBe(m.participating.owners);
      expect(m.outcome).toBe(m.passed ? 'passed' : 'no_valid_decision');
    }
    expect([t.ignoredBallots, t.supersededBallots, t.ignoredChoices]).toEqual([[], [], []]);
  });
  it('benchTally returns a time in ms', () => {
    const ms = benchTally(200, 3, 3);
    expect(Number.isFinite(ms) && ms >= 0).toBe(true);
  });
});

// ---- properties ----

type Case = { units: RollUnit[]; links: OwnershipLink[]; matters: TallyMatter[]; ballots: Ballot[]; keys: number[] };

const choiceArb = fc.constantFrom<Choice>('agree', 'oppose', 'abstain');
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    rows: fc.uniqueArray(
      fc.record({
        building: fc.constantFrom('1', '2', '3'),
        room: fc.constantFrom('101', '102', '201', '202'),
        areaCm2: fc.integer({ min: 1, max: 6 }),
        developerHeld: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
      }),
      { selector: (r) => `${r.building}/${r.room}`, maxLength: 12 },
    ),
    links: fc.array(fc.record({ unit: fc.nat(12), owner: fc.nat(8) }), { maxLength: 20 }),
    kinds: fc.array(fc.constantFrom<'major' | 'ordinary'>('major', 'ordinary'), { minLength: 1, maxLength: 4 }),
    ballots: fc.array(fc.record({ voter: fc.nat(14), choices: fc.array(fc.option(choiceArb, { nil: undefined }), { minLength: 5, maxLength: 5 }) }), {
      maxLength: 20,
    }),
    keys: fc.array(fc.nat(), { minLength: 32, maxLength: 32 }),
  })
  .map(({ rows, links, kinds, ballots, keys }) => {
    const units = rows.map((r, i): RollUnit => ({ unitId: `u${i}`, entrance: '1', ...r }));
    const matters = kinds.map((k, i): TallyMatter => ({ id: `m${i + 1}`, kind: k }));
    return {
      units,
      links: links.map((l) => ({ unitId: `u${l.unit}`, ownerId: `o${l.owner}` })),
      matters,
      // voter numbers past the roll give ballots of voters not on it; m5 is not a matter when fewer
      ballots: ballots.map((b) => ({
        voterId: `V${String(b.voter + 1).padStart(4, '0')}`,
        choices: Object.fromEntries(b.choices.flatMap((c, i) => (c ? [[`m${i + 1}`, c]] : []))),
      })),
      keys,
    };
  });

const shuffle = <T>(xs: readonly T[], keys: number[]) =>
  xs
    .map((x, i) => ({ x, k: keys[i % keys.length]! * 1000 + i }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.x);

/** The tally again, written differently: BigInt, thresholds as ceilings, the last ballot found by scanning back. */
function reference(roll: Roll, ballots: Ballot[], matters: TallyMatter[]) {
  return matters.map((m) => {
    const z = () => ({ area: 0n, owners: 0n });
    const f = { eligible: z(), participating: z(), agree: z(), oppose: z(), abstain: z() };
    for (const v of roll.voters) {
      const area = v.units.map((u) => BigInt(u.areaCm2)).reduce((a, b) => a + b, 0n);
      f.eligible.area += area;
      f.eligible.owners += 1n;
      const b = ballots.findLast((x) => x.voterId === v.id);
      if (!b || !Object.prototype.hasOwnProperty.call(b.choices, m.id)) continue;
      const c = b.choices[m.id]!;
      for (const k of ['participating', c] as const) {
        f[k].area += area;
        f[k].owners += 1n;
      }
    }
    const atLeast = (part: bigint, whole: bigint, num: bigint, den: bigint) => part >= (num * whole + den - 1n) / den;
    const quorum =
      f.eligible.owners > 0n && atLeast(f.participating.area, f.eligible.area, 2n, 3n) && atLeast(f.participating.owners, f.eligible.owners, 2n, 3n);
    const threshold =
      m.kind === 'major'
        ? atLeast(f.agree.area, f.participating.area, 3n, 4n) && atLeast(f.agree.owners, f.participating.owners, 3n, 4n)
        : f.agree.area >= f.participating.area / 2n + 1n && f.agree.owners >= f.participating.owners / 2n + 1n;
    const out = (x: { area: bigint; owners: bigint }) => ({ areaCm2: Number(x.area), owners: Number(x.owners) });
    return {
      id: m.id,
      eligible: out(f.eligible),
      participating: out(f.participating),
      agree: out(f.agree),
      oppose: out(f.oppose),
      abstain: out(f.abstain),
      quorumMet: quorum,
      passed: quorum && threshold,
      outcome: quorum && threshold ? 'passed' : 'no_valid_decision',
    };
  });
}

describe('tally properties', () => {
  it('equals a naive BigInt reference', () => {
    fc.assert(
      fc.property(caseArb, ({ units, links, matters, ballots }) => {
        const roll = buildRoll(units, links);
        const got = tally(roll, ballots, matters).matters.map(({ kind: _k, thresholdMet: _t, ...rest }) => rest);
        expect(got).toEqual(reference(roll, ballots, matters));
      }),
      { numRuns: 500 },
    );
  });
  it('splits participation exactly into agree, oppose and abstain, within the eligible', () => {
    fc.assert(
      fc.property(caseArb, ({ units, links, matters, ballots }) => {
        const roll = buildRoll(units, links);
        for (const m of tally(roll, ballots, matters).matters) {
          expect(m.agree.areaCm2 + m.oppose.areaCm2 + m.abstain.areaCm2).toBe(m.participating.areaCm2);
          expect(m.agree.owners + m.oppose.owners + m.abstain.owners).toBe(m.participating.owners);
          expect(m.participating.areaCm2).toBeLessThanOrEqual(m.eligible.areaCm2);
          expect(m.participating.owners).toBeLessThanOrEqual(m.eligible.owners);
          expect(m.passed).toBe(m.quorumMet && m.thresholdMet);
          expect(m.outcome).toBe(m.passed ? 'passed' : 'no_valid_decision');
        }
      }),
    );
  });
  it('never counts a share twice', () => {
    fc.assert(
      fc.property(caseArb, ({ units, links, matters, ballots }) => {
        const roll = buildRoll(units, links);
        const t = tally(roll, ballots, matters);
        const onRoll = new Set(roll.voters.map((v) => v.id));
        const voted = new Set(ballots.map((b) => b.voterId).filter((id) => onRoll.has(id)));
        // every flat belongs to one voter, so the eligible area is the area of the flats on the roll
        const rollUnits = roll.voters.flatMap((v) => v.units);
        expect(new Set(rollUnits.map((u) => u.unitId)).size).toBe(rollUnits.length);
        for (const m of t.matters) {
          expect(m.eligible.areaCm2).toBe(rollUnits.reduce((s, u) => s + u.areaCm2, 0));
          expect(m.participating.owners).toBeLessThanOrEqual(voted.size);
          const votedArea = roll.voters.filter((v) => voted.has(v.id)).reduce((s, v) => s + v.areaCm2, 0);
          expect(m.participating.areaCm2).toBeLessThanOrEqual(votedArea);
        }
      }),
    );
  });
  it('does not depend on the order of flats, links or voters’ ballots', () => {
    fc.assert(
      fc.property(caseArb, ({ units, links, matters, ballots, keys }) => {
        const base = tally(buildRoll(units, links), ballots, matters).matters;
        const roll = buildRoll(shuffle(units, keys), shuffle(links, [...keys].reverse()));
        // ballots of different voters interleave freely; a voter's own ballots keep their order
        const voterKey = (id: string) => keys[Number(id.slice(1)) % keys.length]!;
        const regrouped = ballots
          .map((b, i) => ({ b, i }))
          .sort((x, y) => voterKey(x.b.voterId) - voterKey(y.b.voterId) || x.i - y.i)
          .map((e) => e.b);
        expect(tally(roll, regrouped, matters).matters).toEqual(base);
        const lastOnly = [...new Map(ballots.map((b) => [b.voterId, b])).values()];
        expect(tally(roll, shuffle(lastOnly, keys), matters).matters).toEqual(base);
      }),
    );
  });
  it('gives per-building figures that add up in area and cover every voter', () => {
    fc.assert(
      fc.property(caseArb, ({ units, links, matters, ballots }) => {
        const roll = buildRoll(units, links);
        const t = tally(roll, ballots, matters);
        const b = tallyByBuilding(roll, ballots, matters);
        t.matters.forEach((m, i) => {
          for (const k of ['eligible', 'participating', 'agree', 'oppose', 'abstain'] as const) {
            expect(b.reduce((s, x) => s + x.matters[i]![k].areaCm2, 0)).toBe(m[k].areaCm2);
            expect(b.reduce((s, x) => s + x.matters[i]![k].owners, 0)).toBeGreaterThanOrEqual(m[k].owners);
          }
        });
      }),
    );
  });
});
