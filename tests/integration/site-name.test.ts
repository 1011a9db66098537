import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import * as staff from '../../src/features/accounts/staff-service.ts';
import * as accounts from '../../src/features/accounts/service.ts';
import { loadSiteNames, SITE_NAME_CHECK_MS } from '../../src/features/geography/site-name.ts';
import { zhanhe } from '../support/districts.ts';

// The portal's name, loaded from the database once per data version: one district served
// (湛河区), several in one province (河南省), several provinces (no place). A district added
// without a subdistrict serves no one yet and leaves the name; between two checks no query runs.

describe.each(BACKENDS)('the portal’s name on %s', (kind) => {
  let open: OpenDatabase;
  let provinceAdmin: number;
  // each load a check later than the last, so that it reads the data version again
  let clock = Date.now();
  const later = () => (clock += SITE_NAME_CHECK_MS + 1);
  const ok = <T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> => {
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r as Extract<T, { ok: true }>;
  };
  const district = (code: string, prefix: string, name: string, nameEn: string, province: [string, string, string], city: [string, string, string]) =>
    staff.createDistrict(open.db, provinceAdmin, {
      code,
      codePrefix: prefix,
      name,
      nameEn,
      cityCode: city[0],
      cityName: city[1],
      cityNameEn: city[2],
      provinceCode: province[0],
      provinceName: province[1],
      provinceNameEn: province[2],
    });
  const henan: [string, string, string] = ['410000', '河南省', 'Henan Province'];

  beforeAll(async () => {
    open = await freshDatabase(kind);
    provinceAdmin = ok(
      await accounts.createDistrictAdmin(open.db, { phone: '13900000090', displayName: '省住建厅', password: 'a long enough secret', districtId: null }),
    ).id;
  });
  afterAll(() => open.close());

  it('has no place before any district, then names the one district it serves', async () => {
    expect(await loadSiteNames(open.db, later())).toEqual({ zh: '老旧小区改造公开平台', en: 'Old estate renovation portal' });
    const zh = await zhanhe(open.db);
    ok(await staff.createSubdistrict(open.db, provinceAdmin, { districtId: zh, code: 'hebin', name: '河滨街道', nameEn: 'Hebin Subdistrict' }));
    expect(await loadSiteNames(open.db, later())).toEqual({ zh: '湛河区老旧小区改造公开平台', en: 'Zhanhe District old estate renovation portal' });
  });

  it('keeps the name while a new district has no subdistrict, and names the province once it has one', async () => {
    const xh = ok(await district('410402', 'XH', '新华区', 'Xinhua District', henan, ['410400', '平顶山市', 'Pingdingshan'])).id;
    expect((await loadSiteNames(open.db, later())).zh).toBe('湛河区老旧小区改造公开平台');
    ok(await staff.createSubdistrict(open.db, provinceAdmin, { districtId: xh, code: 'xh-one', name: '新华街道', nameEn: 'Xinhua Subdistrict' }));
    // within the check interval the kept name is served: no query
    expect((await loadSiteNames(open.db, clock)).zh).toBe('湛河区老旧小区改造公开平台');
    expect(await loadSiteNames(open.db, later())).toEqual({ zh: '河南省老旧小区改造公开平台', en: 'Henan Province old estate renovation portal' });
  });

  it('names no place across provinces', async () => {
    const wc = ok(await district('420106', 'WC', '武昌区', 'Wuchang District', ['420000', '湖北省', 'Hubei Province'], ['420100', '武汉市', 'Wuhan'])).id;
    ok(await staff.createSubdistrict(open.db, provinceAdmin, { districtId: wc, code: 'wc-one', name: '中华路街道', nameEn: 'Zhonghualu Subdistrict' }));
    expect(await loadSiteNames(open.db, later())).toEqual({ zh: '老旧小区改造公开平台', en: 'Old estate renovation portal' });
  });

  it('reads a province renamed in the database (no command renames one: an operator’s correction)', async () => {
    // back to one province: 武昌区's subdistrict and district go
    await sql`delete from subdistricts where code = 'wc-one'`.execute(open.db);
    await sql`delete from districts where code = '420106'`.execute(open.db);
    expect((await loadSiteNames(open.db, later())).zh).toBe('河南省老旧小区改造公开平台');
    await sql`update provinces set name = '河南', name_en = 'Henan' where code = '410000'`.execute(open.db);
    expect(await loadSiteNames(open.db, later())).toEqual({ zh: '河南老旧小区改造公开平台', en: 'Henan old estate renovation portal' });
  });
});
