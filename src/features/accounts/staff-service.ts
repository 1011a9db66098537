import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { hashPassword, passwordProblem } from './password.ts';
import { maskMobile } from './mobile.ts';
import type { Failure, Result } from './service.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { CODE_PREFIX, DIVISION_CODE, ensureCity } from '../geography/districts.ts';

// The district administrator's use cases: subdistricts, communities and staff accounts.
// Callers authorise first (can(user, 'subdistrict.manage' | 'staff.manage')); each use case
// writes its change and its audit entry in one transaction and returns a failure naming a
// dictionary key (and the field it is about) for a user's mistake, never throws for one.

type DB = Kysely<Database>;

export const SUBDISTRICT_CODE = /^[a-z0-9-]{2,40}$/;

const fail = (error: MessageKey, field?: string): Failure => ({ ok: false, error, field });

/** PostgreSQL's unique_violation, as pg and PGlite both report it: a concurrent insert won the race. */
const isUniqueViolation = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';

async function orUniqueFailure<T>(work: () => Promise<T>, failure: Failure): Promise<T | Failure> {
  try {
    return await work();
  } catch (e) {
    if (isUniqueViolation(e)) return failure;
    throw e;
  }
}

export interface SubdistrictInput {
  /** the district it belongs to */
  districtId: number;
  code: string;
  name: string;
  nameEn: string;
}

export async function createSubdistrict(db: DB, actorUserId: number, input: SubdistrictInput): Promise<Result<{ id: number }>> {
  if (!SUBDISTRICT_CODE.test(input.code)) return fail('err.subdistrictCode', 'code');
  return orUniqueFailure(
    () =>
      db.transaction().execute(async (trx): Promise<Result<{ id: number }>> => {
        const district = await trx.selectFrom('districts').select('id').where('id', '=', input.districtId).executeTakeFirst();
        if (!district) return fail('err.notFound', 'districtId');
        // codes are unique everywhere (they name addresses); names within a district
        const taken = await trx
          .selectFrom('subdistricts')
          .select(['code', 'name'])
          .where((eb) => eb.or([eb('code', '=', input.code), eb.and([eb('name', '=', input.name), eb('district_id', '=', district.id)])]))
          .execute();
        if (taken.some((s) => s.code === input.code)) return fail('err.subdistrictCodeTaken', 'code');
        if (taken.length) return fail('err.subdistrictNameTaken', 'name');
        const row = await trx
          .insertInto('subdistricts')
          .values({ district_id: district.id, code: input.code, name: input.name, name_en: input.nameEn })
          .returning('id')
          .executeTakeFirstOrThrow();
        await appendAudit(trx, {
          actorUserId,
          action: 'subdistrict.create',
          target: `subdistrict:${row.id}`,
          detail: { districtId: district.id, code: input.code, name: input.name, nameEn: input.nameEn },
        });
        return { ok: true, id: row.id };
      }),
    fail('err.subdistrictCodeTaken', 'code'),
  );
}

/** A new name (the code, used in addresses, stays). */
export async function renameSubdistrict(db: DB, actorUserId: number, input: { subdistrictId: number; name: string; nameEn: string }): Promise<Result<{}>> {
  return db.transaction().execute(async (trx): Promise<Result<{}>> => {
    const s = await trx
      .selectFrom('subdistricts')
      .select(['id', 'district_id', 'name', 'name_en'])
      .where('id', '=', input.subdistrictId)
      .forUpdate()
      .executeTakeFirst();
    if (!s) return fail('err.notFound', 'subdistrictId');
    if (s.name === input.name && s.name_en === input.nameEn) return fail('err.unchanged', 'name');
    const other = await trx
      .selectFrom('subdistricts')
      .select('id')
      .where('name', '=', input.name)
      .where('district_id', '=', s.district_id)
      .where('id', '<>', s.id)
      .executeTakeFirst();
    if (other) return fail('err.subdistrictNameTaken', 'name');
    await trx.updateTable('subdistricts').set({ name: input.name, name_en: input.nameEn }).where('id', '=', s.id).execute();
    await appendAudit(trx, {
      actorUserId,
      action: 'subdistrict.rename',
      target: `subdistrict:${s.id}`,
      detail: { from: { name: s.name, nameEn: s.name_en }, to: { name: input.name, nameEn: input.nameEn } },
    });
    return { ok: true };
  });
}

export async function createCommunity(
  db: DB,
  actorUserId: number,
  input: { subdistrictId: number; name: string; nameEn: string | null },
): Promise<Result<{ id: number }>> {
  return orUniqueFailure(
    () =>
      db.transaction().execute(async (trx): Promise<Result<{ id: number }>> => {
        const s = await trx.selectFrom('subdistricts').select('id').where('id', '=', input.subdistrictId).executeTakeFirst();
        if (!s) return fail('err.notFound', 'subdistrictId');
        const taken = await trx.selectFrom('communities').select('id').where('subdistrict_id', '=', s.id).where('name', '=', input.name).executeTakeFirst();
        if (taken) return fail('err.communityTaken', 'name');
        const row = await trx
          .insertInto('communities')
          .values({ subdistrict_id: s.id, name: input.name, name_en: input.nameEn })
          .returning('id')
          .executeTakeFirstOrThrow();
        await appendAudit(trx, {
          actorUserId,
          action: 'community.create',
          target: `community:${row.id}`,
          detail: { subdistrictId: s.id, name: input.name, nameEn: input.nameEn },
        });
        return { ok: true, id: row.id };
      }),
    fail('err.communityTaken', 'name'),
  );
}

export interface StaffInput {
  /** normalised (normaliseMobile) */
  phone: string;
  displayName: string;
  password: string;
  subdistrictId: number;
  /** staff of one community of that subdistrict; null for the whole subdistrict */
  communityId: number | null;
}

/** A staff account, usable at once: the district office vouches for the number. */
export async function createStaffAccount(db: DB, actorUserId: number, input: StaffInput): Promise<Result<{ id: number }>> {
  const weak = passwordProblem(input.password, input.phone);
  if (weak) return fail(`err.password_${weak}`, 'password');
  const passwordHash = await hashPassword(input.password);
  return orUniqueFailure(
    () =>
      db.transaction().execute(async (trx): Promise<Result<{ id: number }>> => {
        const s = await trx.selectFrom('subdistricts').select('id').where('id', '=', input.subdistrictId).executeTakeFirst();
        if (!s) return fail('err.notFound', 'subdistrictId');
        if (input.communityId !== null) {
          const c = await trx.selectFrom('communities').select('subdistrict_id').where('id', '=', input.communityId).executeTakeFirst();
          if (!c || c.subdistrict_id !== s.id) return fail('err.communityNotInSubdistrict', 'communityId');
        }
        const taken = await trx.selectFrom('users').select('id').where('phone', '=', input.phone).executeTakeFirst();
        if (taken) return fail('err.accountPhoneTaken', 'phone');
        const row = await trx
          .insertInto('users')
          .values({
            phone: input.phone,
            display_name: input.displayName,
            password_hash: passwordHash,
            role: 'staff',
            subdistrict_id: s.id,
            community_id: input.communityId,
            phone_verified_at: new Date(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await appendAudit(trx, {
          actorUserId,
          action: 'staff.create',
          target: `user:${row.id}`,
          detail: { phone: maskMobile(input.phone), displayName: input.displayName, subdistrictId: s.id, communityId: input.communityId },
        });
        return { ok: true, id: row.id };
      }),
    fail('err.accountPhoneTaken', 'phone'),
  );
}

/**
 * Disables (every session ends at once; sign-in is refused) or enables a staff account.
 * Asking for the state it is already in changes nothing and writes no audit entry.
 */
export async function setStaffDisabled(db: DB, actorUserId: number, userId: number, disabled: boolean): Promise<Result<{ changed: boolean }>> {
  return db.transaction().execute(async (trx): Promise<Result<{ changed: boolean }>> => {
    const u = await trx.selectFrom('users').select(['id', 'role', 'disabled_at']).where('id', '=', userId).forUpdate().executeTakeFirst();
    if (!u || u.role !== 'staff') return fail('err.notFound');
    if ((u.disabled_at !== null) === disabled) return { ok: true, changed: false };
    await trx
      .updateTable('users')
      .set({ disabled_at: disabled ? new Date() : null })
      .where('id', '=', u.id)
      .execute();
    let sessionsEnded = 0;
    if (disabled) sessionsEnded = Number((await trx.deleteFrom('sessions').where('user_id', '=', u.id).executeTakeFirst()).numDeletedRows);
    await appendAudit(trx, {
      actorUserId,
      action: disabled ? 'staff.disable' : 'staff.enable',
      target: `user:${u.id}`,
      detail: disabled ? { sessionsEnded } : {},
    });
    return { ok: true, changed: true };
  });
}

/** A district's subdistricts with their communities, for the district page and its selects. */
export async function subdistrictsWithCommunities(db: DB, districtId: number) {
  const subs = await db.selectFrom('subdistricts').select(['id', 'code', 'name', 'name_en']).where('district_id', '=', districtId).orderBy('id').execute();
  const communities = await db
    .selectFrom('communities')
    .innerJoin('subdistricts', 'subdistricts.id', 'communities.subdistrict_id')
    .select(['communities.id', 'communities.subdistrict_id', 'communities.name', 'communities.name_en'])
    .where('subdistricts.district_id', '=', districtId)
    .orderBy('communities.id')
    .execute();
  return subs.map((s) => ({ ...s, communities: communities.filter((c) => c.subdistrict_id === s.id) }));
}

/** The staff accounts of a district; the page shows phones masked. */
export function staffAccounts(db: DB, districtId: number) {
  return db
    .selectFrom('users')
    .innerJoin('subdistricts', 'subdistricts.id', 'users.subdistrict_id')
    .leftJoin('communities', 'communities.id', 'users.community_id')
    .where('users.role', '=', 'staff')
    .where('subdistricts.district_id', '=', districtId)
    .select([
      'users.id',
      'users.phone',
      'users.display_name',
      'users.disabled_at',
      'users.created_at',
      'subdistricts.name as subdistrict',
      'communities.name as community',
    ])
    .orderBy('subdistricts.id')
    .orderBy('users.id')
    .execute();
}

/** Where a staff account works, as the policy needs it (null: no such staff account). */
export async function staffResource(db: DB, userId: number): Promise<{ subdistrictId: number; communityId: number | null } | null> {
  const u = await db.selectFrom('users').select(['subdistrict_id', 'community_id']).where('id', '=', userId).where('role', '=', 'staff').executeTakeFirst();
  return u && u.subdistrict_id !== null ? { subdistrictId: u.subdistrict_id, communityId: u.community_id } : null;
}

export interface DistrictInput {
  /** GB/T 2260 code of the district, its city and its province */
  code: string;
  codePrefix: string;
  name: string;
  nameEn: string;
  cityCode: string;
  cityName: string;
  cityNameEn: string;
  provinceCode: string;
  provinceName: string;
  provinceNameEn: string;
}

/** A new district (with its city and province when they are new): the province admin's. */
export async function createDistrict(db: DB, actorUserId: number, input: DistrictInput): Promise<Result<{ id: number }>> {
  if (!DIVISION_CODE.test(input.code)) return fail('err.divisionCode', 'code');
  if (!DIVISION_CODE.test(input.cityCode)) return fail('err.divisionCode', 'cityCode');
  if (!DIVISION_CODE.test(input.provinceCode)) return fail('err.divisionCode', 'provinceCode');
  if (!CODE_PREFIX.test(input.codePrefix)) return fail('err.codePrefix', 'codePrefix');
  return orUniqueFailure(
    () =>
      db.transaction().execute(async (trx): Promise<Result<{ id: number }>> => {
        const taken = await trx
          .selectFrom('districts')
          .select(['code', 'code_prefix'])
          .where((eb) => eb.or([eb('code', '=', input.code), eb('code_prefix', '=', input.codePrefix)]))
          .execute();
        if (taken.some((d) => d.code === input.code)) return fail('err.districtCodeTaken', 'code');
        if (taken.length) return fail('err.codePrefixTaken', 'codePrefix');
        const cityId = await ensureCity(trx, {
          city: { code: input.cityCode, name: input.cityName, nameEn: input.cityNameEn },
          province: { code: input.provinceCode, name: input.provinceName, nameEn: input.provinceNameEn },
        });
        const row = await trx
          .insertInto('districts')
          .values({ city_id: cityId, code: input.code, code_prefix: input.codePrefix, name: input.name, name_en: input.nameEn })
          .returning('id')
          .executeTakeFirstOrThrow();
        await appendAudit(trx, {
          actorUserId,
          action: 'district.create',
          target: `district:${row.id}`,
          detail: { code: input.code, codePrefix: input.codePrefix, name: input.name, nameEn: input.nameEn, cityCode: input.cityCode },
        });
        return { ok: true, id: row.id };
      }),
    fail('err.districtCodeTaken', 'code'),
  );
}

/** An administrator for a district, usable at once (the province vouches for the number). */
export async function createDistrictAdminAccount(
  db: DB,
  actorUserId: number | null,
  input: { phone: string; displayName: string; password: string; districtId: number },
): Promise<Result<{ id: number }>> {
  const weak = passwordProblem(input.password, input.phone);
  if (weak) return fail(`err.password_${weak}`, 'password');
  const passwordHash = await hashPassword(input.password);
  return orUniqueFailure(
    () =>
      db.transaction().execute(async (trx): Promise<Result<{ id: number }>> => {
        const d = await trx.selectFrom('districts').select('id').where('id', '=', input.districtId).executeTakeFirst();
        if (!d) return fail('err.notFound', 'districtId');
        const taken = await trx.selectFrom('users').select('id').where('phone', '=', input.phone).executeTakeFirst();
        if (taken) return fail('err.accountPhoneTaken', 'phone');
        const row = await trx
          .insertInto('users')
          .values({
            phone: input.phone,
            display_name: input.displayName,
            password_hash: passwordHash,
            role: 'district_admin',
            district_id: d.id,
            phone_verified_at: new Date(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await appendAudit(trx, {
          actorUserId,
          action: 'admin.create',
          target: `user:${row.id}`,
          detail: { phone: maskMobile(input.phone), displayName: input.displayName, districtId: d.id, ...(actorUserId === null ? { via: 'cli' } : {}) },
        });
        return { ok: true, id: row.id };
      }),
    fail('err.accountPhoneTaken', 'phone'),
  );
}
