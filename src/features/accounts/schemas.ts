import { z } from 'zod';
import { normaliseMobile } from './mobile.ts';

// Messages are dictionary keys; pages show them in the visitor's language.
export const mobile = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const m = normaliseMobile(v);
    if (!m) ctx.addIssue({ code: 'custom', message: 'err.phone' });
    return m ?? '';
  });
const password = z.string().min(8, 'err.passwordShort').max(128, 'err.passwordLong');
const code = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'err.code');

export const signUpInput = z.object({
  phone: mobile,
  displayName: z.string().trim().min(1, 'err.required').max(40, 'err.tooLong'),
  password,
});
/** A sign-up request's token (src/features/accounts/service.ts: signUp), carried by the verify page. */
const request = z
  .string()
  .trim()
  .regex(/^[a-z2-7]{32}$/, 'err.signupExpired');
export const confirmPhoneInput = z.object({ request, code });
export const resendCodeInput = z.object({ request });
export const signInInput = z.object({ phone: mobile, password: z.string().min(1, 'err.required').max(128, 'err.passwordLong') });
export const resetStartInput = z.object({ phone: mobile });
export const resetConfirmInput = z.object({ phone: mobile, code, password });
export const createAdminInput = z.object({ phone: mobile, displayName: z.string().trim().min(1).max(40), password });
