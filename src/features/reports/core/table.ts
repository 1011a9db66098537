import type { Lang, Translate } from '../../../i18n/index.ts';
import { pick } from '../../../i18n/index.ts';
import { fenToDecimal, formatYuan } from '../../funding/money.ts';
import { ratioHalfUp2 } from '../../ratings/core/decimal.ts';
import type { Figures, ReportColumn } from '../queries/month.ts';
import { figureKind, SECTIONS, type FigureKey, type SectionId } from './figures.ts';

/** One cell: `value` goes to the spreadsheet (a number, yuan for money, hours for time), `text` to the page and the CSV. */
export interface Cell {
  value: number | null;
  text: string;
}
export interface Row {
  key: FigureKey | 'ratings.mean';
  label: string;
  cells: Cell[];
}
export interface Section {
  id: SectionId;
  title: string;
  rows: Row[];
}
export interface ReportTable {
  month: string;
  /** column headings: the district first (when shown), then the subdistricts */
  columns: { code: string | null; name: string }[];
  sections: Section[];
}

/** A figure as every output writes it: money as yuan with two decimals, minutes as hours with two. */
export function cell(key: FigureKey, n: number, plain = false): Cell {
  const kind = figureKind(key);
  if (kind === 'fen') return { value: n / 100, text: plain ? fenToDecimal(n) : formatYuan(n) };
  if (kind === 'minutes') {
    const hours = ratioHalfUp2(n, 60);
    return { value: Number(hours), text: hours };
  }
  return { value: n, text: String(n) };
}

/** The mean of the goal ratings given in the month, half up to 2 decimals; "—" when none. */
export function meanCell(f: Figures): Cell {
  if (f['ratings.goalCount'] === 0) return { value: null, text: '—' };
  const mean = ratioHalfUp2(f['ratings.goalSum'], f['ratings.goalCount']);
  return { value: Number(mean), text: mean };
}

/**
 * The report of one month as a table: a section per topic, a row per figure, a cell per
 * column. The page, the XLSX and the CSV all print this, so they cannot differ. `plain`
 * writes money without thousands separators (the CSV).
 */
export function reportTable(columns: readonly ReportColumn[], month: string, lang: Lang, t: Translate, plain = false): ReportTable {
  const figures = columns.map((c) => c.months.get(month)!);
  return {
    month,
    // the total is named by monthlyFigures: 全区 / District, or 全省 / Province for the roll-up
    columns: columns.map((c) => ({ code: c.code, name: pick(lang, c.name, c.nameEn) })),
    sections: SECTIONS.map((s) => {
      const rows: Row[] = (s.figures as readonly FigureKey[]).map((key) => ({
        key,
        label: t(`report.fig.${key}`),
        cells: figures.map((f) => cell(key, f[key], plain)),
      }));
      if (s.id === 'ratings') rows.push({ key: 'ratings.mean', label: t('report.fig.ratings.mean'), cells: figures.map(meanCell) });
      return { id: s.id, title: t(`report.section.${s.id}`), rows };
    }),
  };
}
