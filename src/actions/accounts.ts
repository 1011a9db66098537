import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { db, type DB } from '../lib/db/index.ts';
import { forbidden, signedOut } from './errors.ts';
import { config } from '../lib/config.ts';
import { secureCookies } from '../lib/http/secure-cookies.ts';
import { clientAddress } from '../lib/http/origin.ts';
import { senderFor } from '../features/accounts/sms.ts';
import {
  DEVICE_COOKIE,
  SESSION_COOKIE,
  deviceCookieOptions,
  invalidateSession,
  invalidateUserSessions,
  sessionCookieOptions,
} from '../features/accounts/session.ts';
import { signUpInput, confirmPhoneInput, signInInput, resetStartInput, resetConfirmInput, resendCodeInput } from '../features/accounts/schemas.ts';
import * as accounts from '../features/accounts/service.ts';
import { can } from '../features/policy/can.ts';

// Form actions for accounts. Each validates with zod, authorises itself and returns either
// data or { ok: false, error, field } with a dictionary key the page shows.

type Ctx = { request: Request; url: URL; clientAddress: string };
const secure = (ctx: Ctx) => secureCookies(ctx.request, ctx.url, ctx.clientAddress);
/** The client's address (behind a TRUST_PROXY proxy, from X-Forwarded-For): rate limits key on it. */
const ip = (ctx: Ctx) => clientAddress(ctx.request, ctx.url, ctx.clientAddress);
/** The configured SMS provider; null when none is (texting refuses with err.smsUnavailable). */
const sms = (database: DB) => senderFor(config().sms, database, config().demo);
const smsUnavailable = { ok: false as const, error: 'err.smsUnavailable' };

export const accountActions = {
  signUp: defineAction({
    accept: 'form',
    input: signUpInput,
    handler: async (input, ctx) => {
      const database = await db();
      const sender = sms(database);
      if (!sender) return smsUnavailable;
      const res = await accounts.signUp(database, sender, input, ip(ctx));
      return res.ok ? { ok: true as const, request: res.request } : res;
    },
  }),
  resendCode: defineAction({
    accept: 'form',
    input: resendCodeInput,
    handler: async (input, ctx) => {
      const database = await db();
      const sender = sms(database);
      if (!sender) return smsUnavailable;
      const res = await accounts.resendSignupCode(database, sender, input.request, ip(ctx));
      return res.ok ? { ok: true as const, request: input.request } : res;
    },
  }),
  confirmPhone: defineAction({
    accept: 'form',
    input: confirmPhoneInput,
    handler: async (input, ctx) => {
      const res = await accounts.confirmPhone(await db(), input);
      if (!res.ok) return res;
      ctx.cookies.set(SESSION_COOKIE, res.token, sessionCookieOptions(secure(ctx), res.expiresAt));
      return { ok: true as const };
    },
  }),
  signIn: defineAction({
    accept: 'form',
    input: signInInput,
    handler: async (input, ctx) => {
      const res = await accounts.signIn(await db(), input, ip(ctx), ctx.cookies.get(DEVICE_COOKIE)?.value ?? null);
      if (!res.ok) return res;
      ctx.cookies.set(SESSION_COOKIE, res.token, sessionCookieOptions(secure(ctx), res.expiresAt));
      if (res.device) ctx.cookies.set(DEVICE_COOKIE, res.device, deviceCookieOptions(secure(ctx)));
      return { ok: true as const };
    },
  }),
  signOut: defineAction({
    accept: 'form',
    input: z.object({ everywhere: z.enum(['1']).optional() }),
    handler: async (input, ctx) => {
      const token = ctx.cookies.get(SESSION_COOKIE)?.value;
      const user = ctx.locals.user;
      const database = await db();
      if (input.everywhere && user && can(user, 'session.revokeAll', { userId: user.id })) await invalidateUserSessions(database, user.id);
      else if (token) await invalidateSession(database, token);
      ctx.cookies.delete(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  }),
  resetStart: defineAction({
    accept: 'form',
    input: resetStartInput,
    handler: async (input, ctx) => {
      const database = await db();
      const sender = sms(database);
      if (!sender) return smsUnavailable;
      const res = await accounts.resetStart(database, sender, input.phone, ip(ctx));
      return res.ok ? { ok: true as const, phone: input.phone } : res;
    },
  }),
  resetConfirm: defineAction({
    accept: 'form',
    input: resetConfirmInput,
    handler: async (input, ctx) => {
      const res = await accounts.resetConfirm(await db(), input);
      if (res.ok) ctx.cookies.delete(SESSION_COOKIE, { path: '/' });
      return res.ok ? { ok: true as const } : res;
    },
  }),
  changePassword: defineAction({
    accept: 'form',
    input: z.object({ current: z.string().min(1, 'err.required').max(128), password: z.string().min(8, 'err.passwordShort').max(128, 'err.passwordLong') }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'account.update', { userId: user.id })) throw forbidden();
      const res = await accounts.changePassword(await db(), user.id, input.current, input.password);
      if (res.ok) ctx.cookies.delete(SESSION_COOKIE, { path: '/' });
      return res.ok ? { ok: true as const } : res;
    },
  }),
};
