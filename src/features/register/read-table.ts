import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { formatAreaCm2 } from './area.ts';
import { COLUMNS, type ColumnKey } from './headers.ts';
import { maskId } from './id-numbers.ts';
import { AREA_SOURCE_LABELS, ID_TYPE_LABELS } from './labels.ts';
import type { RegisterRow } from './model.ts';
import { maskPhone } from './phone.ts';
import { cellText } from './xlsx-cell.ts';
import { neutraliseCell } from '../../lib/files/spreadsheet-cell.ts';

/** UTF-8 (BOM optional) when the bytes are valid UTF-8, else GB18030 (Excel's "CSV" on Chinese Windows). */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('gb18030').decode(bytes);
  }
  return text.replace(/^\uFEFF/, '');
}

/**
 * CSV bytes → table with table[i] = file line i + 1. A quoted cell spanning several lines
 * puts its record on the line where it starts and leaves blank rows for the lines it covers,
 * so line numbers in faults stay those of the file.
 */
export function readCsv(bytes: Uint8Array): string[][] {
  const lastLines: number[] = [];
  const records = parse(decodeText(bytes), {
    relax_column_count: true,
    skip_empty_lines: false,
    on_record: (record: string[], context) => {
      lastLines.push(context.lines); // the line the record ends on
      return record;
    },
  });
  const table: string[][] = [];
  let firstLine = 1;
  records.forEach((record, i) => {
    const lastLine = lastLines[i] ?? firstLine;
    table[firstLine - 1] = record;
    for (let l = firstLine + 1; l <= lastLine; l++) table[l - 1] = [];
    firstLine = lastLine + 1;
  });
  return table;
}

/** First worksheet of an .xlsx file → table of cell texts (table[i] = sheet row i + 1). */
export async function readXlsx(bytes: Uint8Array): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes.slice().buffer); // exceljs types its input as ArrayBuffer-like
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value));
    table[rowNumber - 1] = cells;
  });
  for (let i = 0; i < table.length; i++) table[i] ??= [];
  return table;
}

function exportValue(row: RegisterRow, key: ColumnKey, unmasked: boolean): string | number {
  switch (key) {
    case 'estate':
      return row.estate ?? '';
    case 'building':
      return row.building;
    case 'entrance':
      return row.entrance;
    case 'floor':
      return row.floor;
    case 'room':
      return row.room;
    case 'area_m2':
      return formatAreaCm2(row.areaCm2);
    case 'area_source':
      return AREA_SOURCE_LABELS[row.areaSource];
    case 'owner_names':
      return row.owners.map((o) => o.name).join(';');
    case 'id_types':
      return row.owners.map((o) => ID_TYPE_LABELS[o.idType]).join(';');
    case 'id_numbers':
      return row.owners.map((o) => maskId(o.idNumber)).join(';');
    case 'phone': {
      // one phone per owner, like the names; masked unless staff gave a reason
      const show = (p: string) => (unmasked ? p : maskPhone(p));
      if (row.owners.some((o) => o.phone)) return row.owners.map((o) => (o.phone ? show(o.phone) : '')).join(';');
      return row.phone === null ? '' : show(row.phone);
    }
    case 'developer_held':
      return row.developerHeld ? '是' : '否';
  }
}

/**
 * The register as an .xlsx sheet with the Chinese headers, for offices to check. ID numbers
 * and phones are masked, so the file cannot be imported again (masked_id / masked_phone).
 * `unmasked` (staff gave a reason, which is audited) shows phones in full; ID numbers are
 * never stored in clear, so they stay masked and the file still cannot be imported again.
 * Text that could start a formula (= + - @) gets a leading apostrophe (formula injection).
 * Areas are written as text ("85.20") so Excel shows them exactly.
 */
export async function writeXlsx(rows: readonly RegisterRow[], { unmasked = false }: { unmasked?: boolean } = {}): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(unmasked ? '业主名册（含电话）' : '业主名册（已脱敏）');
  sheet.addRow(COLUMNS.map((c) => c.zh));
  for (const row of rows)
    sheet.addRow(
      COLUMNS.map((c) => {
        const value = exportValue(row, c.key, unmasked);
        return typeof value === 'string' ? neutraliseCell(value) : value; // names and labels never start a formula
      }),
    );
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((col) => {
    col.width = 14;
  });
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as unknown as Uint8Array); // a Node Buffer at run time
}
