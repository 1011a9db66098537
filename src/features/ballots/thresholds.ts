import type { MatterKind } from './matters.ts';

/** Area in 0.01 m² and headcount of voters. */
export type Figure = { areaCm2: number; owners: number };

/**
 * Largest total area the comparisons below can take: 4 × area must stay a safe integer.
 * Far above any estate (about 5.6 × 10⁹ m²), but checked rather than assumed.
 */
export const MAX_TOTAL_AREA_CM2 = Math.floor(Number.MAX_SAFE_INTEGER / 4);

/**
 * At least 2/3 of the area AND at least 2/3 of the owners took part (abstaining counts).
 * An empty roll never meets the quorum, although 3·0 ≥ 2·0.
 */
export function quorumMet(participating: Figure, eligible: Figure): boolean {
  if (eligible.owners === 0) return false;
  return 3 * participating.areaCm2 >= 2 * eligible.areaCm2 && 3 * participating.owners >= 2 * eligible.owners;
}

/**
 * Major matters: at least 3/4 of the participating area and owners agree (以上 includes the
 * bound); ordinary ones: more than half of both (过半数 excludes it). With nobody taking
 * part no threshold is reached, although 4·0 ≥ 3·0.
 */
export function thresholdMet(kind: MatterKind, agree: Figure, participating: Figure): boolean {
  if (participating.owners === 0) return false;
  if (kind === 'major') {
    return 4 * agree.areaCm2 >= 3 * participating.areaCm2 && 4 * agree.owners >= 3 * participating.owners;
  }
  return 2 * agree.areaCm2 > participating.areaCm2 && 2 * agree.owners > participating.owners;
}
