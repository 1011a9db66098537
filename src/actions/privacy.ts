import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { db } from '../lib/db/index.ts';
import { can } from '../features/policy/can.ts';
import { hit } from '../features/accounts/rate-limit.ts';
import { verifyPassword } from '../features/accounts/password.ts';
import { SESSION_COOKIE } from '../features/accounts/session.ts';
import { closeAccount } from '../features/privacy/service.ts';
import { privateStore } from '../lib/files/private-store.ts';

/** Password attempts to close an account, per account. */
const CLOSE_LIMIT = { bucket: 'close_account', max: 5, windowSeconds: 3600 };

export const privacyActions = {
  /** The person closes their own account (PIPL Art. 47): password and an explicit confirmation. */
  closeAccount: defineAction({
    accept: 'form',
    input: z.object({
      password: z.string().min(1, 'err.required').max(128),
      confirm: z.string().max(10).optional(),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user || !can(user, 'account.update', { userId: user.id })) return { ok: false as const, error: 'err.forbidden' };
      if (input.confirm !== 'yes') return { ok: false as const, error: 'err.closeConfirm', field: 'confirm' };
      const database = await db();
      if (!(await hit(database, CLOSE_LIMIT, String(user.id)))) return { ok: false as const, error: 'err.rateLimited' };
      const row = await database.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
      if (!(await verifyPassword(row.password_hash, input.password))) return { ok: false as const, error: 'err.passwordWrong', field: 'password' };
      const res = await closeAccount(database, privateStore(), user.id);
      if (res.ok) ctx.cookies.delete(SESSION_COOKIE, { path: '/' });
      return res.ok ? { ok: true as const } : res;
    },
  }),
};
