import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Role } from './tables.ts';

// Sessions in Lucia's design: a random token lives only in the browser's cookie; the
// database keeps its SHA-256. Expiry slides: a session used in its last 15 days is
// extended to 30 days from now.

export const SESSION_COOKIE = 'gz_session';
/** A browser that signed in to an account before (src/features/accounts/rate-limit.ts: THROTTLES.device). */
export const DEVICE_COOKIE = 'gz_device';
const DAY = 24 * 60 * 60 * 1000;
export const SESSION_DAYS = 30;

export interface SessionUser {
  id: number;
  displayName: string;
  phone: string;
  role: Role;
  subdistrictId: number | null;
  communityId: number | null;
  /** a district admin's district and its subdistricts (the policy's scope); null for other roles */
  district?: { id: number; subdistrictIds: number[] } | null;
  ownerStatusHeld: boolean;
}

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export const sessionIdOf = (token: string): string => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

export async function createSession(db: Kysely<Database>, token: string, userId: number, now = new Date()) {
  const session = { id: sessionIdOf(token), user_id: userId, expires_at: new Date(now.getTime() + SESSION_DAYS * DAY) };
  await db.insertInto('sessions').values(session).execute();
  return session;
}

export async function validateSessionToken(db: Kysely<Database>, token: string, now = new Date()): Promise<{ user: SessionUser; expiresAt: Date } | null> {
  if (!/^[a-z2-7]{32}$/.test(token)) return null;
  const id = sessionIdOf(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .where('sessions.id', '=', id)
    .select([
      'sessions.expires_at',
      'users.id',
      'users.display_name',
      'users.phone',
      'users.role',
      'users.subdistrict_id',
      'users.community_id',
      'users.district_id',
      'users.owner_status_held_since',
      'users.disabled_at',
    ])
    .executeTakeFirst();
  if (!row) return null;
  if (row.disabled_at || now.getTime() >= row.expires_at.getTime()) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  let expiresAt = row.expires_at;
  if (now.getTime() >= expiresAt.getTime() - 15 * DAY) {
    expiresAt = new Date(now.getTime() + SESSION_DAYS * DAY);
    await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute();
  }
  let district: SessionUser['district'] = null;
  if (row.role === 'district_admin' && row.district_id !== null) {
    const subs = await db.selectFrom('subdistricts').select('id').where('district_id', '=', row.district_id).orderBy('id').execute();
    district = { id: row.district_id, subdistrictIds: subs.map((s) => s.id) };
  }
  return {
    user: {
      id: row.id,
      displayName: row.display_name,
      phone: row.phone,
      role: row.role,
      subdistrictId: row.subdistrict_id,
      communityId: row.community_id,
      district,
      ownerStatusHeld: row.owner_status_held_since !== null,
    },
    expiresAt,
  };
}

export async function invalidateSession(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionIdOf(token)).execute();
}

/** Logout everywhere, and what a password change does. */
export async function invalidateUserSessions(db: Kysely<Database>, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export function sessionCookieOptions(secure: boolean, expiresAt: Date) {
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', expires: expiresAt };
}

export function deviceCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', maxAge: 365 * 24 * 3600 };
}
