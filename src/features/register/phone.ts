import type { Message } from './model.ts';

export type PhoneCheck = { ok: true; normalised: string; kind: 'mobile' | 'landline' } | { ok: false; code: string; message: Message };

const MOBILE = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/;
/**
 * Area codes: 3 digits for 010 and 02x, 4 digits for the rest (03x–09x). Local numbers are
 * 7–8 digits and never start with 0 or 1; an extension follows a dash.
 */
const LANDLINE = /^\(?(01\d|02\d|0[3-9]\d{2})\)?-?([2-9]\d{6,7})(?:-(\d{1,6}))?$/;

/**
 * Messages never quote the number (faults are stored with an import preview).
 * Mainland mobile (optional +86/0086, spaces and dashes ignored) → "13812341234";
 * landline with area code → "0375-1234567" or "0375-1234567-123".
 */
export function validatePhone(text: string): PhoneCheck {
  const t = text.normalize('NFKC').trim();
  if (/[*•●]/.test(t)) {
    return {
      ok: false,
      code: 'masked_phone',
      message: { zh: '电话号码已脱敏（含 *），不能导入', en: 'Phone number is masked (contains *) and cannot be imported' },
    };
  }
  const mobile = MOBILE.exec(t.replace(/[\s-]/g, ''));
  if (mobile) return { ok: true, normalised: mobile[1]!, kind: 'mobile' };
  const land = LANDLINE.exec(t.replace(/\s/g, '').replace(/^(?:\+86|0086)-?/, '0'));
  if (land) {
    const [, area, local, ext] = land;
    return { ok: true, normalised: `${area}-${local}${ext ? `-${ext}` : ''}`, kind: 'landline' };
  }
  return {
    ok: false,
    code: 'phone_invalid',
    message: {
      zh: '电话号码格式错误（应为11位手机号或带区号的固定电话）',
      en: 'Phone number is malformed (an 11-digit mobile or a landline with area code expected)',
    },
  };
}

/** Mobile: 138****1234; landline: area code and last two digits of the number (0375-*****67). */
export function maskPhone(phone: string): string {
  const v = validatePhone(phone);
  if (!v.ok) return phone.length <= 2 ? '*'.repeat(phone.length) : '*'.repeat(phone.length - 2) + phone.slice(-2);
  const p = v.normalised;
  if (v.kind === 'mobile') return `${p.slice(0, 3)}****${p.slice(-4)}`;
  const [area, local, ext] = p.split('-') as [string, string, string | undefined];
  return `${area}-${'*'.repeat(local.length - 2)}${local.slice(-2)}${ext ? `-${'*'.repeat(ext.length)}` : ''}`;
}
