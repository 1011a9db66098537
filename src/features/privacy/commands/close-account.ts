import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { hit } from '../../accounts/rate-limit.ts';
import { verifyPassword } from '../../accounts/password.ts';
import { closeAccount, type FileRemover } from '../service.ts';

type DB = Kysely<Database>;

/** Password attempts to close an account, per account. */
export const CLOSE_LIMIT = { bucket: 'close_account', max: 5, windowSeconds: 3600 };

/**
 * The person closes their own account (PIPL Art. 47): an explicit confirmation and their
 * password (attempts limited per account), then closeAccount erases what it may.
 */
export async function closeOwnAccount(
  db: DB,
  userId: number,
  input: { password: string; confirm?: string },
  deps: { store: FileRemover; now?: Date },
): Promise<{ ok: true } | { ok: false; error: string; field?: string }> {
  if (input.confirm !== 'yes') return { ok: false, error: 'err.closeConfirm', field: 'confirm' };
  if (!(await hit(db, CLOSE_LIMIT, String(userId)))) return { ok: false, error: 'err.rateLimited' };
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, input.password))) return { ok: false, error: 'err.passwordWrong', field: 'password' };
  const res = await closeAccount(db, deps.store, userId, deps.now);
  return res.ok ? { ok: true } : res;
}
