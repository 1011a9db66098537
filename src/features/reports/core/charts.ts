import type { ReportColumn } from '../queries/month.ts';
import type { FigureKey } from './figures.ts';
import { cell } from './table.ts';

/** The monthly figures /admin charts over the last 12 months, in this order. */
export const CHART_FIGURES = [
  'projects.started',
  'projects.finished',
  'money.residentsPaid',
  'money.donorsPaid',
  'votes.held',
  'consultations.comments',
  'volunteers.minutes',
  'ratings.new',
] as const satisfies readonly FigureKey[];

export interface Bar {
  month: string;
  /** the figure as the report writes it (yuan, hours) */
  text: string;
  y: number;
  width: number;
}
export interface Chart {
  key: FigureKey;
  width: number;
  height: number;
  /** where the bars start (after the month labels) */
  left: number;
  rowHeight: number;
  barHeight: number;
  bars: Bar[];
}

const WIDTH = 600;
const LEFT = 96;
const VALUE_ROOM = 170;
const ROW = 36;

/**
 * A horizontal bar chart of one figure of a column, a row per month: the month written at
 * the left, the bar's length in proportion to the figure, the figure written at its end.
 * Readable without colour: the bars are hatched and every value is written out.
 */
export function barChart(column: ReportColumn, key: FigureKey): Chart {
  const months = [...column.months.keys()];
  const values = months.map((m) => column.months.get(m)![key]);
  const max = Math.max(1, ...values);
  const usable = WIDTH - LEFT - VALUE_ROOM;
  return {
    key,
    width: WIDTH,
    height: months.length * ROW + 8,
    left: LEFT,
    rowHeight: ROW,
    barHeight: ROW - 12,
    bars: months.map((month, i) => ({
      month,
      text: cell(key, values[i]!).text,
      y: 4 + i * ROW,
      width: values[i]! === 0 ? 0 : Math.max(3, Math.round((values[i]! / max) * usable)),
    })),
  };
}
