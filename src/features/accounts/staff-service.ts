import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { hashPassword, passwordProblem } from './password.ts';
import { maskMobile } from './mobile.ts';
import type { Failure, Result } from './service.ts';
import type { MessageKey } from '../../i18n/index.ts';

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
  code: string;
  name: string;
  nameEn: string;
}

export async function createSubdistrict(db: DB, actorUserId: number, input: SubdistrictInput): Promise<Result<{ id: number }>> {
  if (!SUBDISTRICT_CODE.test(input.code)) return fail('err.subdistrictCode', 'code');
  return orUniqueFailure(
    () =>
      db.transaction().execute(async (trx): Promise<Result<{ id: number }>> => {
        const taken = await trx
          .selectFrom('subdistricts')
          .select(['code', 'name'])
          .where((eb) => eb.or([eb('code', '=', input.code), eb('name', '=', input.name)]))
          .execute();
        if (taken.some((s) => s.code === input.code)) return fail('err.subdistrictCodeTaken', 'code');
        if (taken.length) return fail('err.subdistrictNameTaken', 'name');
        const row = await trx
          .insertInto('subdistricts')
          .values({ code: input.code, name: input.name, name_en: input.nameEn })
          .returning('id')
          .executeTakeFirstOrThrow();
        await appendAudit(trx, {
          actorUserId,
          action: 'subdistrict.create',
          target: `subdistrict:${row.id}`,
          detail: { code: input.code, name: input.name, nameEn: input.nameEn },
        });
        return { ok: true, id: row.id };
      }),
    fail('err.subdistrictCodeTaken', 'code'),
  );
}

/** A new name (the code, used in addresses, stays). */
export async function renameSubdistrict(db: DB, actorUserId: number, input: { subdistrictId: number; name: string; nameEn: string }): Promise<Result<{}>> {
  return db.transaction().execute(async (trx): Promise<Result<{}>> => {
    const s = await trx.selectFrom('subdistricts').select(['id', 'name', 'name_en']).where('id', '=', input.subdistrictId).forUpdate().executeTakeFirst();
    if (!s) return fail('err.notFound', 'subdistrictId');
    if (s.name === input.name && s.name_en === input.nameEn) return fail('err.unchanged', 'name');
    const other = await trx.selectFrom('subdistricts').select('id').where('name', '=', input.name).where('id', '<>', s.id).executeTakeFirst();
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

/** Subdistricts with their communities, for the district page and its selects. */
export async function subdistrictsWithCommunities(db: DB) {
  const subs = await db.selectFrom('subdistricts').select(['id', 'code', 'name', 'name_en']).orderBy('id').execute();
  const communities = await db.selectFrom('communities').select(['id', 'subdistrict_id', 'name', 'name_en']).orderBy('id').execute();
  return subs.map((s) => ({ ...s, communities: communities.filter((c) => c.subdistrict_id === s.id) }));
}

/** Every staff account; the page shows phones masked. */
export function staffAccounts(db: DB) {
  return db
    .selectFrom('users')
    .innerJoin('subdistricts', 'subdistricts.id', 'users.subdistrict_id')
    .leftJoin('communities', 'communities.id', 'users.community_id')
    .where('users.role', '=', 'staff')
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
