/** Areas are integer 0.01 m² (cm² below); these convert to and from "85.23" without floats. */

/** 8523 → "85.23". Refuses anything but a non-negative safe integer. */
export function formatAreaM2(cm2: number): string {
  if (!Number.isSafeInteger(cm2) || cm2 < 0) throw new RangeError(`not a whole, non-negative number of 0.01 m²: ${cm2}`);
  return `${Math.trunc(cm2 / 100)}.${String(cm2 % 100).padStart(2, '0')}`;
}

/** Exactly two decimals, no sign, no leading zeros: "85.23" → 8523; anything else → null. */
export const AREA_M2_PATTERN = /^(0|[1-9]\d{0,8})\.(\d{2})$/;

export function parseAreaM2(text: string): number | null {
  const m = AREA_M2_PATTERN.exec(text);
  return m ? Number(m[1]) * 100 + Number(m[2]) : null;
}
