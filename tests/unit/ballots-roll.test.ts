import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildRoll, voterId } from '../../src/features/ballots/roll.ts';
import type { OwnershipLink, RollUnit } from '../../src/features/ballots/roll.ts';
import { compareUnitKeys, naturalCompare } from '../../src/features/ballots/natural-order.ts';

const flat = (unitId: string, room: string, areaCm2 = 10_000, more: Partial<RollUnit> = {}): RollUnit => ({
  unitId,
  building: '1',
  entrance: '1',
  room,
  areaCm2,
  developerHeld: false,
  ...more,
});
const own = (unitId: string, ownerId: string): OwnershipLink => ({ unitId, ownerId });
const unitIds = (v: { units: { unitId: string }[] }) => v.units.map((u) => u.unitId);

describe('natural order of labels', () => {
  it('orders numbers by value and text after numbers', () => {
    const labels = ['10', '2', '1', '3号楼', '12号楼', 'B', 'A', '1001', '201', '2-1', '2-10', '2-2'];
    expect([...labels].sort(naturalCompare)).toEqual(['1', '2', '2-1', '2-2', '2-10', '3号楼', '10', '12号楼', '201', '1001', 'A', 'B']);
  });
  it('tells apart labels equal by number, consistently', () => {
    expect(naturalCompare('01', '1')).not.toBe(0);
    expect(Math.sign(naturalCompare('01', '1'))).toBe(-Math.sign(naturalCompare('1', '01')) + 0);
    expect(naturalCompare('7', '7')).toBe(0);
  });
  it('is a total order', () => {
    const label = fc.stringMatching(/^[0-9AB号-]{0,5}$/);
    fc.assert(
      fc.property(label, label, label, (a, b, c) => {
        const ab = Math.sign(naturalCompare(a, b)) + 0;
        expect(ab).toBe(-Math.sign(naturalCompare(b, a)) + 0);
        expect(ab === 0).toBe(a === b);
        if (naturalCompare(a, b) <= 0 && naturalCompare(b, c) <= 0) expect(naturalCompare(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });
  it('compares building, then entrance, then room', () => {
    const k = (building: string, entrance: string, room: string) => ({ building, entrance, room });
    expect(compareUnitKeys(k('2', '9', '999'), k('10', '1', '101'))).toBeLessThan(0);
    expect(compareUnitKeys(k('2', '2', '101'), k('2', '10', '101'))).toBeLessThan(0);
    expect(compareUnitKeys(k('2', '2', '1001'), k('2', '2', '201'))).toBeGreaterThan(0);
  });
});

describe('grouping owners into voters', () => {
  it('gives one voter per flat with one owner', () => {
    const roll = buildRoll([flat('a', '101', 8523)], [own('a', 'o1')]);
    expect(roll.voters).toEqual([
      {
        id: 'V0001',
        units: [{ unitId: 'a', building: '1', entrance: '1', room: '101', areaCm2: 8523 }],
        areaCm2: 8523,
        ownerIds: ['o1'],
        developer: false,
      },
    ]);
    expect(roll.unownedUnits).toEqual([]);
    expect(roll.ignoredLinks).toEqual([]);
  });

  it('makes co-owners of a flat one voter', () => {
    const roll = buildRoll([flat('a', '101'), flat('b', '102')], [own('a', 'o1'), own('a', 'o2'), own('b', 'o3')]);
    expect(roll.voters.map((v) => [v.id, unitIds(v), v.ownerIds, v.areaCm2])).toEqual([
      ['V0001', ['a'], ['o1', 'o2'], 10_000],
      ['V0002', ['b'], ['o3'], 10_000],
    ]);
  });

  it('makes an owner of several flats one voter with all their area', () => {
    const roll = buildRoll([flat('a', '101', 100), flat('b', '102', 200), flat('c', '103', 300)], [own('a', 'o1'), own('c', 'o1'), own('b', 'o2')]);
    expect(roll.voters.map((v) => [v.id, unitIds(v), v.ownerIds, v.areaCm2])).toEqual([
      ['V0001', ['a', 'c'], ['o1'], 400],
      ['V0002', ['b'], ['o2'], 200],
    ]);
  });

  it('joins a co-owner who also owns another flat, and chains of them, into one voter', () => {
    // o1+o2 own a, o2 owns b, o2+o3 own c, o3 owns d: one group; o4 owns e alone.
    const units = [flat('a', '101', 1), flat('b', '102', 2), flat('c', '103', 4), flat('d', '104', 8), flat('e', '105', 16)];
    const links = [own('a', 'o1'), own('a', 'o2'), own('b', 'o2'), own('c', 'o2'), own('c', 'o3'), own('d', 'o3'), own('e', 'o4')];
    const roll = buildRoll(units, links);
    expect(roll.voters.map((v) => [v.id, unitIds(v), v.ownerIds, v.areaCm2])).toEqual([
      ['V0001', ['a', 'b', 'c', 'd'], ['o1', 'o2', 'o3'], 15],
      ['V0002', ['e'], ['o4'], 16],
    ]);
  });

  it('makes all developer-held flats one voter, listed last, whatever their buyers', () => {
    const units = [
      flat('d1', '101', 100, { developerHeld: true }),
      flat('x', '102', 1000),
      flat('d2', '101', 200, { building: '2', developerHeld: true }),
      flat('d3', '301', 300, { developerHeld: true }),
    ];
    // a buyer of d3, not yet handed over, also owns x: x stays theirs, d3 stays the developer's
    const roll = buildRoll(units, [own('x', 'buyer'), own('d3', 'buyer')]);
    expect(roll.voters.map((v) => [v.id, unitIds(v), v.ownerIds, v.areaCm2, v.developer])).toEqual([
      ['V0001', ['x'], ['buyer'], 1000, false],
      ['V0002', ['d1', 'd3', 'd2'], [], 600, true],
    ]);
    expect(roll.ignoredLinks).toEqual([{ unitId: 'd3', ownerId: 'buyer', reason: 'developer_held' }]);
  });

  it('leaves out flats with no owner and reports them, and links to unknown flats', () => {
    const roll = buildRoll([flat('a', '102'), flat('b', '101')], [own('a', 'o1'), own('zz', 'o2'), own('a', 'o1')]);
    expect(roll.voters.map(unitIds)).toEqual([['a']]);
    expect(roll.unownedUnits.map((u) => u.unitId)).toEqual(['b']);
    expect(roll.ignoredLinks).toEqual([{ unitId: 'zz', ownerId: 'o2', reason: 'unknown_unit' }]);
  });

  it('gives an empty roll for an empty register', () => {
    expect(buildRoll([], [])).toEqual({ voters: [], unownedUnits: [], ignoredLinks: [] });
  });

  it('refuses a flat listed twice or without a positive whole area', () => {
    expect(() => buildRoll([flat('a', '101'), flat('a', '102')], [])).toThrow(RangeError);
    for (const area of [0, -1, 1.5, Number.NaN]) expect(() => buildRoll([flat('a', '101', area)], [])).toThrow(RangeError);
  });
});

describe('voter ids', () => {
  it('follow each voter’s first flat in natural order, whatever the input order', () => {
    const units = [
      flat('u10', '101', 1, { building: '10' }),
      flat('u2b', '201', 1, { building: '2', entrance: '10' }),
      flat('u2a', '1001', 1, { building: '2', entrance: '2' }),
      flat('u2c', '202', 1, { building: '2', entrance: '2' }),
    ];
    const links = [own('u10', 'p'), own('u2b', 'q'), own('u2a', 'r'), own('u2c', 'p')];
    const roll = buildRoll(units, links);
    expect(roll.voters.map((v) => [v.id, unitIds(v)])).toEqual([
      ['V0001', ['u2c', 'u10']],
      ['V0002', ['u2a']],
      ['V0003', ['u2b']],
    ]);
    expect(buildRoll([...units].reverse(), [...links].reverse()).voters).toEqual(roll.voters);
  });
  it('are padded to four digits and grow past 9999', () => {
    expect([voterId(0), voterId(9998), voterId(9999)]).toEqual(['V0001', 'V9999', 'V10000']);
  });
});

// A naive grouping written differently: merge owner sets until nothing changes.
function naiveGroups(units: RollUnit[], links: OwnershipLink[]): string[][] {
  const known = new Map(units.map((u) => [u.unitId, u]));
  let groups: { units: Set<string>; owners: Set<string> }[] = [];
  for (const l of links) {
    const u = known.get(l.unitId);
    if (!u || u.developerHeld) continue;
    groups.push({ units: new Set([l.unitId]), owners: new Set([l.ownerId]) });
  }
  let merged = true;
  while (merged) {
    merged = false;
    outer: for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const a = groups[i]!;
        const b = groups[j]!;
        const share = [...a.units].some((x) => b.units.has(x)) || [...a.owners].some((x) => b.owners.has(x));
        if (share) {
          groups[i] = { units: new Set([...a.units, ...b.units]), owners: new Set([...a.owners, ...b.owners]) };
          groups = groups.filter((_, k) => k !== j);
          merged = true;
          break outer;
        }
      }
    }
  }
  const out = groups.map((g) => [...g.units].sort());
  const dev = units
    .filter((u) => u.developerHeld)
    .map((u) => u.unitId)
    .sort();
  if (dev.length > 0) out.push(dev);
  return out
    .map((g) => g.join(','))
    .sort()
    .map((g) => g.split(','));
}

const register = fc
  .uniqueArray(
    fc.record({
      building: fc.constantFrom('1', '2', '10'),
      entrance: fc.constantFrom('1', '2'),
      room: fc.constantFrom('101', '102', '201', '1001'),
      areaCm2: fc.integer({ min: 1, max: 20_000 }),
      developerHeld: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
    }),
    { selector: (u) => `${u.building}/${u.entrance}/${u.room}`, maxLength: 14 },
  )
  .chain((rows) =>
    fc.tuple(
      fc.constant(rows.map((r, i): RollUnit => ({ unitId: `u${i}`, ...r }))),
      fc.array(fc.record({ unit: fc.nat(20), owner: fc.nat(7) }), { maxLength: 24 }),
      fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
    ),
  )
  .map(([units, raw, keys]) => ({
    units,
    links: raw.map((l): OwnershipLink => ({ unitId: `u${l.unit}`, ownerId: `o${l.owner}` })),
    keys,
  }));

const shuffle = <T>(xs: readonly T[], keys: number[]) =>
  xs
    .map((x, i) => ({ x, k: keys[i % keys.length]! * 1000 + i }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.x);

describe('roll properties', () => {
  it('groups exactly as a naive merge does', () => {
    fc.assert(
      fc.property(register, ({ units, links }) => {
        const roll = buildRoll(units, links);
        const got = roll.voters
          .map(unitIds)
          .map((g) => [...g].sort().join(','))
          .sort()
          .map((g) => g.split(','));
        expect(got).toEqual(naiveGroups(units, links));
      }),
    );
  });
  it('puts every flat in exactly one place and sums areas exactly', () => {
    fc.assert(
      fc.property(register, ({ units, links }) => {
        const roll = buildRoll(units, links);
        const placed = [...roll.voters.flatMap(unitIds), ...roll.unownedUnits.map((u) => u.unitId)];
        expect([...placed].sort()).toEqual(units.map((u) => u.unitId).sort());
        for (const v of roll.voters) expect(v.areaCm2).toBe(v.units.reduce((s, u) => s + u.areaCm2, 0));
        expect(roll.voters.filter((v) => v.developer).length).toBe(units.some((u) => u.developerHeld) ? 1 : 0);
        expect(roll.voters.map((v) => v.id)).toEqual(roll.voters.map((_, i) => voterId(i)));
      }),
    );
  });
  it('does not depend on the order of flats or links', () => {
    fc.assert(
      fc.property(register, ({ units, links, keys }) => {
        const a = buildRoll(units, links);
        const b = buildRoll(shuffle(units, keys), shuffle(links, [...keys].reverse()));
        expect(b.voters).toEqual(a.voters);
        expect(b.unownedUnits).toEqual(a.unownedUnits);
      }),
    );
  });
});
