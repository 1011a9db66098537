import { ratioHalfUp2 } from './decimal.ts';

/** households that rated ÷ households on the roll, as a percentage with 2 decimals, half up; "—" without a roll. */
export const responseRate = (responses: number, households: number): string => (households > 0 ? `${ratioHalfUp2(100 * responses, households)}%` : '—');

/** The last day one may revise, as the Asia/Shanghai calendar date whose 24:00 is `reviseUntil`. */
export const lastDay = (reviseUntil: Date): string => new Date(reviseUntil.getTime() - 1 + 8 * 3_600_000).toISOString().slice(0, 10);
