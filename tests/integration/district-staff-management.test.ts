import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import * as staff from '../../src/features/accounts/staff-service.ts';
import * as accounts from '../../src/features/accounts/service.ts';
import { hashPassword } from '../../src/features/accounts/password.ts';
import { createSession, generateSessionToken, validateSessionToken } from '../../src/features/accounts/session.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';
import { auditPage, parseBefore } from '../../src/features/audit/queries.ts';
import { registerRowsOfEstate } from '../../src/features/register/export-rows.ts';
import { readXlsx, writeXlsx } from '../../src/features/register/read-table.ts';
import { parseRegister } from '../../src/features/register/parse-rows.ts';
import { prepareRows } from '../../src/features/register/prepare.ts';
import { applyImport } from '../../src/features/register/import-service.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { residentIdCheckChar } from '../../src/features/register/id-numbers.ts';
import type { RegisterRow } from '../../src/features/register/model.ts';
import { zhanhe } from '../support/districts.ts';

const PASSWORD = 'a long enough secret';
const KEY = parseIdKey(`v1:${Buffer.alloc(32, 9).toString('base64')}`);
const residentId = (body17: string) => body17 + residentIdCheckChar(body17);

describe.each(BACKENDS)('district administration on %s', (kind) => {
  let open: OpenDatabase;
  let adminId: number;
  let hebin: number;
  let beidu: number;
  let districtId: number;
  const ip = '127.0.0.7';

  beforeAll(async () => {
    open = await freshDatabase(kind);
    districtId = await zhanhe(open.db);
    adminId = (
      await open.db
        .insertInto('users')
        .values({
          phone: '13900000000',
          password_hash: await hashPassword(PASSWORD),
          display_name: '区住建局',
          role: 'district_admin',
          district_id: districtId,
          phone_verified_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => open.close());

  const auditActions = async () => (await open.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action);

  it('creates subdistricts with unique, well-formed codes and names', async () => {
    const a = await staff.createSubdistrict(open.db, adminId, { districtId, code: 'hebin', name: '河滨街道', nameEn: 'Hebin Subdistrict' });
    expect(a.ok).toBe(true);
    if (a.ok) hebin = a.id;
    const b = await staff.createSubdistrict(open.db, adminId, { districtId, code: 'beidu', name: '北渡街道', nameEn: 'Beidu Subdistrict' });
    if (b.ok) beidu = b.id;
    expect(await staff.createSubdistrict(open.db, adminId, { districtId, code: 'hebin', name: '另一个', nameEn: 'Other' })).toEqual({
      ok: false,
      error: 'err.subdistrictCodeTaken',
      field: 'code',
    });
    expect(await staff.createSubdistrict(open.db, adminId, { districtId, code: 'hebin-2', name: '河滨街道', nameEn: 'Other' })).toEqual({
      ok: false,
      error: 'err.subdistrictNameTaken',
      field: 'name',
    });
    for (const code of ['H', 'a', 'has space', 'x'.repeat(41), '河滨', 'UPPER']) {
      expect(await staff.createSubdistrict(open.db, adminId, { districtId, code, name: `名${code}`, nameEn: 'x' })).toMatchObject({
        ok: false,
        error: 'err.subdistrictCode',
        field: 'code',
      });
    }
    expect(await open.db.selectFrom('subdistricts').select('code').orderBy('id').execute()).toEqual([{ code: 'hebin' }, { code: 'beidu' }]);
  });

  it('refuses a code taken by a concurrent request without an error escaping', async () => {
    const results = await Promise.all(
      [1, 2, 3].map((i) => staff.createSubdistrict(open.db, adminId, { districtId, code: 'jingshan', name: `荆山街道${i}`, nameEn: 'Jingshan' })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error === 'err.subdistrictCodeTaken')).toBe(true);
  });

  it('renames a subdistrict, keeping its code, and refuses a name in use or no change', async () => {
    expect(await staff.renameSubdistrict(open.db, adminId, { subdistrictId: beidu, name: '北渡街道办事处', nameEn: 'Beidu Subdistrict Office' })).toEqual({
      ok: true,
    });
    const row = await open.db.selectFrom('subdistricts').selectAll().where('id', '=', beidu).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ code: 'beidu', name: '北渡街道办事处', name_en: 'Beidu Subdistrict Office' });
    expect(await staff.renameSubdistrict(open.db, adminId, { subdistrictId: beidu, name: '河滨街道', nameEn: 'x' })).toEqual({
      ok: false,
      error: 'err.subdistrictNameTaken',
      field: 'name',
    });
    expect(await staff.renameSubdistrict(open.db, adminId, { subdistrictId: beidu, name: '北渡街道办事处', nameEn: 'Beidu Subdistrict Office' })).toMatchObject(
      { ok: false, error: 'err.unchanged' },
    );
    expect(await staff.renameSubdistrict(open.db, adminId, { subdistrictId: 999_999, name: 'x', nameEn: 'x' })).toMatchObject({
      ok: false,
      error: 'err.notFound',
      field: 'subdistrictId',
    });
  });

  it('creates communities in a subdistrict, unique by name within it', async () => {
    const c = await staff.createCommunity(open.db, adminId, { subdistrictId: hebin, name: '建设路社区', nameEn: null });
    expect(c.ok).toBe(true);
    expect(await staff.createCommunity(open.db, adminId, { subdistrictId: hebin, name: '建设路社区', nameEn: 'again' })).toEqual({
      ok: false,
      error: 'err.communityTaken',
      field: 'name',
    });
    expect((await staff.createCommunity(open.db, adminId, { subdistrictId: beidu, name: '建设路社区', nameEn: null })).ok).toBe(true);
    expect(await staff.createCommunity(open.db, adminId, { subdistrictId: 999_999, name: '无', nameEn: null })).toMatchObject({
      ok: false,
      error: 'err.notFound',
    });
  });

  it('creates a staff account only with a community of the chosen subdistrict and a good password', async () => {
    const [hebinCommunity, beiduCommunity] = await open.db.selectFrom('communities').select(['id', 'subdistrict_id']).orderBy('id').execute();
    const base = { phone: '13711110001', displayName: '王社区', password: PASSWORD, subdistrictId: hebin };
    expect(await staff.createStaffAccount(open.db, adminId, { ...base, communityId: beiduCommunity!.id })).toEqual({
      ok: false,
      error: 'err.communityNotInSubdistrict',
      field: 'communityId',
    });
    expect(await staff.createStaffAccount(open.db, adminId, { ...base, communityId: 999_999 })).toMatchObject({
      ok: false,
      error: 'err.communityNotInSubdistrict',
    });
    expect(await staff.createStaffAccount(open.db, adminId, { ...base, password: 'short', communityId: null })).toEqual({
      ok: false,
      error: 'err.password_too_short',
      field: 'password',
    });
    expect(await staff.createStaffAccount(open.db, adminId, { ...base, password: '13711110001', communityId: null })).toMatchObject({
      ok: false,
      error: 'err.password_too_simple',
    });
    expect(await staff.createStaffAccount(open.db, adminId, { ...base, phone: '13900000000', communityId: null })).toEqual({
      ok: false,
      error: 'err.accountPhoneTaken',
      field: 'phone',
    });
    expect(await open.db.selectFrom('users').select('id').where('phone', '=', base.phone).executeTakeFirst()).toBeUndefined();

    const made = await staff.createStaffAccount(open.db, adminId, { ...base, communityId: hebinCommunity!.id });
    expect(made.ok).toBe(true);
    const u = await open.db.selectFrom('users').selectAll().where('phone', '=', base.phone).executeTakeFirstOrThrow();
    expect(u).toMatchObject({ role: 'staff', subdistrict_id: hebin, community_id: hebinCommunity!.id, disabled_at: null, display_name: '王社区' });
    expect(u.phone_verified_at).toBeInstanceOf(Date);
    expect(u.password_hash).toMatch(/^\$argon2id\$/);
    const whole = await staff.createStaffAccount(open.db, adminId, { ...base, phone: '13711110002', displayName: '李街道', communityId: null });
    expect(whole.ok).toBe(true);
    const signed = await accounts.signIn(open.db, { phone: base.phone, password: PASSWORD }, ip);
    expect(signed.ok).toBe(true);
    // the audit entry names the person by masked phone only
    const entry = await open.db.selectFrom('audit_log').selectAll().where('action', '=', 'staff.create').orderBy('id').executeTakeFirstOrThrow();
    expect(entry.target).toBe(`user:${u.id}`);
    expect(JSON.stringify(entry.detail)).not.toContain('13711110001');
    expect(entry.detail).toMatchObject({ phone: '137****0001', subdistrictId: hebin });
  });

  it('disabling a staff account ends its sessions and refuses sign-in; enabling lets it sign in again', async () => {
    const u = await open.db.selectFrom('users').select('id').where('phone', '=', '13711110001').executeTakeFirstOrThrow();
    const tokens = [generateSessionToken(), generateSessionToken()];
    for (const tk of tokens) await createSession(open.db, tk, u.id);
    expect(await validateSessionToken(open.db, tokens[0]!)).not.toBeNull();

    expect(await staff.setStaffDisabled(open.db, adminId, u.id, true)).toEqual({ ok: true, changed: true });
    expect(await open.db.selectFrom('sessions').select('id').where('user_id', '=', u.id).execute()).toEqual([]);
    for (const tk of tokens) expect(await validateSessionToken(open.db, tk)).toBeNull();
    expect(await accounts.signIn(open.db, { phone: '13711110001', password: PASSWORD }, ip)).toMatchObject({ ok: false, error: 'err.signInFailed' });
    const entries = await open.db.selectFrom('audit_log').select(['action', 'detail']).where('target', '=', `user:${u.id}`).orderBy('id', 'desc').execute();
    expect(entries[0]).toMatchObject({ action: 'staff.disable', detail: { sessionsEnded: 3 } }); // two here, one from signing in above

    // asking again changes nothing and logs nothing
    const before = (await auditActions()).length;
    expect(await staff.setStaffDisabled(open.db, adminId, u.id, true)).toEqual({ ok: true, changed: false });
    expect((await auditActions()).length).toBe(before);

    expect(await staff.setStaffDisabled(open.db, adminId, u.id, false)).toEqual({ ok: true, changed: true });
    expect((await accounts.signIn(open.db, { phone: '13711110001', password: PASSWORD }, ip)).ok).toBe(true);
  });

  it('disables only staff accounts: not the district admin, not a resident', async () => {
    const resident = await open.db
      .insertInto('users')
      .values({ phone: '13711110009', password_hash: 'x', display_name: '居民' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await staff.setStaffDisabled(open.db, adminId, adminId, true)).toMatchObject({ ok: false, error: 'err.notFound' });
    expect(await staff.setStaffDisabled(open.db, adminId, resident.id, true)).toMatchObject({ ok: false, error: 'err.notFound' });
    expect(await open.db.selectFrom('users').select('disabled_at').where('id', 'in', [adminId, resident.id]).execute()).toEqual([
      { disabled_at: null },
      { disabled_at: null },
    ]);
  });

  it('lists staff with their area, and every change above is one entry of an intact chain', async () => {
    const list = await staff.staffAccounts(open.db, districtId);
    expect(list.map((s) => [s.display_name, s.community])).toEqual([
      ['王社区', '建设路社区'],
      ['李街道', null],
    ]);
    const subs = await staff.subdistrictsWithCommunities(open.db, districtId);
    expect(subs.find((s) => s.id === hebin)!.communities.map((c) => c.name)).toEqual(['建设路社区']);

    const actions = (await auditActions()).filter((a) => a !== 'session.signIn');
    expect(actions).toEqual([
      'subdistrict.create',
      'subdistrict.create',
      'subdistrict.create',
      'subdistrict.rename',
      'community.create',
      'community.create',
      'staff.create',
      'staff.create',
      'staff.disable',
      'staff.enable',
    ]);
    const rows = await open.db.selectFrom('audit_log').select(['id', 'prev_hash', 'hash', 'actor_user_id', 'action']).orderBy('id').execute();
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(rows.filter((r) => r.action !== 'session.signIn').every((r) => r.actor_user_id === adminId)).toBe(true);
    const check = await verifyAudit(open.db);
    expect(check).toEqual({ ok: true, checked: rows.length, head: rows.at(-1)!.hash });
  });

  it('pages the audit log newest first and names the actor', async () => {
    const all = await auditPage(open.db, null, 1000);
    expect(all.nextBefore).toBeNull();
    const ids = all.entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const first = await auditPage(open.db, null, 4);
    expect(first.entries.map((e) => e.id)).toEqual(ids.slice(0, 4));
    expect(first.nextBefore).toBe(ids[3]);
    const second = await auditPage(open.db, first.nextBefore, 4);
    expect(second.entries.map((e) => e.id)).toEqual(ids.slice(4, 8));
    expect(all.entries.find((e) => e.action === 'staff.enable')!.actor).toBe('区住建局');
    expect([parseBefore(null), parseBefore(''), parseBefore('12'), parseBefore('0'), parseBefore('-1'), parseBefore('1e3'), parseBefore('abc')]).toEqual([
      null,
      null,
      12,
      'invalid',
      'invalid',
      'invalid',
      'invalid',
    ]);
  });

  it('exports an estate register masked; the parser refuses the export as a whole (masked_export)', async () => {
    const community = await open.db.selectFrom('communities').select('id').where('subdistrict_id', '=', hebin).executeTakeFirstOrThrow();
    const estate = await open.db
      .insertInto('estates')
      .values({
        community_id: community.id,
        name: '建设小区',
        address: 'a',
        build_year: 1990,
        building_count: 2,
        household_count: 4,
        floor_area_cm2: 1,
        lat: 33.7,
        lng: 113.3,
        eligibility: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const ids = [residentId('41041119700614556'), residentId('41041119800101123'), residentId('41041119651231001')];
    const flat = (building: string, room: string, owners: RegisterRow['owners'], extra: Partial<RegisterRow> = {}): RegisterRow => ({
      line: 0,
      estate: null,
      building,
      entrance: '1',
      floor: Number(room[0]),
      room,
      areaCm2: 8520,
      areaSource: 'registered',
      owners,
      phone: null,
      developerHeld: false,
      ...extra,
    });
    const rows = [
      flat('10', '101', [{ name: '张三', idType: 'resident_id', idNumber: ids[0]! }], { phone: '13812345678' }),
      flat('2', '201', [
        { name: '李四', idType: 'resident_id', idNumber: ids[1]! },
        { name: '王五', idType: 'resident_id', idNumber: ids[2]! },
      ]),
      flat('2', '102', [], { developerHeld: true }),
    ];
    const imp = await open.db
      .insertInto('register_imports')
      .values({ estate_id: estate.id, user_id: adminId, file_name: 'r.xlsx', sha256: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await applyImport(open.db, { estateId: estate.id, importId: imp.id, actorUserId: adminId, flats: prepareRows(rows, KEY) });

    const exported = await registerRowsOfEstate(open.db, estate.id);
    // building 2 before building 10, floors in order; co-owners together; developer-held flat without owners
    expect(exported.map((r) => `${r.building}-${r.entrance}-${r.room}`)).toEqual(['2-1-102', '2-1-201', '10-1-101']);
    expect(exported[0]).toMatchObject({ developerHeld: true, owners: [], estate: '建设小区' });
    expect(exported[1]!.owners.map((o) => o.name)).toEqual(['李四', '王五']);
    expect(exported[2]!.owners[0]!.idNumber).toBe(`${'*'.repeat(14)}${ids[0]!.slice(-4)}`);
    expect(exported[2]!.phone).toBe('13812345678');

    const bytes = await writeXlsx(exported);
    const table = await readXlsx(bytes);
    const text = JSON.stringify(table);
    for (const id of ids) expect(text).not.toContain(id);
    expect(text).not.toContain('13812345678');
    expect(text).toContain('138****5678');
    const parsed = parseRegister(table);
    expect(parsed.rows).toEqual([]);
    expect(parsed.faults[0]).toMatchObject({ line: 1, code: 'masked_export', severity: 'error' });
    expect(parsed.dataLines).toBe(3);
  });
});
