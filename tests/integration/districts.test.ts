import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import * as staff from '../../src/features/accounts/staff-service.ts';
import * as accounts from '../../src/features/accounts/service.ts';
import { createSession, generateSessionToken, validateSessionToken, type SessionUser } from '../../src/features/accounts/session.ts';
import { createProject, publishProject, transitionStage } from '../../src/features/projects/admin-service.ts';
import { projectResource, projectsForOffice } from '../../src/features/projects/admin-queries.ts';
import { estateResource, estatesInArea } from '../../src/features/geography/scope.ts';
import { can, VERBS, POLICY, type Resource } from '../../src/features/policy/can.ts';
import { addMonths, currentMonth, monthlyFigures } from '../../src/features/reports/queries/month.ts';
import { reportScope } from '../../src/features/reports/queries/access.ts';
import { ranking } from '../../src/features/ratings/queries/ranking.ts';
import { auditPage } from '../../src/features/audit/queries.ts';
import { FIGURE_KEYS } from '../../src/features/reports/core/figures.ts';
import { zhanhe } from '../support/districts.ts';
import { createNotice } from '../../src/features/notices/admin-service.ts';
import { loadDisclosures } from '../../src/features/projects/disclosure.ts';
import { buildOc4idsPackage } from '../../src/features/open-data/oc4ids.ts';
import { noticesForOffice } from '../../src/features/notices/admin-queries.ts';

// Two districts of one province: 湛河区 (ZH) and 新华区 (XH), made through the commands a
// province admin uses. A district admin sees and acts on their own district only; the
// province admin reads both; the province's report is the sum of its districts'.

const PASSWORD = 'a long enough secret';

describe.each(BACKENDS)('two districts on %s', (kind) => {
  let open: OpenDatabase;
  let zh: number;
  let xh: number;
  let provinceId: number;
  const place: Record<'a' | 'b', { subId: number; estateId: number; projectId: number; code: string }> = {} as never;
  let adminA: SessionUser;
  let adminB: SessionUser;
  let province: SessionUser;

  const signedIn = async (userId: number) => {
    const token = generateSessionToken();
    await createSession(open.db, token, userId);
    return (await validateSessionToken(open.db, token))!.user;
  };
  const ok = <T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> => {
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r as Extract<T, { ok: true }>;
  };

  async function estateIn(subId: number, name: string) {
    const community = ok(await staff.createCommunity(open.db, provinceId, { subdistrictId: subId, name: `${name}社区`, nameEn: null }));
    return (
      await open.db
        .insertInto('estates')
        .values({
          community_id: community.id,
          name,
          address: 'a',
          build_year: 1990,
          building_count: 1,
          household_count: 10,
          floor_area_cm2: 1,
          lat: 33.7,
          lng: 113.3,
          eligibility: '{}',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  }

  async function projectIn(adminId: number, subId: number, estateId: number, title: string) {
    const made = await createProject(open.db, adminId, {
      subdistrictId: subId,
      estateIds: [estateId],
      title,
      summary: '',
      batchYear: 2026,
      plannedStart: null,
      plannedEnd: null,
      households: 10,
    });
    if (!made.ok) throw new Error(JSON.stringify(made));
    const p = await open.db.selectFrom('projects').select('id').where('code', '=', made.code).executeTakeFirstOrThrow();
    return { projectId: p.id, code: made.code };
  }

  beforeAll(async () => {
    open = await freshDatabase(kind);
    // the province admin, from the command line (npm run admin:create -- --province)
    provinceId = ok(await accounts.createDistrictAdmin(open.db, { phone: '13900000090', displayName: '省住建厅', password: PASSWORD, districtId: null })).id;
    province = await signedIn(provinceId);
    zh = await zhanhe(open.db);
    xh = ok(
      await staff.createDistrict(open.db, provinceId, {
        code: '410402',
        codePrefix: 'XH',
        name: '新华区',
        nameEn: 'Xinhua District',
        cityCode: '410400',
        cityName: '平顶山市',
        cityNameEn: 'Pingdingshan',
        provinceCode: '410000',
        provinceName: '河南省',
        provinceNameEn: 'Henan Province',
      }),
    ).id;
    const aId = ok(
      await staff.createDistrictAdminAccount(open.db, provinceId, { phone: '13900000091', displayName: '湛河', password: PASSWORD, districtId: zh }),
    ).id;
    const bId = ok(
      await staff.createDistrictAdminAccount(open.db, provinceId, { phone: '13900000092', displayName: '新华', password: PASSWORD, districtId: xh }),
    ).id;
    const subA = ok(await staff.createSubdistrict(open.db, aId, { districtId: zh, code: 'hebin', name: '河滨街道', nameEn: 'Hebin' })).id;
    // the same name in another district is another subdistrict
    const subB = ok(await staff.createSubdistrict(open.db, bId, { districtId: xh, code: 'xh-hebin', name: '河滨街道', nameEn: 'Hebin (Xinhua)' })).id;
    const estateA = await estateIn(subA, '建设小区');
    const estateB = await estateIn(subB, '新华小区');
    place.a = { subId: subA, estateId: estateA, ...(await projectIn(aId, subA, estateA, '湛河项目')) };
    place.b = { subId: subB, estateId: estateB, ...(await projectIn(bId, subB, estateB, '新华项目')) };
    adminA = await signedIn(aId);
    adminB = await signedIn(bId);
  });
  afterAll(() => open.close());

  it('gives project codes their district’s prefix, and the database refuses any other', async () => {
    expect(place.a.code).toMatch(/^ZH-2026-\d{5}$/);
    expect(place.b.code).toMatch(/^XH-2026-\d{5}$/);
    const rows = await open.db.selectFrom('projects').select(['code', 'district_id']).orderBy('id').execute();
    expect(rows.map((r) => r.district_id)).toEqual([zh, xh]);
    // a code of the other district's prefix, and a project whose district is not its subdistrict's
    await expect(
      open.db.insertInto('projects').values({ code: 'XH-2026-99999', subdistrict_id: place.a.subId, title: 'x', batch_year: 2026, stage: 1 }).execute(),
    ).rejects.toThrow(/prefix/);
    await expect(
      open.db
        .insertInto('projects')
        .values({ code: 'XH-2026-99998', subdistrict_id: place.a.subId, district_id: xh, title: 'x', batch_year: 2026, stage: 1 })
        .execute(),
    ).rejects.toThrow(/projects_subdistrict_district_fk|foreign key/);
    await expect(sql`update projects set code = 'ZH-2026-00777' where id = ${place.b.projectId}`.execute(open.db)).rejects.toThrow(/prefix/);
    // a subdistrict names its district: none is guessed
    await expect(sql`insert into subdistricts (code, name, name_en) values ('nowhere', '无处', 'Nowhere')`.execute(open.db)).rejects.toThrow(/district_id/);
  });

  it('loads a district admin’s district with the session; the province admin has none', () => {
    expect(adminA.district).toEqual({ id: zh, subdistrictIds: [place.a.subId] });
    expect(adminB.district).toEqual({ id: xh, subdistrictIds: [place.b.subId] });
    expect(province.role).toBe('province_admin');
    expect(province.district ?? null).toBeNull();
  });

  it('lets district admin A act on A and refuses every verb on B', async () => {
    const projectB = (await projectResource(open.db, place.b.projectId))!;
    const estateB = (await estateResource(open.db, place.b.estateId))!;
    const projectA = (await projectResource(open.db, place.a.projectId))!;
    const onB: Resource[] = [projectB, estateB, { subdistrictId: place.b.subId, communityId: null }, { districtId: xh }];
    const denied: string[] = [];
    for (const verb of VERBS) {
      if (POLICY[verb] === 'anyone_signed_in' || POLICY[verb] === 'self') continue;
      for (const r of onB) if (can(adminA, verb, r)) denied.push(`${verb} on ${JSON.stringify(r)}`);
    }
    expect(denied).toEqual([]);
    for (const verb of [
      'project.edit',
      'project.publish',
      'ballot.manage',
      'register.import',
      'verification.decide',
      'notice.publish',
      'rating.manage',
    ] as const)
      expect(can(adminA, verb, projectA), verb).toBe(true);
    for (const verb of ['subdistrict.manage', 'staff.manage', 'audit.read', 'report.district'] as const) {
      expect(can(adminA, verb, { districtId: zh }), verb).toBe(true);
      expect(can(adminA, verb, { districtId: xh }), verb).toBe(false);
    }
    expect(can(adminA, 'district.manage')).toBe(false);
    expect(can(adminA, 'report.province')).toBe(false);
  });

  it('lists for district admin A only what is in A', async () => {
    expect((await projectsForOffice(open.db, adminA)).map((p) => p.code)).toEqual([place.a.code]);
    expect((await projectsForOffice(open.db, adminB)).map((p) => p.code)).toEqual([place.b.code]);
    expect((await estatesInArea(open.db, adminA)).map((e) => e.id)).toEqual([place.a.estateId]);
    expect((await staff.subdistrictsWithCommunities(open.db, zh)).map((s) => s.code)).toEqual(['hebin']);
    expect((await reportScope(open.db, adminA, 'xh-hebin')).ok).toBe(false);
    expect(await reportScope(open.db, adminA, null, '410402')).toEqual({ ok: false, status: 403 });
    expect(await reportScope(open.db, adminA, null)).toMatchObject({ ok: true, scope: { kind: 'district', id: zh } });
    // A's audit page: the acts of A's admin (creating the subdistrict, the project), none of B's
    const audit = (await auditPage(open.db, null, 100, zh)).entries;
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((e) => e.actor_user_id === adminA.id)).toBe(true);
  });

  it('lets the province admin read both districts and no district admin act as an office', async () => {
    expect(await reportScope(open.db, province, null)).toEqual({ ok: true, scope: { kind: 'province' } });
    expect(await reportScope(open.db, province, null, '410402')).toMatchObject({ ok: true, scope: { kind: 'district', id: xh } });
    expect(await reportScope(open.db, province, 'hebin')).toMatchObject({ ok: true, scope: { kind: 'subdistrict', id: place.a.subId } });
    for (const d of [zh, xh])
      for (const verb of ['audit.read', 'report.district', 'staff.manage'] as const) expect(can(province, verb, { districtId: d })).toBe(true);
    expect(can(province, 'district.manage')).toBe(true);
    expect(can(province, 'project.edit', (await projectResource(open.db, place.b.projectId))!)).toBe(false);
    expect((await auditPage(open.db, null, 100, null)).entries.some((e) => e.action === 'district.create')).toBe(true);
  });

  it('lists every district’s office items to the province admin, narrowed to one by the district filter', async () => {
    // a notice of each district, drafted by its own administrator
    for (const [adminId, p] of [
      [adminA.id, place.a],
      [adminB.id, place.b],
    ] as const)
      ok(await createNotice(open.db, adminId, { subdistrictId: p.subId, projectId: p.projectId, kind: 'plan', title: `公示${p.code}`, body: '内容' }));
    const codes = (rows: { code: string }[]) => rows.map((r) => r.code).sort();
    expect(codes(await projectsForOffice(open.db, province))).toEqual([place.a.code, place.b.code].sort());
    expect(codes(await projectsForOffice(open.db, province, xh))).toEqual([place.b.code]);
    expect((await projectsForOffice(open.db, province, zh)).map((p) => [p.code, p.district])).toEqual([[place.a.code, '湛河区']]);
    expect((await estatesInArea(open.db, province)).map((e) => e.id).sort((x, y) => x - y)).toEqual([place.a.estateId, place.b.estateId].sort((x, y) => x - y));
    expect((await estatesInArea(open.db, province, xh)).map((e) => [e.id, e.district])).toEqual([[place.b.estateId, '新华区']]);
    const titles = (rows: { title: string }[]) => rows.map((r) => r.title).sort();
    expect(titles(await noticesForOffice(open.db, province))).toEqual([`公示${place.a.code}`, `公示${place.b.code}`].sort());
    expect(titles(await noticesForOffice(open.db, province, 300, zh))).toEqual([`公示${place.a.code}`]);
    // a district admin's own lists stay theirs, and asking for another district gives nothing
    expect(titles(await noticesForOffice(open.db, adminA))).toEqual([`公示${place.a.code}`]);
    expect(await projectsForOffice(open.db, adminA, xh)).toEqual([]);
    expect(await noticesForOffice(open.db, adminA, 300, xh)).toEqual([]);
  });

  it('ranks subdistricts within their district', async () => {
    expect((await ranking(open.db, '2026-03', zh)).subdistricts.map((s) => s.code)).toEqual(['hebin']);
    expect((await ranking(open.db, '2026-03', xh)).subdistricts.map((s) => s.code)).toEqual(['xh-hebin']);
  });

  it('rolls the monthly report up: each district’s row is its report’s total, the province’s total their sum', async () => {
    const month = currentMonth();
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    // A: its project published and moved to stage 2 this month; B: to stage 2 and then 3
    for (const [adminId, p] of [
      [adminA.id, place.a],
      [adminB.id, place.b],
    ] as const) {
      ok(await publishProject(open.db, adminId, p.projectId));
      ok(await transitionStage(open.db, adminId, p.projectId, 2, today, null));
    }
    ok(await transitionStage(open.db, adminB.id, place.b.projectId, 3, today, null));
    const range = { from: addMonths(month, -1), to: month };
    const whole = await monthlyFigures(open.db, range, { kind: 'province' });
    const a = await monthlyFigures(open.db, range, { kind: 'district', id: zh });
    const b = await monthlyFigures(open.db, range, { kind: 'district', id: xh });
    expect(whole.map((c) => c.code)).toEqual([null, '410402', '410411']);
    expect(a.map((c) => c.code)).toEqual([null, 'hebin']);
    expect(b.map((c) => c.code)).toEqual([null, 'xh-hebin']);
    // written out: one project each entered stage 2 this month, B's alone stage 3
    expect(whole[0]!.months.get(month)!['stage.2']).toBe(2);
    expect(whole[0]!.months.get(month)!['stage.3']).toBe(1);
    expect(a[0]!.months.get(month)!['stage.3']).toBe(0);
    expect(b[0]!.months.get(month)!['stage.3']).toBe(1);
    for (const m of range.from === month ? [month] : [range.from, month]) {
      for (const key of FIGURE_KEYS) {
        const fa = a[0]!.months.get(m)![key];
        const fb = b[0]!.months.get(m)![key];
        expect(whole.find((c) => c.code === '410411')!.months.get(m)![key], `${m} ${key} A`).toBe(fa);
        expect(whole.find((c) => c.code === '410402')!.months.get(m)![key], `${m} ${key} B`).toBe(fb);
        // to-date money is a sum too; every figure of the report adds up across districts
        expect(whole[0]!.months.get(m)![key], `${m} ${key} total`).toBe(fa + fb);
      }
    }
  });

  it('gives each project’s locations in the open data its own district and city', async () => {
    // both projects were published by the roll-up test above
    const pkg = buildOc4idsPackage(await loadDisclosures(open.db, { all: true }), { baseUrl: 'http://x.test', publishedDate: new Date(), publisherName: 'x' });
    const where = Object.fromEntries(pkg.projects.map((p) => [p.title, p.locations!.map((l) => [l.address!.locality, l.address!.region])]));
    expect(where).toEqual({ 湛河项目: [['湛河区', '平顶山市']], 新华项目: [['新华区', '平顶山市']] });
  });
});
