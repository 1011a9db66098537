/** Money is integer fen everywhere; these turn it into text without floats. */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** Plain decimal string, as open data wants it: "1234.50". */
export function fenToDecimal(fen: number): string {
  return formatYuan(fen).replaceAll(',', '');
}

/** "万元" figures for headlines, rounded half up to two decimals, integer arithmetic only. */
export function formatWanYuan(fen: number): string {
  // 0.01 万元 = 100 yuan = 10,000 fen: one rounding step, never two.
  return fenToDecimal(Math.floor((fen + 5_000) / 10_000));
}

/** Parses "1234", "1234.5" or "1234.56" into fen; anything else is null. */
export function parseYuan(text: string): number | null {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * Each part's share of the total in tenths of a percent, summing to exactly 1000 when the
 * total is positive (largest remainder; ties go to the earlier part).
 */
export function sharesPerMille(parts: number[]): number[] {
  const total = parts.reduce((a, b) => a + b, 0);
  if (total <= 0) return parts.map(() => 0);
  const floors = parts.map((p) => Math.floor((p * 1000) / total));
  let left = 1000 - floors.reduce((a, b) => a + b, 0);
  const order = parts.map((p, i) => ({ i, rem: (p * 1000) % total })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]! += 1;
    left--;
  }
  return floors;
}
