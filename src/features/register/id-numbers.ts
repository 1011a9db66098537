import { isValidUscc, usccCheckChar } from '../projects/parties.ts';
import type { IdType, Message } from './model.ts';

export type IdCheck = { ok: true; normalised: string } | { ok: false; code: string; message: Message };

const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_CHECK = '10X98765432';

/** ISO 7064 MOD 11-2 check character of an 18-character resident ID (GB 11643-1999). */
export function residentIdCheckChar(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_WEIGHTS[i]!;
  return RESIDENT_CHECK[sum % 11]!;
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

const MASK_CHARS = /[*＊•●]/;

/** True when the text was exported with a mask (files with masked IDs must not be re-imported). */
export function isMaskedId(value: string): boolean {
  return MASK_CHARS.test(value);
}

/** First character and last four kept, stars between: 410411197006145569 → 4*************5569. */
export function maskId(value: string): string {
  const v = value.trim();
  if (v.length === 0) return '';
  if (v.length <= 2) return '*'.repeat(v.length);
  const keepEnd = v.length > 6 ? 4 : 1;
  return v[0] + '*'.repeat(v.length - 1 - keepEnd) + v.slice(-keepEnd);
}

/** Last four characters of the normalised number (for "尾号" confirmations). */
export function last4(value: string): string {
  return normaliseId(value).slice(-4);
}

function normaliseId(value: string): string {
  return value.normalize('NFKC').trim().toUpperCase();
}

/** Messages show personal ID numbers masked: faults end up in logs and screens. */
const fail = (code: string, zh: string, en: string): IdCheck => ({ ok: false, code, message: { zh, en } });

/** 18-digit ID (身份证, also the 港澳台居民居住证 81/82/83…) or the old 15-digit one. */
function checkResidentId(v: string): IdCheck {
  if (/^\d{17}[\dX]$/.test(v)) {
    const y = Number(v.slice(6, 10));
    if (y < 1900 || y > 2099 || !isCalendarDate(y, Number(v.slice(10, 12)), Number(v.slice(12, 14)))) {
      return fail('id_birth_date', `身份证号码 ${maskId(v)} 中的出生日期无效`, `ID number ${maskId(v)} contains an invalid birth date`);
    }
    if (residentIdCheckChar(v.slice(0, 17)) !== v[17]) {
      return fail('id_check_digit', `身份证号码 ${maskId(v)} 校验位错误`, `ID number ${maskId(v)} has a wrong check digit`);
    }
    return { ok: true, normalised: v };
  }
  if (/^\d{15}$/.test(v)) {
    if (!isCalendarDate(1900 + Number(v.slice(6, 8)), Number(v.slice(8, 10)), Number(v.slice(10, 12)))) {
      return fail('id_birth_date', `身份证号码 ${maskId(v)} 中的出生日期无效`, `ID number ${maskId(v)} contains an invalid birth date`);
    }
    return { ok: true, normalised: v };
  }
  return fail('id_format', `身份证号码 ${maskId(v)} 格式错误（应为18位或15位）`, `ID number ${maskId(v)} is malformed (18 or 15 characters expected)`);
}

function checkUscc(v: string): IdCheck {
  if (isValidUscc(v)) return { ok: true, normalised: v };
  if (/^[0-9A-Z]{18}$/.test(v) && usccCheckChar(v.slice(0, 17)) !== null) {
    return fail('uscc_check_digit', `统一社会信用代码 ${v} 校验位错误`, `Unified social credit code ${v} has a wrong check character`);
  }
  return fail('uscc_format', `统一社会信用代码 ${v} 格式错误`, `Unified social credit code ${v} is malformed`);
}

function checkPassport(v: string): IdCheck {
  if (/^[A-Z0-9]{5,17}$/.test(v)) return { ok: true, normalised: v };
  return fail('passport_format', `护照号码 ${maskId(v)} 格式错误`, `Passport number ${maskId(v)} is malformed`);
}

/**
 * 港澳台居民证件: 港澳居民来往内地通行证 (H/M + 8 or 10 digits), 台湾居民来往大陆通行证
 * (8 digits, or the older 10 characters), 港澳台居民居住证 (18 digits from 81/82/83 with
 * the resident-ID check character).
 */
function checkHmt(v: string): IdCheck {
  if (/^[HM]\d{8}(\d{2})?$/.test(v) || /^\d{8}$/.test(v) || /^[0-9A-Z]{10}$/.test(v)) return { ok: true, normalised: v };
  if (/^8[123]\d{15}[\dX]$/.test(v)) return checkResidentId(v);
  return fail('hmt_format', `港澳台居民证件号码 ${maskId(v)} 格式错误`, `Hong Kong/Macao/Taiwan permit number ${maskId(v)} is malformed`);
}

/** Validates one ID number for its type; the normalised form is trimmed and upper-case. */
export function validateIdNumber(type: IdType, value: string): IdCheck {
  if (isMaskedId(value)) {
    return fail('masked_id', '证件号码已脱敏（含 *），脱敏导出的文件不能再导入', 'ID number is masked (contains *): a masked export cannot be re-imported');
  }
  const v = normaliseId(value);
  if (v === '') return fail('id_missing', '证件号码为空', 'ID number is empty');
  switch (type) {
    case 'resident_id':
      return checkResidentId(v);
    case 'uscc':
      return checkUscc(v);
    case 'passport':
      return checkPassport(v);
    case 'hmt_permit':
      return checkHmt(v);
  }
}
