/**
 * Property-fee schedule after renovation (物业费): the district subsidises at least
 * 0.3 yuan per m² per month for at least 36 months. Amounts in fen per m² per month.
 */
export const MIN_SUBSIDY_FEN_PER_M2_MONTH = 30;
export const MIN_SUBSIDY_MONTHS = 36;

export interface FeeRow {
  beforeFen: number;
  afterFen: number;
  subsidyFenPerM2Month: number;
  subsidyMonths: number;
}

/** The owner's net fee while the subsidy runs; never below zero. */
export function netFeeFen(row: FeeRow): number {
  return Math.max(0, row.afterFen - row.subsidyFenPerM2Month);
}

export function meetsSubsidyFloor(row: FeeRow): boolean {
  return row.subsidyFenPerM2Month >= MIN_SUBSIDY_FEN_PER_M2_MONTH && row.subsidyMonths >= MIN_SUBSIDY_MONTHS;
}

/** A flat's monthly net fee in fen for an area in 0.01 m², rounded half up. */
export function monthlyNetFeeForAreaFen(row: FeeRow, areaCm2: number): number {
  return Math.floor((netFeeFen(row) * areaCm2 + 50) / 100);
}
