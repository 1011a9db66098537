import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Actor, Resource } from '../policy/can.ts';

type DB = Kysely<Database>;

/**
 * The subdistricts of a district admin's district, for a listing's `where … in` (never empty:
 * 0 is no subdistrict's id, so an admin without a district sees nothing).
 */
export const districtSubdistrictIds = (actor: Actor): number[] => [0, ...(actor.role === 'district_admin' ? (actor.district?.subdistrictIds ?? []) : [])];

/** Where an estate sits, as the policy needs it. */
export async function estateResource(db: DB, estateId: number): Promise<(Resource & { estateId: number; name: string }) | null> {
  const row = await db
    .selectFrom('estates')
    .innerJoin('communities', 'communities.id', 'estates.community_id')
    .where('estates.id', '=', estateId)
    .select(['estates.id', 'estates.name', 'communities.id as community_id', 'communities.subdistrict_id'])
    .executeTakeFirst();
  return row ? { estateId: row.id, name: row.name, subdistrictId: row.subdistrict_id, communityId: row.community_id } : null;
}

/** The estates an office works on: its subdistrict (or community), or all for the district. */
export async function estatesInArea(db: DB, actor: Actor) {
  let q = db
    .selectFrom('estates')
    .innerJoin('communities', 'communities.id', 'estates.community_id')
    .innerJoin('subdistricts', 'subdistricts.id', 'communities.subdistrict_id')
    .select(['estates.id', 'estates.name', 'communities.name as community', 'subdistricts.name as subdistrict'])
    .orderBy('subdistricts.id')
    .orderBy('estates.id');
  if (actor.role === 'staff') {
    q = q.where('communities.subdistrict_id', '=', actor.subdistrictId!);
    if (actor.communityId !== null) q = q.where('communities.id', '=', actor.communityId);
  } else if (actor.role === 'district_admin') {
    q = q.where('communities.subdistrict_id', 'in', districtSubdistrictIds(actor));
  } else {
    return [];
  }
  return q.execute();
}

/** A subdistrict, as the policy needs it (it owns itself; no community). */
export async function subdistrictResource(db: DB, subdistrictId: number): Promise<(Resource & { subdistrictId: number }) | null> {
  const row = await db.selectFrom('subdistricts').select('id').where('id', '=', subdistrictId).executeTakeFirst();
  return row ? { subdistrictId: row.id, communityId: null } : null;
}
