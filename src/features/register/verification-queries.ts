import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Actor } from '../policy/can.ts';
import { readableArea, readsOfficeLists } from '../geography/scope.ts';

type DB = Kysely<Database>;

/** A verification joined to its flat, estate and community: where it sits. */
export function verificationsWithFlat(db: DB) {
  return db
    .selectFrom('owner_verifications')
    .innerJoin('units', 'units.id', 'owner_verifications.unit_id')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .innerJoin('estates', 'estates.id', 'buildings.estate_id')
    .innerJoin('communities', 'communities.id', 'estates.community_id');
}

function withFlat(db: DB) {
  return verificationsWithFlat(db)
    .innerJoin('users', 'users.id', 'owner_verifications.user_id')
    .select([
      'owner_verifications.id',
      'owner_verifications.status',
      'owner_verifications.method',
      'owner_verifications.claimed_name',
      'owner_verifications.reason',
      'owner_verifications.created_at',
      'owner_verifications.decided_at',
      'owner_verifications.proof_mime',
      'owner_verifications.register_owner_id',
      'owner_verifications.proof_disputed_at',
      'owner_verifications.proof_deleted_at',
      'owner_verifications.claimed_id_last4',
      'estates.name as estate',
      'buildings.label as building',
      'entrances.label as entrance',
      'units.room',
      'users.display_name',
      'users.phone',
      'users.owner_status_held_since',
    ]);
}

export function claimsOf(db: DB, userId: number) {
  return withFlat(db).where('owner_verifications.user_id', '=', userId).orderBy('owner_verifications.id', 'desc').execute();
}

/**
 * What an office reviews: pending claims, automatic verifications held for review (made on
 * name and ID number alone before migration 0014), recent automatic matches, and owners held
 * after a reset, and decided claims whose proof is still kept (staff may keep it if disputed).
 * Every pending claim and review comes first, never cut off by the decided ones.
 */
export async function claimsForOffice(db: DB, actor: Actor, districtId: number | null = null) {
  if (!readsOfficeLists(actor)) return [];
  // the province admin reads every district's (`districtId` narrows to one) and decides none
  let q = withFlat(db)
    .innerJoin('subdistricts', 'subdistricts.id', 'communities.subdistrict_id')
    .innerJoin('districts', 'districts.id', 'subdistricts.district_id')
    .select(['districts.name as district', 'districts.name_en as district_en'])
    .where(readableArea(actor, 'communities.subdistrict_id', districtId));
  if (actor.role === 'staff' && actor.communityId !== null) q = q.where('communities.id', '=', actor.communityId);
  // what waits for a decision first, all of it; then the latest 200 of the rest
  const waiting = await q.where('owner_verifications.status', 'in', ['pending', 'review']).orderBy('owner_verifications.id', 'desc').execute();
  const rest = await q
    .where('owner_verifications.status', 'not in', ['pending', 'review'])
    .where((eb) =>
      eb.or([
        eb.and([eb('owner_verifications.method', '=', 'auto'), eb('owner_verifications.created_at', '>', new Date(Date.now() - 30 * 86_400_000))]),
        eb.and([eb('owner_verifications.status', '=', 'verified'), eb('users.owner_status_held_since', 'is not', null)]),
        // decided claims whose proof is still kept (deleted 180 days after the decision unless disputed)
        eb.and([eb('owner_verifications.proof_storage_key', 'is not', null), eb('owner_verifications.decided_at', 'is not', null)]),
      ]),
    )
    .orderBy('owner_verifications.id', 'desc')
    .limit(200)
    .execute();
  return [...waiting, ...rest];
}

/** Estates that have a register, for the claim form. */
export function estatesWithRegister(db: DB) {
  return db
    .selectFrom('estates')
    .where((eb) => eb.exists(eb.selectFrom('buildings').select('buildings.id').whereRef('buildings.estate_id', '=', 'estates.id')))
    .select(['estates.id', 'estates.name', 'estates.address'])
    .orderBy('estates.name')
    .execute();
}
