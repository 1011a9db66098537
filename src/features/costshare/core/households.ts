import { buildRoll, type OwnershipLink, type RollUnit } from '../../ballots/roll.ts';
import { compareUnitKeys, naturalCompare } from '../../ballots/natural-order.ts';

// The households of a scheme: owners linked through shared flats are one household with all
// their flats in the scheme (as on a roll, DOMAIN.md "The roll"); the developer's flats are
// one; a flat with no owner on the register is a household of its own. One live pledge per
// household.

export type SchemeUnit = RollUnit & { floor: number };

/** Households in natural order of their first flat; each a list of unit ids. */
export function households(units: readonly SchemeUnit[], ownership: readonly OwnershipLink[]): string[][] {
  const roll = buildRoll(units, ownership);
  const groups = roll.voters.map((v) => v.units.map((u) => u.unitId));
  for (const u of roll.unownedUnits) groups.push([u.unitId]);
  const byId = new Map(units.map((u) => [u.unitId, u]));
  const first = (g: string[]) => byId.get(g[0]!)!;
  return groups.sort((a, b) => compareUnitKeys(first(a), first(b)) || naturalCompare(a[0]!, b[0]!));
}
