import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Actor, Resource } from '../policy/can.ts';

type DB = Kysely<Database>;

/**
 * The subdistricts of a district admin's district, for a listing's `where … in` (never empty:
 * 0 is no subdistrict's id, so an admin without a district sees nothing).
 */
export const districtSubdistrictIds = (actor: Actor): number[] => [0, ...(actor.role === 'district_admin' ? (actor.district?.subdistrictIds ?? []) : [])];

/**
 * Who reads the office lists (projects, notices, votes, consultations, schemes, donations,
 * volunteering, verifications, estates): a subdistrict's staff, a district's administrator and
 * the province administrator, who reads every district's (and acts as no office).
 */
export const readsOfficeLists = (actor: Actor): boolean => actor.role === 'staff' || actor.role === 'district_admin' || actor.role === 'province_admin';

/** The province administrator reads the office lists but acts as no office: the lists offer them no office act. */
export const readsOnly = (actor: Actor): boolean => actor.role === 'province_admin';

/**
 * The one scoping of the office lists, on the column holding a row's subdistrict: staff read
 * their subdistrict's rows (a community's staff are narrowed further by each list), a district
 * admin their district's, the province admin every district's; `districtId` (the lists' district
 * filter) narrows any of them to one district. Anyone else reads nothing.
 */
export function readableArea(actor: Actor, subdistrictColumn: string, districtId: number | null = null): RawBuilder<SqlBool> {
  const col = sql.ref(subdistrictColumn);
  const inDistrict = districtId === null ? sql<SqlBool>`true` : sql<SqlBool>`${col} in (select s.id from subdistricts s where s.district_id = ${districtId})`;
  if (actor.role === 'staff') return sql<SqlBool>`${col} = ${actor.subdistrictId ?? 0} and ${inDistrict}`;
  if (actor.role === 'district_admin') return sql<SqlBool>`${col} in (${sql.join(districtSubdistrictIds(actor))}) and ${inDistrict}`;
  if (actor.role === 'province_admin') return inDistrict;
  return sql<SqlBool>`false`;
}

/** The `?district=` of an office list: a district id, or null for every district the actor reads. */
export function districtParam(url: URL): number | null {
  const v = url.searchParams.get('district');
  return v !== null && /^[1-9][0-9]{0,9}$/.test(v) && Number(v) <= 2147483647 ? Number(v) : null;
}

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

/**
 * The estates an office reads: its subdistrict (or community), the district's for its
 * administrator, every district's for the province administrator (`districtId` narrows to one).
 */
export async function estatesInArea(db: DB, actor: Actor, districtId: number | null = null, limit?: number) {
  if (!readsOfficeLists(actor)) return [];
  let q = db
    .selectFrom('estates')
    .innerJoin('communities', 'communities.id', 'estates.community_id')
    .innerJoin('subdistricts', 'subdistricts.id', 'communities.subdistrict_id')
    .innerJoin('districts', 'districts.id', 'subdistricts.district_id')
    .select([
      'estates.id',
      'estates.name',
      'estates.household_count',
      'communities.name as community',
      'subdistricts.name as subdistrict',
      'districts.name as district',
      'districts.name_en as district_en',
    ])
    .where(readableArea(actor, 'communities.subdistrict_id', districtId))
    .orderBy('districts.code')
    .orderBy('subdistricts.id')
    .orderBy('estates.id');
  if (actor.role === 'staff' && actor.communityId !== null) q = q.where('communities.id', '=', actor.communityId);
  if (limit !== undefined) q = q.limit(limit);
  return q.execute();
}

/** A subdistrict, as the policy needs it (it owns itself; no community). */
export async function subdistrictResource(db: DB, subdistrictId: number): Promise<(Resource & { subdistrictId: number }) | null> {
  const row = await db.selectFrom('subdistricts').select('id').where('id', '=', subdistrictId).executeTakeFirst();
  return row ? { subdistrictId: row.id, communityId: null } : null;
}
