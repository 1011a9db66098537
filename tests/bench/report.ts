export interface Row {
  figure: string;
  value: number;
  unit: string;
  budget: number;
  /** true when smaller is better */
  atMost: boolean;
  note?: string;
}

/** Prints each figure, its budget and the ratio (figure ÷ budget); ✓ when within budget. */
export function printReport(rows: Row[]): boolean {
  let ok = true;
  const lines = rows.map((r) => {
    const within = r.atMost ? r.value <= r.budget : r.value >= r.budget;
    ok &&= within;
    const ratio = r.value / r.budget;
    return [
      within ? '✓' : '✗',
      r.figure.padEnd(58),
      `${fmt(r.value)} ${r.unit}`.padStart(16),
      `${r.atMost ? '≤' : '≥'} ${fmt(r.budget)} ${r.unit}`.padStart(18),
      `ratio ${ratio.toFixed(2)}`.padStart(12),
      r.note ? `  ${r.note}` : '',
    ].join(' ');
  });
  console.log(lines.join('\n'));
  return ok;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1));
