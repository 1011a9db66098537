import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';

// Province → city → district above the subdistricts (migration 0057). A district is named by
// its GB/T 2260 code; its project codes start with its prefix ('ZH-2024-00001').

type DB = Kysely<Database> | Transaction<Database>;

export interface DivisionSpec {
  code: string;
  name: string;
  nameEn: string;
}

export interface DistrictSpec extends DivisionSpec {
  codePrefix: string;
  city: DivisionSpec;
  province: DivisionSpec;
}

/** The demo's district, where the portal started: 河南省 平顶山市 湛河区. */
export const ZHANHE: DistrictSpec = {
  code: '410411',
  codePrefix: 'ZH',
  name: '湛河区',
  nameEn: 'Zhanhe District',
  city: { code: '410400', name: '平顶山市', nameEn: 'Pingdingshan' },
  province: { code: '410000', name: '河南省', nameEn: 'Henan Province' },
};

export const DIVISION_CODE = /^[0-9]{6}$/;
export const CODE_PREFIX = /^[A-Z]{2,6}$/;

/** The province and city of a district, made when missing (matched by code). */
async function cityOf(db: DB, spec: Pick<DistrictSpec, 'city' | 'province'>): Promise<number> {
  await db
    .insertInto('provinces')
    .values({ code: spec.province.code, name: spec.province.name, name_en: spec.province.nameEn })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const province = await db.selectFrom('provinces').select('id').where('code', '=', spec.province.code).executeTakeFirstOrThrow();
  await db
    .insertInto('cities')
    .values({ province_id: province.id, code: spec.city.code, name: spec.city.name, name_en: spec.city.nameEn })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  return (await db.selectFrom('cities').select('id').where('code', '=', spec.city.code).executeTakeFirstOrThrow()).id;
}

/** The district of this code, made (with its city and province) when missing: for seeds and fixtures. */
export async function ensureDistrict(db: DB, spec: DistrictSpec): Promise<number> {
  const found = await db.selectFrom('districts').select('id').where('code', '=', spec.code).executeTakeFirst();
  if (found) return found.id;
  const cityId = await cityOf(db, spec);
  await db
    .insertInto('districts')
    .values({ city_id: cityId, code: spec.code, code_prefix: spec.codePrefix, name: spec.name, name_en: spec.nameEn })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  return (await db.selectFrom('districts').select('id').where('code', '=', spec.code).executeTakeFirstOrThrow()).id;
}

export { cityOf as ensureCity };

export interface DistrictRow {
  id: number;
  code: string;
  codePrefix: string;
  name: string;
  nameEn: string;
  city: string;
  cityEn: string;
  province: string;
  provinceEn: string;
}

/** Every district, by province, city and code. */
export async function listDistricts(db: DB): Promise<DistrictRow[]> {
  const rows = await db
    .selectFrom('districts')
    .innerJoin('cities', 'cities.id', 'districts.city_id')
    .innerJoin('provinces', 'provinces.id', 'cities.province_id')
    .select([
      'districts.id',
      'districts.code',
      'districts.code_prefix',
      'districts.name',
      'districts.name_en',
      'cities.name as city',
      'cities.name_en as city_en',
      'provinces.name as province',
      'provinces.name_en as province_en',
    ])
    .orderBy('provinces.code')
    .orderBy('cities.code')
    .orderBy('districts.code')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    codePrefix: r.code_prefix,
    name: r.name,
    nameEn: r.name_en,
    city: r.city,
    cityEn: r.city_en,
    province: r.province,
    provinceEn: r.province_en,
  }));
}

/** The district of a subdistrict (null: no such subdistrict). */
export async function districtOfSubdistrict(db: DB, subdistrictId: number): Promise<number | null> {
  const row = await db.selectFrom('subdistricts').select('district_id').where('id', '=', subdistrictId).executeTakeFirst();
  return row?.district_id ?? null;
}

/** The subdistricts of a district, for the policy's scope of its administrators. */
export async function subdistrictIdsOf(db: DB, districtId: number): Promise<number[]> {
  const rows = await db.selectFrom('subdistricts').select('id').where('district_id', '=', districtId).orderBy('id').execute();
  return rows.map((r) => r.id);
}
