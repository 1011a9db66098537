import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../../lib/files/spreadsheet-cell.ts';
import type { Translate } from '../../i18n/index.ts';
import type { ReportTable } from './core/table.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The first three cells of every figure line: section, figure key (stable, for machines) and label. */
const head = (t: Translate) => [t('report.col.section'), t('report.col.key'), t('report.col.figure')];

/**
 * The month's report as .xlsx: a title line, a heading line, then a line per figure with a
 * column per subdistrict (the district first). Money is a number in yuan with two decimals,
 * time in hours; names are neutralised against spreadsheet formulas.
 */
export async function reportWorkbook(table: ReportTable, title: string, t: Translate): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(table.month);
  sheet.addRow([neutraliseCell(title)]);
  sheet.addRow([...head(t), ...table.columns.map((c) => neutraliseCell(c.name))]);
  sheet.getRow(2).font = { bold: true };
  for (const s of table.sections) {
    for (const r of s.rows) {
      const row = sheet.addRow([s.title, r.key, r.label, ...r.cells.map((c) => c.value ?? '')]);
      const money = r.key.startsWith('budget.') || r.key.startsWith('money.') || r.key === 'pledges.amount';
      if (money || r.key === 'volunteers.minutes' || r.key === 'ratings.mean') {
        row.eachCell((c, i) => {
          if (i > 3) c.numFmt = '0.00';
        });
      }
    }
  }
  sheet.getColumn(1).width = 14;
  sheet.getColumn(2).width = 26;
  sheet.getColumn(3).width = 30;
  for (let i = 4; i < 4 + table.columns.length; i++) sheet.getColumn(i).width = 14;
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as unknown as Uint8Array);
}

/** The same lines as CSV (UTF-8 with BOM), the figures written as on the page without thousands separators. */
export function reportCsv(table: ReportTable, t: Translate): string {
  const lines = [[...head(t), ...table.columns.map((c) => neutraliseCell(c.name))]];
  for (const s of table.sections) for (const r of s.rows) lines.push([s.title, r.key, r.label, ...r.cells.map((c) => c.text)]);
  return '\ufeff' + stringify(lines);
}
