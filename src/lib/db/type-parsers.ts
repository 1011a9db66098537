// One place that decides which JavaScript type each SQL type becomes, so that
// PGlite and node-postgres hand the code identical values.
export const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082, TIMESTAMPTZ: 1184, TIMESTAMP: 1114 } as const;

/** int8 → number, refusing silently lossy values (money in fen stays far below 2^53). */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} exceeds the safe integer range`);
  return n;
}

/** numeric stays a string: no float ever enters a legal or money path. */
export const parseNumeric = (text: string): string => text;
/** date stays 'YYYY-MM-DD': a calendar date has no time zone. */
export const parseDate = (text: string): string => text;
export const parseTimestamptz = (text: string): Date => new Date(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));

export const typeParsers: Record<number, (text: string) => unknown> = {
  [OID.INT8]: parseInt8,
  [OID.NUMERIC]: parseNumeric,
  [OID.DATE]: parseDate,
  [OID.TIMESTAMPTZ]: parseTimestamptz,
};
