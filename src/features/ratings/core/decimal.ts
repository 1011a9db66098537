// Exact decimals from integers: a ratio rounded half up to 2 decimals, as a string.

/** p ÷ q (q > 0, p ≥ 0) rounded half up to hundredths, e.g. (9, 2) → "4.50", (33, 8) → "4.13". */
export function ratioHalfUp2(p: bigint | number, q: bigint | number): string {
  const n = BigInt(p);
  const d = BigInt(q);
  if (d <= 0n || n < 0n) throw new RangeError('ratioHalfUp2 takes p ≥ 0 and q > 0');
  // floor(100p/q + 1/2) = floor((200p + q) / 2q)
  const hundredths = (200n * n + d) / (2n * d);
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`;
}
