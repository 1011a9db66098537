import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isMaskedId, last4, maskId, residentIdCheckChar, validateIdNumber } from '../../src/features/register/id-numbers.ts';

/** ISO 7064 MOD 11-2 written the textbook way (weights 2^(17-i) mod 11), independent of the code under test. */
function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}

function buildId(region: string, birth: string, seq: string): string {
  const first17 = region + birth + seq;
  return first17 + checkChar(first17);
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function buildUscc(first17: string): string {
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * w[i]!;
  return first17 + USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

function otherCheck(c: string): string {
  return c === '0' ? '1' : '0';
}

const codeOf = (r: ReturnType<typeof validateIdNumber>) => (r.ok ? 'ok' : r.code);

describe('resident ID numbers (身份证)', () => {
  it('accepts a fixture ID and rejects it with any other check character', () => {
    expect(validateIdNumber('resident_id', '410411197006145569')).toEqual({ ok: true, normalised: '410411197006145569' });
    for (const c of '012345678X') {
      if (c === '9') continue;
      expect(codeOf(validateIdNumber('resident_id', `41041119700614556${c}`))).toBe('id_check_digit');
    }
  });

  it('builds valid IDs with the helper and fails them when the check digit is mutated', () => {
    for (const [birth, seq] of [
      ['19800101', '001'],
      ['20000229', '123'],
      ['19491001', '999'],
    ] as const) {
      const id = buildId('410411', birth, seq);
      expect(codeOf(validateIdNumber('resident_id', id))).toBe('ok');
      expect(residentIdCheckChar(id.slice(0, 17))).toBe(id[17]);
      const bad = id.slice(0, 17) + otherCheck(id[17]!);
      expect(codeOf(validateIdNumber('resident_id', bad))).toBe('id_check_digit');
    }
  });

  it('handles X as check character and normalises a lower-case x', () => {
    expect(codeOf(validateIdNumber('resident_id', '41041119661107619X'))).toBe('ok');
    expect(validateIdNumber('resident_id', ' 41041119661107619x ')).toEqual({ ok: true, normalised: '41041119661107619X' });
    expect(codeOf(validateIdNumber('resident_id', '41041119661107619Y'))).toBe('id_format');
    expect(codeOf(validateIdNumber('resident_id', '4104111966110761X9'))).toBe('id_format');
  });

  it('checks the birth date', () => {
    expect(codeOf(validateIdNumber('resident_id', buildId('410411', '19990229', '123')))).toBe('id_birth_date');
    expect(codeOf(validateIdNumber('resident_id', buildId('410411', '20000229', '123')))).toBe('ok');
    expect(codeOf(validateIdNumber('resident_id', buildId('410411', '19801301', '123')))).toBe('id_birth_date');
    expect(codeOf(validateIdNumber('resident_id', buildId('410411', '18991231', '123')))).toBe('id_birth_date');
  });

  it('accepts old 15-digit IDs with a valid yymmdd date', () => {
    expect(codeOf(validateIdNumber('resident_id', '410411700614556'))).toBe('ok');
    expect(codeOf(validateIdNumber('resident_id', '410411700231556'))).toBe('id_birth_date');
    expect(codeOf(validateIdNumber('resident_id', '41041170061455X'))).toBe('id_format');
  });

  it('rejects other lengths, empty and masked values', () => {
    expect(codeOf(validateIdNumber('resident_id', '41041119700614556'))).toBe('id_format');
    expect(codeOf(validateIdNumber('resident_id', '4104111970061455690'))).toBe('id_format');
    expect(codeOf(validateIdNumber('resident_id', '  '))).toBe('id_missing');
    expect(codeOf(validateIdNumber('resident_id', '4*************5569'))).toBe('masked_id');
    expect(codeOf(validateIdNumber('passport', 'E1234＊678'))).toBe('masked_id');
  });

  it('never shows a full personal ID number in a message', () => {
    const r = validateIdNumber('resident_id', '410411197006145568');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message.zh).not.toContain('410411197006145568');
      expect(r.message.en).toContain('4*************5568');
    }
  });
});

describe('统一社会信用代码, passports and 港澳台 permits', () => {
  const uscc = buildUscc('91410411MA3X12345');

  it('validates USCC with the shared check from projects/parties.ts', () => {
    expect(codeOf(validateIdNumber('uscc', uscc))).toBe('ok');
    expect(validateIdNumber('uscc', uscc.toLowerCase())).toEqual({ ok: true, normalised: uscc });
    const wrong = uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');
    expect(codeOf(validateIdNumber('uscc', wrong))).toBe('uscc_check_digit');
    expect(codeOf(validateIdNumber('uscc', 'I1410411MA3X12345' + '0'))).toBe('uscc_format');
    expect(codeOf(validateIdNumber('uscc', '91410411'))).toBe('uscc_format');
  });

  it('validates passports: 5–17 letters or digits', () => {
    expect(validateIdNumber('passport', 'e12345678')).toEqual({ ok: true, normalised: 'E12345678' });
    expect(codeOf(validateIdNumber('passport', 'G1234'))).toBe('ok');
    expect(codeOf(validateIdNumber('passport', 'E12'))).toBe('passport_format');
    expect(codeOf(validateIdNumber('passport', 'E1234-5678'))).toBe('passport_format');
    expect(codeOf(validateIdNumber('passport', 'A'.repeat(18)))).toBe('passport_format');
  });

  it('validates 港澳台 permits', () => {
    for (const ok of [
      'H12345678',
      'M1234567890',
      'h12345678',
      '12345678',
      '1234567890',
      buildId('810000', '19900101', '123'),
      buildId('830000', '19851231', '045'),
    ]) {
      expect(codeOf(validateIdNumber('hmt_permit', ok)), ok).toBe('ok');
    }
    const residence = buildId('820000', '19900101', '123');
    expect(codeOf(validateIdNumber('hmt_permit', residence.slice(0, 17) + otherCheck(residence[17]!)))).toBe('id_check_digit');
    expect(codeOf(validateIdNumber('hmt_permit', 'H1234567'))).toBe('hmt_format');
    expect(codeOf(validateIdNumber('hmt_permit', 'X123'))).toBe('hmt_format');
  });
});

describe('masks', () => {
  it('detects masked numbers', () => {
    expect(isMaskedId('4*************5569')).toBe(true);
    expect(isMaskedId('4１＊＊＊5569')).toBe(true);
    expect(isMaskedId('41••••5569')).toBe(true);
    expect(isMaskedId('410411197006145569')).toBe(false);
  });

  it('keeps the first character and the last four', () => {
    expect(maskId('410411197006145569')).toBe('4*************5569');
    expect(maskId('41041119661107619X')).toBe('4*************619X');
    expect(maskId('E12345678')).toBe('E****5678');
    expect(maskId('123456')).toBe('1****6');
    expect(maskId('')).toBe('');
    for (const v of ['410411197006145569', 'E12345678', '12', 'AB1234']) {
      expect(maskId(v)).toHaveLength(v.length);
      expect(isMaskedId(maskId(v))).toBe(true);
    }
  });

  it('gives the last four characters, normalised', () => {
    expect(last4(' 41041119661107619x ')).toBe('619X');
  });
});

describe('properties', () => {
  const DAY = 86_400_000;
  const from = Date.UTC(1900, 0, 1);
  const to = Date.UTC(2099, 11, 31);
  const idArb = fc
    .record({
      region: fc.integer({ min: 110000, max: 829999 }),
      day: fc.integer({ min: 0, max: Math.floor((to - from) / DAY) }),
      seq: fc.integer({ min: 0, max: 999 }),
    })
    .map(({ region, day, seq }) => {
      const birth = new Date(from + day * DAY).toISOString().slice(0, 10).replaceAll('-', '');
      return buildId(String(region), birth, String(seq).padStart(3, '0'));
    });

  it('every ID from a correct generator validates', () => {
    fc.assert(fc.property(idArb, (id) => codeOf(validateIdNumber('resident_id', id)) === 'ok'));
  });

  it('changing any single character of an 18-digit ID makes it fail', () => {
    fc.assert(
      fc.property(idArb, fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'0123456789X'), (id, pos, c) => {
        fc.pre(id[pos] !== c);
        const mutated = id.slice(0, pos) + c + id.slice(pos + 1);
        return !validateIdNumber('resident_id', mutated).ok;
      }),
      { numRuns: 2000 },
    );
  });
});
