import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { checkCode, issueCode, type SmsSender } from './sms.ts';
import { LIMITS, hit, within } from './rate-limit.ts';
import { createSession, generateSessionToken, invalidateUserSessions } from './session.ts';

// Use cases of accounts. Each returns a result or a failure naming a dictionary key,
// never throws for a user's mistake.

export type Failure = { ok: false; error: string; field?: string };
export type Result<T> = ({ ok: true } & T) | Failure;
const fail = (error: string, field?: string): Failure => ({ ok: false, error, field });

// A real hash to compare against when the phone is unknown, so timing does not tell.
let dummyHash: Promise<string> | undefined;

export async function signUp(db: Kysely<Database>, sms: SmsSender, input: { phone: string; displayName: string; password: string }, ip: string): Promise<Result<{}>> {
  const weak = passwordProblem(input.password, input.phone);
  if (weak) return fail(`err.password_${weak}`, 'password');
  if (!(await hit(db, LIMITS.sms, input.phone)) || !(await hit(db, LIMITS.smsIp, ip))) return fail('err.rateLimited');
  const existing = await db.selectFrom('users').select(['id', 'phone_verified_at']).where('phone', '=', input.phone).executeTakeFirst();
  if (existing?.phone_verified_at) return fail('err.phoneTaken', 'phone');
  const passwordHash = await hashPassword(input.password);
  if (existing) {
    await db.updateTable('users').set({ password_hash: passwordHash, display_name: input.displayName }).where('id', '=', existing.id).execute();
  } else {
    await db.insertInto('users').values({ phone: input.phone, password_hash: passwordHash, display_name: input.displayName }).execute();
  }
  await issueCode(db, sms, input.phone, 'signup');
  return { ok: true };
}

export async function confirmPhone(db: Kysely<Database>, input: { phone: string; code: string }): Promise<Result<{ token: string; expiresAt: Date }>> {
  const user = await db.selectFrom('users').select(['id', 'phone_verified_at']).where('phone', '=', input.phone).executeTakeFirst();
  if (!user || user.phone_verified_at) return fail('err.codeWrong', 'code');
  if (!(await checkCode(db, input.phone, 'signup', input.code))) return fail('err.codeWrong', 'code');
  await db.updateTable('users').set({ phone_verified_at: new Date() }).where('id', '=', user.id).execute();
  const token = generateSessionToken();
  const session = await createSession(db, token, user.id);
  return { ok: true, token, expiresAt: session.expires_at };
}

export async function signIn(db: Kysely<Database>, input: { phone: string; password: string }, ip: string): Promise<Result<{ token: string; expiresAt: Date; userId: number }>> {
  // Failed attempts count (password guessing); signing in successfully does not use up the limit.
  if (!(await within(db, LIMITS.signIn, input.phone)) || !(await within(db, LIMITS.signInIp, ip))) return fail('err.rateLimited');
  const user = await db
    .selectFrom('users')
    .select(['id', 'password_hash', 'phone_verified_at', 'disabled_at', 'role'])
    .where('phone', '=', input.phone)
    .executeTakeFirst();
  const good = user ? await verifyPassword(user.password_hash, input.password) : await verifyPassword(await (dummyHash ??= hashPassword('not-a-password-000')), input.password);
  if (!user || !good || !user.phone_verified_at || user.disabled_at) {
    await hit(db, LIMITS.signIn, input.phone);
    await hit(db, LIMITS.signInIp, ip);
    return fail('err.signInFailed');
  }
  const token = generateSessionToken();
  const session = await createSession(db, token, user.id);
  await db.transaction().execute((trx) => appendAudit(trx, { actorUserId: user.id, action: 'session.signIn', target: `user:${user.id}`, detail: { ip, role: user.role } }));
  return { ok: true, token, expiresAt: session.expires_at, userId: user.id };
}

export async function resetStart(db: Kysely<Database>, sms: SmsSender, phone: string, ip: string): Promise<Result<{}>> {
  if (!(await hit(db, LIMITS.reset, phone)) || !(await hit(db, LIMITS.smsIp, ip))) return fail('err.rateLimited');
  const user = await db.selectFrom('users').select('id').where('phone', '=', phone).where('phone_verified_at', 'is not', null).executeTakeFirst();
  // Same answer whether or not the number has an account: no enumeration of residents.
  if (user) await issueCode(db, sms, phone, 'reset');
  return { ok: true };
}

/**
 * A new password by SMS: every session ends, and any owner status is held until staff
 * confirm it again (a reissued mobile number must not inherit someone's vote).
 */
export async function resetConfirm(db: Kysely<Database>, input: { phone: string; code: string; password: string }): Promise<Result<{}>> {
  const weak = passwordProblem(input.password, input.phone);
  if (weak) return fail(`err.password_${weak}`, 'password');
  const user = await db.selectFrom('users').select(['id', 'role']).where('phone', '=', input.phone).where('phone_verified_at', 'is not', null).executeTakeFirst();
  if (!user || !(await checkCode(db, input.phone, 'reset', input.code))) return fail('err.codeWrong', 'code');
  const passwordHash = await hashPassword(input.password);
  await db.transaction().execute(async (trx) => {
    const owns = await trx.selectFrom('owner_verifications').select('id').where('user_id', '=', user.id).where('status', '=', 'verified').executeTakeFirst();
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, ...(owns ? { owner_status_held_since: new Date() } : {}) })
      .where('id', '=', user.id)
      .execute();
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    await appendAudit(trx, { actorUserId: user.id, action: 'account.passwordReset', target: `user:${user.id}`, detail: { ownerStatusHeld: Boolean(owns) } });
  });
  return { ok: true };
}

export async function changePassword(db: Kysely<Database>, userId: number, current: string, next: string): Promise<Result<{}>> {
  const user = await db.selectFrom('users').select(['password_hash', 'phone']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, current))) return fail('err.passwordWrong', 'current');
  const weak = passwordProblem(next, user.phone);
  if (weak) return fail(`err.password_${weak}`, 'password');
  await db.updateTable('users').set({ password_hash: await hashPassword(next) }).where('id', '=', userId).execute();
  await invalidateUserSessions(db, userId);
  return { ok: true };
}

/** The first district admin, from the command line. */
export async function createDistrictAdmin(db: Kysely<Database>, input: { phone: string; displayName: string; password: string }): Promise<Result<{ id: number }>> {
  const weak = passwordProblem(input.password, input.phone);
  if (weak) return fail(`err.password_${weak}`, 'password');
  const taken = await db.selectFrom('users').select('id').where('phone', '=', input.phone).executeTakeFirst();
  if (taken) return fail('err.phoneTaken', 'phone');
  const passwordHash = await hashPassword(input.password);
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('users')
      .values({ phone: input.phone, display_name: input.displayName, password_hash: passwordHash, role: 'district_admin', phone_verified_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, { actorUserId: null, action: 'admin.create', target: `user:${row.id}`, detail: { via: 'cli' } });
    return row.id;
  });
  return { ok: true, id };
}
