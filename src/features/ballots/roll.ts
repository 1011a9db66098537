import { compareUnitKeys, naturalCompare } from './natural-order.ts';
import { unionFind } from './union-find.ts';

export type RollUnit = {
  unitId: string;
  building: string;
  entrance: string;
  room: string;
  /** exclusive area in 0.01 m², a positive integer */
  areaCm2: number;
  developerHeld: boolean;
};
export type OwnershipLink = { unitId: string; ownerId: string };

export type VoterUnit = { unitId: string; building: string; entrance: string; room: string; areaCm2: number };
export type Voter = {
  id: string;
  /** sorted by building, entrance, room */
  units: VoterUnit[];
  areaCm2: number;
  /** empty for the developer */
  ownerIds: string[];
  developer: boolean;
};
export type IgnoredLink = OwnershipLink & { reason: 'unknown_unit' | 'developer_held' };
export type Roll = {
  voters: Voter[];
  /** neither owned nor developer-held: not on the roll */
  unownedUnits: RollUnit[];
  /** links left out of the grouping; developer-held flats vote with the developer */
  ignoredLinks: IgnoredLink[];
};

function byUnit(a: VoterUnit, b: VoterUnit): number {
  return compareUnitKeys(a, b) || naturalCompare(a.unitId, b.unitId);
}

function voterUnit(u: RollUnit): VoterUnit {
  return { unitId: u.unitId, building: u.building, entrance: u.entrance, room: u.room, areaCm2: u.areaCm2 };
}

export function voterId(index: number): string {
  return `V${String(index + 1).padStart(4, '0')}`;
}

/**
 * The voters of an owners' vote (SPC interpretation Arts. 8–9, DOMAIN.md "The roll"):
 * owners linked through shared flats form one voter with all those flats; all
 * developer-held flats form one voter. Ids follow each voter's first flat in natural
 * order, the developer last, so the same register always gives the same ids.
 */
export function buildRoll(units: readonly RollUnit[], ownership: readonly OwnershipLink[]): Roll {
  const unitIndex = new Map<string, number>();
  units.forEach((u, i) => {
    if (unitIndex.has(u.unitId)) throw new RangeError(`unit ${u.unitId} is listed twice`);
    if (!Number.isSafeInteger(u.areaCm2) || u.areaCm2 <= 0) {
      throw new RangeError(`unit ${u.unitId}: area must be a positive whole number of 0.01 m², got ${u.areaCm2}`);
    }
    unitIndex.set(u.unitId, i);
  });

  // Nodes: units 0…n-1, then owners in order of first appearance.
  const ownerIndex = new Map<string, number>();
  const links: [number, number][] = [];
  const ignoredLinks: IgnoredLink[] = [];
  const seen = new Set<string>();
  for (const link of ownership) {
    const key = JSON.stringify([link.unitId, link.ownerId]);
    if (seen.has(key)) continue;
    seen.add(key);
    const ui = unitIndex.get(link.unitId);
    if (ui === undefined) {
      ignoredLinks.push({ unitId: link.unitId, ownerId: link.ownerId, reason: 'unknown_unit' });
      continue;
    }
    if (units[ui]!.developerHeld) {
      ignoredLinks.push({ unitId: link.unitId, ownerId: link.ownerId, reason: 'developer_held' });
      continue;
    }
    let oi = ownerIndex.get(link.ownerId);
    if (oi === undefined) {
      oi = units.length + ownerIndex.size;
      ownerIndex.set(link.ownerId, oi);
    }
    links.push([ui, oi]);
  }

  const sets = unionFind(units.length + ownerIndex.size);
  for (const [u, o] of links) sets.union(u, o);

  const groups = new Map<number, { units: VoterUnit[]; ownerIds: string[] }>();
  const group = (root: number) => {
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { units: [], ownerIds: [] }));
    return g;
  };
  const owned = new Set<number>();
  for (const [u] of links) owned.add(u);
  const developerUnits: VoterUnit[] = [];
  const unownedUnits: RollUnit[] = [];
  units.forEach((u, i) => {
    if (u.developerHeld) developerUnits.push(voterUnit(u));
    else if (owned.has(i)) group(sets.find(i)).units.push(voterUnit(u));
    else unownedUnits.push(u);
  });
  for (const [ownerId, oi] of ownerIndex) group(sets.find(oi)).ownerIds.push(ownerId);

  const owners = [...groups.values()].map((g) => ({
    units: g.units.sort(byUnit),
    ownerIds: g.ownerIds.sort(naturalCompare),
    developer: false,
  }));
  owners.sort((a, b) => byUnit(a.units[0]!, b.units[0]!));
  if (developerUnits.length > 0) owners.push({ units: developerUnits.sort(byUnit), ownerIds: [], developer: true });

  const voters = owners.map((g, i) => ({
    id: voterId(i),
    units: g.units,
    areaCm2: g.units.reduce((sum, u) => sum + u.areaCm2, 0),
    ownerIds: g.ownerIds,
    developer: g.developer,
  }));
  unownedUnits.sort((a, b) => compareUnitKeys(a, b) || naturalCompare(a.unitId, b.unitId));
  return { voters, unownedUnits, ignoredLinks };
}
