import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';

/** 河滨 subdistrict with one community, one estate and one staff member: the setting most integration tests need. */
export async function hebinEstate(db: Kysely<Database>) {
  const subId = (await db.insertInto('subdistricts').values({ code: 'hebin', name: '河滨街道', name_en: 'H' }).returning('id').executeTakeFirstOrThrow()).id;
  const com = await db.insertInto('communities').values({ subdistrict_id: subId, name: '河滨社区' }).returning('id').executeTakeFirstOrThrow();
  const estateId = (
    await db
      .insertInto('estates')
      .values({
        community_id: com.id,
        name: '建设小区',
        address: 'a',
        build_year: 1990,
        building_count: 3,
        household_count: 72,
        floor_area_cm2: 1,
        lat: 33.7,
        lng: 113.3,
        eligibility: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const staffId = (
    await db
      .insertInto('users')
      .values({ phone: '13700000001', password_hash: 'x', display_name: '街道', role: 'staff', subdistrict_id: subId })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  return { subId, communityId: com.id, estateId, staffId };
}
