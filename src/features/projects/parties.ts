export const PARTY_ROLES = ['design', 'construction', 'supervision', 'property', 'operator'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

/**
 * OC4IDS partyRole codes for our contractor roles. The 0.9 partyRole codelist has no
 * designer / contractor / supervisor / operator codes: every firm contracted to deliver works
 * or services is a 'supplier' (as in the standard's worked example, where the design, build
 * and supervision firms are all suppliers). The subdistrict office is the 'publicAuthority'.
 */
export const OC4IDS_PARTY_ROLE: Record<PartyRole, string> = {
  design: 'supplier',
  construction: 'supplier',
  supervision: 'supplier',
  property: 'supplier',
  operator: 'supplier',
};

/** 统一社会信用代码: 18 characters from the GB 32100-2015 alphabet with its check character. */
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) return null;
    sum += v * USCC_WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export function isValidUscc(code: string): boolean {
  return /^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(code) && usccCheckChar(code.slice(0, 17)) === code[17];
}
