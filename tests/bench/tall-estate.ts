import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';

// The benches' tall estate: 35 buildings × 4 entrances × 18 floors × 2 flats (5,040 flats),
// linked to a project, written entrance by entrance. With `owners` each flat also gets an
// owner of record (id hashes `${owners}-1`, `${owners}-2`, …), as a confirmed register gives.
// The pledge page (scheme.ts) and the ratings (ratings.ts) benches build on it.

const BUILDINGS = 35;
const ENTRANCES = 4;
const FLOORS = 18;
export const TALL_ESTATE_FLATS = BUILDINGS * ENTRANCES * FLOORS * 2;

export async function insertTallEstate(
  db: Kysely<Database>,
  o: { projectId: number; communityId: number; name: string; address: string; owners?: string },
): Promise<number> {
  const estate = await db
    .insertInto('estates')
    .values({
      community_id: o.communityId,
      name: o.name,
      address: o.address,
      build_year: 1995,
      building_count: BUILDINGS,
      household_count: TALL_ESTATE_FLATS,
      floor_area_cm2: 1,
      lat: 33.7,
      lng: 113.3,
      eligibility: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('project_estates').values({ project_id: o.projectId, estate_id: estate.id }).execute();
  let n = 0;
  for (let b = 1; b <= BUILDINGS; b++) {
    const building = await db
      .insertInto('buildings')
      .values({ estate_id: estate.id, label: String(b), floors: FLOORS })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let e = 1; e <= ENTRANCES; e++) {
      const entrance = await db
        .insertInto('entrances')
        .values({ building_id: building.id, label: String(e) })
        .returning('id')
        .executeTakeFirstOrThrow();
      const units = [];
      for (let f = 1; f <= FLOORS; f++)
        for (const side of [1, 2]) units.push({ entrance_id: entrance.id, floor: f, room: `${f}0${side}`, area_cm2: 8000 + f * 10 + side });
      const unitIds = await db.insertInto('units').values(units).returning('id').execute();
      if (o.owners === undefined) continue;
      const owners = await db
        .insertInto('register_owners')
        .values(
          unitIds.map(() => ({
            estate_id: estate.id,
            name: '压测业主',
            id_type: 'resident_id' as const,
            id_hash: `${o.owners}-${++n}`,
            id_key_version: 1,
            id_last4: String(n % 10_000).padStart(4, '0'),
          })),
        )
        .returning('id')
        .execute();
      await db
        .insertInto('unit_owners')
        .values(unitIds.map((u, i) => ({ unit_id: u.id, owner_id: owners[i]!.id })))
        .execute();
    }
  }
  return estate.id;
}
