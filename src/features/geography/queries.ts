import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';

type DB = Kysely<Database>;

export async function listSubdistricts(db: DB) {
  return db.selectFrom('subdistricts').select(['id', 'code', 'name', 'name_en']).orderBy('id').execute();
}

export async function subdistrictByCode(db: DB, code: string) {
  const s = await db.selectFrom('subdistricts').where('code', '=', code).selectAll().executeTakeFirst();
  if (!s) return null;
  const communities = await db.selectFrom('communities').where('subdistrict_id', '=', s.id).select(['id', 'name', 'name_en']).orderBy('id').execute();
  const estates = await db
    .selectFrom('estates')
    .innerJoin('communities', 'communities.id', 'estates.community_id')
    .where('communities.subdistrict_id', '=', s.id)
    .select(['estates.id', 'estates.name', 'estates.build_year', 'estates.household_count', 'communities.name as community'])
    .orderBy('estates.id')
    .execute();
  return { ...s, communities, estates };
}
