import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { CODE_LIFETIME_MS, MAX_CODE_ATTEMPTS, checkCode, codeText, hashCode, issueCode, newCode, type SmsSender } from './sms.ts';
import { LIMITS, THROTTLES, clearFailures, hit, recordFailure, secondsToWait, type ThrottleKey } from './rate-limit.ts';
import { createSession, generateSessionToken, invalidateUserSessions, sessionIdOf } from './session.ts';
import type { MessageKey } from '../../i18n/index.ts';

// Use cases of accounts. Each returns a result or a failure naming a dictionary key,
// never throws for a user's mistake.

export type Failure = { ok: false; error: MessageKey; field?: string; params?: Record<string, string | number>; request?: string };
export type Result<T> = ({ ok: true } & T) | Failure;
const fail = (error: MessageKey, field?: string): Failure => ({ ok: false, error, field });

// A real hash to compare against when the phone is unknown, so timing does not tell.
let dummyHash: Promise<string> | undefined;

/** A sign-up request lives a day; its code ten minutes (a new one can be sent). */
const REQUEST_HOURS = 24;
const newToken = () => generateSessionToken();

/**
 * A sign-up is a request until its code is confirmed: it keeps its own password hash and
 * its own code, and the account is created only by confirmCode. A second sign-up for the
 * same number is a second request with its own code; it cannot touch the first one's
 * password, and the first one's code does not confirm it.
 */
export async function signUp(
  db: Kysely<Database>,
  sms: SmsSender,
  input: { phone: string; displayName: string; password: string },
  ip: string,
  now = new Date(),
): Promise<Result<{ request: string }>> {
  const weak = passwordProblem(input.password, input.phone);
  if (weak) return fail(`err.password_${weak}`, 'password');
  const taken = await db.selectFrom('users').select('id').where('phone', '=', input.phone).where('phone_verified_at', 'is not', null).executeTakeFirst();
  if (taken) return fail('err.phoneTaken', 'phone');
  if (!(await hit(db, LIMITS.sms, input.phone, now)) || !(await hit(db, LIMITS.smsIp, ip, now))) return fail('err.rateLimited');
  // requests older than a day are dead: their password hashes and names go
  await db
    .deleteFrom('signup_requests')
    .where('created_at', '<', new Date(now.getTime() - REQUEST_HOURS * 3600_000))
    .execute();
  const request = newToken();
  const code = newCode();
  const row = await db
    .insertInto('signup_requests')
    .values({
      token_hash: sessionIdOf(request),
      phone: input.phone,
      display_name: input.displayName,
      password_hash: await hashPassword(input.password),
      code_hash: '',
      code_expires_at: new Date(now.getTime() + CODE_LIFETIME_MS),
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('signup_requests')
    .set({ code_hash: hashCode(`signup:${row.id}`, code) })
    .where('id', '=', row.id)
    .execute();
  await sms.send(input.phone, codeText('signup', code));
  return { ok: true, request };
}

/** The open sign-up request a token names (null when unknown, used or older than a day). */
export async function signupRequest(db: Kysely<Database>, request: string, now = new Date()) {
  if (!/^[a-z2-7]{32}$/.test(request)) return null;
  const row = await db
    .selectFrom('signup_requests')
    .select(['id', 'phone', 'display_name', 'password_hash', 'code_hash', 'attempts', 'code_expires_at', 'created_at'])
    .where('token_hash', '=', sessionIdOf(request))
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.created_at.getTime() < now.getTime() - REQUEST_HOURS * 3600_000) return null;
  return row;
}

/** A new code for an open sign-up request (the one before stops working). */
export async function resendSignupCode(
  db: Kysely<Database>,
  sms: SmsSender,
  request: string,
  ip: string,
  now = new Date(),
): Promise<Result<{ phone: string }>> {
  const row = await signupRequest(db, request, now);
  if (!row) return fail('err.signupExpired');
  if (!(await hit(db, LIMITS.sms, row.phone, now)) || !(await hit(db, LIMITS.smsIp, ip, now))) return fail('err.rateLimited');
  const code = newCode();
  await db
    .updateTable('signup_requests')
    .set({ code_hash: hashCode(`signup:${row.id}`, code), attempts: 0, code_expires_at: new Date(now.getTime() + CODE_LIFETIME_MS) })
    .where('id', '=', row.id)
    .execute();
  await sms.send(row.phone, codeText('signup', code));
  return { ok: true, phone: row.phone };
}

/** Confirms a sign-up request with its code: now, and only now, the account exists. */
export async function confirmPhone(
  db: Kysely<Database>,
  input: { request: string; code: string },
  now = new Date(),
): Promise<Result<{ token: string; expiresAt: Date; userId: number }>> {
  const row = await signupRequest(db, input.request, now);
  if (!row) return fail('err.signupExpired');
  if (row.attempts >= MAX_CODE_ATTEMPTS || row.code_expires_at.getTime() <= now.getTime()) return fail('err.codeExpired', 'code');
  if (!row.code_hash || row.code_hash !== hashCode(`signup:${row.id}`, input.code.trim())) {
    await db
      .updateTable('signup_requests')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', row.id)
      .execute();
    return fail('err.codeWrong', 'code');
  }
  return db.transaction().execute(async (trx): Promise<Result<{ token: string; expiresAt: Date; userId: number }>> => {
    const used = await trx
      .updateTable('signup_requests')
      .set({ consumed_at: now })
      .where('id', '=', row.id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return fail('err.signupExpired');
    const existing = await trx.selectFrom('users').select(['id', 'phone_verified_at']).where('phone', '=', row.phone).forUpdate().executeTakeFirst();
    if (existing?.phone_verified_at) return fail('err.phoneTaken', 'phone');
    // an account left unconfirmed by the sign-up of earlier versions is taken over by the
    // request the number's holder confirmed
    const userId = existing
      ? (
          await trx
            .updateTable('users')
            .set({ password_hash: row.password_hash, display_name: row.display_name, phone_verified_at: now })
            .where('id', '=', existing.id)
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id
      : (
          await trx
            .insertInto('users')
            .values({ phone: row.phone, password_hash: row.password_hash, display_name: row.display_name, phone_verified_at: now })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
    // the number's other open requests die with this one
    await trx.updateTable('signup_requests').set({ consumed_at: now }).where('phone', '=', row.phone).where('consumed_at', 'is', null).execute();
    const token = generateSessionToken();
    const session = await createSession(trx, token, userId, now);
    return { ok: true, token, expiresAt: session.expires_at, userId };
  });
}

/** The browser's known-device token (cookie), if it belongs to the account of this number. */
async function knownDevice(db: Kysely<Database>, device: string | null | undefined, phone: string): Promise<string | null> {
  if (!device || !/^[a-z2-7]{32}$/.test(device)) return null;
  const id = sessionIdOf(device);
  const row = await db
    .selectFrom('sign_in_devices')
    .innerJoin('users', 'users.id', 'sign_in_devices.user_id')
    .select('sign_in_devices.id')
    .where('sign_in_devices.id', '=', id)
    .where('users.phone', '=', phone)
    .executeTakeFirst();
  return row ? id : null;
}

/**
 * Signs in with number and password. Failures never lock the account: they impose a wait
 * (THROTTLES) per account and per address, or per device for a browser that signed in to
 * this account before, answered "try again in N seconds" (err.signInWait) without trying the
 * password. A number whose sign-up was never confirmed, with that sign-up's password, is
 * told to confirm it (err.notConfirmed, with the request to resend a code for).
 */
export async function signIn(
  db: Kysely<Database>,
  input: { phone: string; password: string },
  ip: string,
  device: string | null = null,
  now = new Date(),
): Promise<Result<{ token: string; expiresAt: Date; userId: number; device: string | null }>> {
  const known = await knownDevice(db, device, input.phone);
  const keys: ThrottleKey[] = known
    ? [{ throttle: THROTTLES.device, key: known }]
    : [
        { throttle: THROTTLES.account, key: input.phone },
        { throttle: THROTTLES.address, key: ip },
      ];
  const wait = await secondsToWait(db, keys, now);
  if (wait > 0) return { ok: false, error: 'err.signInWait', params: { seconds: wait } };
  const user = await db
    .selectFrom('users')
    .select(['id', 'password_hash', 'phone_verified_at', 'disabled_at', 'role', 'display_name'])
    .where('phone', '=', input.phone)
    .executeTakeFirst();
  let tried = false; // one password hash compared per attempt, whichever it is (timing)
  if (!user?.phone_verified_at) {
    const pending = await db
      .selectFrom('signup_requests')
      .select(['id', 'password_hash'])
      .where('phone', '=', input.phone)
      .where('consumed_at', 'is', null)
      .where('created_at', '>', new Date(now.getTime() - REQUEST_HOURS * 3600_000))
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const hashed = pending?.password_hash ?? user?.password_hash;
    tried = Boolean(hashed);
    if (hashed && (await verifyPassword(hashed, input.password))) {
      // the person who chose this password: a fresh link to their request (a code is sent on asking)
      const request = newToken();
      if (pending)
        await db
          .updateTable('signup_requests')
          .set({ token_hash: sessionIdOf(request) })
          .where('id', '=', pending.id)
          .execute();
      else
        await db
          .insertInto('signup_requests')
          .values({
            token_hash: sessionIdOf(request),
            phone: input.phone,
            display_name: user!.display_name,
            password_hash: hashed,
            code_hash: '',
            code_expires_at: now,
            created_at: now,
          })
          .execute();
      return { ok: false, error: 'err.notConfirmed', request };
    }
  }
  let good = false;
  if (user?.phone_verified_at) good = await verifyPassword(user.password_hash, input.password);
  else if (!tried) await verifyPassword(await (dummyHash ??= hashPassword('not-a-password-000')), input.password); // the same work as a real check
  if (!user || !good || !user.phone_verified_at || user.disabled_at) {
    await recordFailure(db, keys, now);
    return fail('err.signInFailed');
  }
  let newDevice: string | null = null;
  if (known) {
    await clearFailures(db, keys[0]!);
    await db.updateTable('sign_in_devices').set({ last_used_at: now }).where('id', '=', known).execute();
  } else {
    newDevice = newToken();
    await db
      .insertInto('sign_in_devices')
      .values({ id: sessionIdOf(newDevice), user_id: user.id, created_at: now, last_used_at: now })
      .execute();
  }
  const token = generateSessionToken();
  const session = await createSession(db, token, user.id, now);
  await db.transaction().execute((trx) =>
    appendAudit(trx, {
      actorUserId: user.id,
      action: 'session.signIn',
      target: `user:${user.id}`,
      detail: { ip, role: user.role, knownDevice: Boolean(known) },
    }),
  );
  return { ok: true, token, expiresAt: session.expires_at, userId: user.id, device: newDevice };
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
  const user = await db
    .selectFrom('users')
    .select(['id', 'role'])
    .where('phone', '=', input.phone)
    .where('phone_verified_at', 'is not', null)
    .executeTakeFirst();
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
    // browsers that knew the old password are no longer known devices (sign-in throttling)
    await trx.deleteFrom('sign_in_devices').where('user_id', '=', user.id).execute();
    await appendAudit(trx, { actorUserId: user.id, action: 'account.passwordReset', target: `user:${user.id}`, detail: { ownerStatusHeld: Boolean(owns) } });
  });
  return { ok: true };
}

export async function changePassword(db: Kysely<Database>, userId: number, current: string, next: string): Promise<Result<{}>> {
  const user = await db.selectFrom('users').select(['password_hash', 'phone']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, current))) return fail('err.passwordWrong', 'current');
  const weak = passwordProblem(next, user.phone);
  if (weak) return fail(`err.password_${weak}`, 'password');
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(next) })
    .where('id', '=', userId)
    .execute();
  await invalidateUserSessions(db, userId);
  await db.deleteFrom('sign_in_devices').where('user_id', '=', userId).execute();
  return { ok: true };
}

/** An administrator from the command line: of one district, or of the province (districtId null). */
export async function createDistrictAdmin(
  db: Kysely<Database>,
  input: { phone: string; displayName: string; password: string; districtId: number | null },
): Promise<Result<{ id: number }>> {
  const weak = passwordProblem(input.password, input.phone);
  if (weak) return fail(`err.password_${weak}`, 'password');
  const taken = await db.selectFrom('users').select('id').where('phone', '=', input.phone).executeTakeFirst();
  if (taken) return fail('err.phoneTaken', 'phone');
  const passwordHash = await hashPassword(input.password);
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('users')
      .values({
        phone: input.phone,
        display_name: input.displayName,
        password_hash: passwordHash,
        role: input.districtId === null ? 'province_admin' : 'district_admin',
        district_id: input.districtId,
        phone_verified_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, { actorUserId: null, action: 'admin.create', target: `user:${row.id}`, detail: { via: 'cli', districtId: input.districtId } });
    return row.id;
  });
  return { ok: true, id };
}
