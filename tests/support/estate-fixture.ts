import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { zhanhe } from './districts.ts';

/** 河滨 subdistrict with one community, one estate and one staff member: the setting most integration tests need. */
export async function hebinEstate(db: Kysely<Database>) {
  // a test of an older migration runs it on a schema before 0057, where a subdistrict names no district
  const beforeDistricts =
    (await sql`select 1 from information_schema.columns where table_name = 'subdistricts' and column_name = 'district_id'`.execute(db)).rows.length === 0;
  const subId = beforeDistricts
    ? (await sql<{ id: number }>`insert into subdistricts (code, name, name_en) values ('hebin', '河滨街道', 'H') returning id`.execute(db)).rows[0]!.id
    : (
        await db
          .insertInto('subdistricts')
          .values({ district_id: await zhanhe(db), code: 'hebin', name: '河滨街道', name_en: 'H' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
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
