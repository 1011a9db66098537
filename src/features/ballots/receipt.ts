import { randomBytes } from 'node:crypto';

/**
 * Receipt codes: 10 symbols, 50 random bits, grouped ABCD-EFGH-JK. No 0/O or 1/I, which
 * people misread on a printed slip; 32 symbols so that each takes 5 bits without bias.
 */
export const RECEIPT_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const LENGTH = 10;
const CANONICAL = /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}$/;

function group(symbols: string): string {
  return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8)}`;
}

export function newReceipt(): string {
  const bytes = randomBytes(LENGTH);
  let s = '';
  for (const b of bytes) s += RECEIPT_ALPHABET[b & 31];
  return group(s);
}

/** The canonical form only, as stored and published. */
export function receiptValid(code: string): boolean {
  return typeof code === 'string' && CANONICAL.test(code);
}

/** What a voter types into a search box ("abcd efgh jk") → the canonical code, or null. */
export function normaliseReceipt(input: string): string | null {
  const s = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-–—_.]/g, '');
  if (s.length !== LENGTH) return null;
  const code = group(s);
  return receiptValid(code) ? code : null;
}
