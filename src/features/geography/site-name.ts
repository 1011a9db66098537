import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { translator } from '../../i18n/index.ts';

type DB = Kysely<Database>;

/** A district the portal serves, with its province. */
export interface ServedDistrict {
  name: string;
  nameEn: string;
  provinceCode: string;
  province: string;
  provinceEn: string;
}

export interface SiteNames {
  zh: string;
  en: string;
}

/**
 * The portal's name follows the deployment: "湛河区老旧小区改造公开平台" when it serves one
 * district, "河南省老旧小区改造公开平台" when its districts are all in one province, and
 * "老旧小区改造公开平台" across provinces (or before any district). English alike.
 */
export function siteNames(districts: readonly ServedDistrict[]): SiteNames {
  const provinces = new Set(districts.map((d) => d.provinceCode));
  const place =
    districts.length === 1
      ? { zh: districts[0]!.name, en: districts[0]!.nameEn || districts[0]!.name }
      : districts.length > 1 && provinces.size === 1
        ? { zh: districts[0]!.province, en: districts[0]!.provinceEn || districts[0]!.province }
        : null;
  const named = (lang: 'zh' | 'en') => (place ? translator(lang)('site.portalOf', { place: place[lang] }) : translator(lang)('site.portal'));
  return { zh: named('zh'), en: named('en') };
}

/**
 * The districts the portal serves: those with a subdistrict. A district the province admin has
 * just added holds nothing a resident could read yet, and does not rename the portal until it does.
 */
export async function servedDistricts(db: DB): Promise<ServedDistrict[]> {
  const rows = await db
    .selectFrom('districts')
    .innerJoin('cities', 'cities.id', 'districts.city_id')
    .innerJoin('provinces', 'provinces.id', 'cities.province_id')
    .where((eb) => eb.exists(eb.selectFrom('subdistricts').select(sql.lit(1).as('one')).whereRef('subdistricts.district_id', '=', 'districts.id')))
    .select(['districts.name', 'districts.name_en', 'provinces.code as province_code', 'provinces.name as province', 'provinces.name_en as province_en'])
    .orderBy('districts.code')
    .execute();
  return rows.map((r) => ({ name: r.name, nameEn: r.name_en, provinceCode: r.province_code, province: r.province, provinceEn: r.province_en }));
}

/** How often the data version is read: a change shows on every instance within this time. */
export const SITE_NAME_CHECK_MS = 1000;

interface Kept {
  version: number;
  checkedAt: number;
  names: Promise<SiteNames>;
}
const kept = new WeakMap<DB, Kept>();

/**
 * The portal's name, loaded once per data version (the disclosure version: a subdistrict added
 * or renamed bumps it by migration 0002's triggers, a district, city or province renamed or
 * added by migration 0075's): between two changes no request queries for it, and the version
 * itself is read at most once per SITE_NAME_CHECK_MS, as the page cache reads it.
 */
export function loadSiteNames(db: DB, now = Date.now()): Promise<SiteNames> {
  const last = kept.get(db);
  if (last && now - last.checkedAt < SITE_NAME_CHECK_MS) return last.names;
  const entry: Kept = { version: last?.version ?? -1, checkedAt: now, names: last?.names ?? Promise.resolve(siteNames([])) };
  entry.names = (async () => {
    const version = Number((await db.selectFrom('disclosure_version').select('version').executeTakeFirst())?.version ?? 0);
    if (last && version === last.version) return last.names;
    const names = siteNames(await servedDistricts(db));
    entry.version = version;
    return names;
  })();
  // one check at a time; a failed one is forgotten (the next request tries again)
  entry.names.catch(() => {
    if (kept.get(db) === entry) kept.delete(db);
  });
  kept.set(db, entry);
  return entry.names;
}
