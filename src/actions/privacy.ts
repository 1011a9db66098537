import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { db } from '../lib/db/index.ts';
import { can } from '../features/policy/can.ts';
import { SESSION_COOKIE } from '../features/accounts/session.ts';
import { closeOwnAccount } from '../features/privacy/commands/close-account.ts';
import { privateStore } from '../lib/files/private-store.ts';
import { forbidden, signedOut } from './errors.ts';

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
      if (!user) throw signedOut();
      if (!can(user, 'account.update', { userId: user.id })) throw forbidden();
      const res = await closeOwnAccount(await db(), user.id, input, { store: privateStore() });
      if (res.ok) ctx.cookies.delete(SESSION_COOKIE, { path: '/' });
      return res;
    },
  }),
};
