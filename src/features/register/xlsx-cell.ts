import type { CellValue } from 'exceljs';

/**
 * A spreadsheet cell as the text a person sees in it: numbers in plain notation (85.2 →
 * "85.2"; integers beyond 2^53 digit for digit as stored, never "4.1e+17" — Excel itself
 * keeps only 15 significant digits, so an 18-digit ID typed as a number has already lost
 * its last digits and then fails its check), rich text joined, formulas as their result,
 * hyperlinks as their text, dates as ISO dates (with time only when not midnight).
 */
export function cellText(value: CellValue | unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) && !Number.isSafeInteger(value) ? BigInt(value).toString() : String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return v.richText.map((r: { text?: unknown }) => cellText(r.text)).join('');
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result);
    if ('hyperlink' in v || 'text' in v) return cellText(v.text);
    if (typeof v.error === 'string') return v.error;
  }
  return String(value);
}
