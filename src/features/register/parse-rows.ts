import { hasErrors, rowError, rowWarning } from './faults.ts';
import { mapHeaders, withFileHeaders } from './headers.ts';
import type { ParseResult, RegisterRow, RowFault } from './model.ts';
import { parseLine } from './parse-line.ts';

const isBlank = (cells: readonly string[] | undefined): boolean => !cells || cells.every((c) => c.trim() === '');

/**
 * The household register from a table: table[0] is the header (file line 1), table[i] is
 * file line i + 1. Every fault of every line is reported; a line with an error yields no
 * row; an error on line 1 (header) yields no rows at all. Blank lines are skipped.
 * Across lines: a flat (estate + building + entrance + room) listed again is a
 * 'duplicate_flat' error on the later line (the first line counts as the flat's line even if
 * it has faults of its own), and an ID number seen with two different names is an
 * 'owner_name_conflict' warning. A file with any masked ID number (an export of ours, see
 * writeXlsx) is refused whole: 'masked_export' on line 1 and no rows.
 */
export function parseRegister(table: readonly (readonly string[])[]): ParseResult {
  const dataLines = table.slice(1).filter((cells) => !isBlank(cells)).length;
  const header = table[0];
  if (isBlank(header)) {
    const message = { zh: '第1行应为表头，但为空', en: 'Line 1 should hold the column headers but is empty' };
    return { rows: [], faults: [rowError(1, null, 'header_missing', message)], dataLines };
  }
  const { columns, faults: headerFaults } = mapHeaders(header!);
  const named = (list: readonly RowFault[]) => withFileHeaders(list, header!, columns);
  const faults: RowFault[] = [...headerFaults];
  if (hasErrors(headerFaults)) return { rows: [], faults: named(faults), dataLines };

  const rows: RegisterRow[] = [];
  const flatLine = new Map<string, number>();
  const ownerSeen = new Map<string, { name: string; line: number }>();
  for (let i = 1; i < table.length; i++) {
    const cells = table[i]!;
    if (isBlank(cells)) continue;
    const line = i + 1;
    const result = parseLine(cells, columns, line);
    faults.push(...result.faults);
    let row = result.row;
    if (result.flatKey !== null) {
      const first = flatLine.get(result.flatKey);
      if (first === undefined) flatLine.set(result.flatKey, line);
      else {
        faults.push(
          rowError(line, null, 'duplicate_flat', {
            zh: `同一房屋已在第${first}行列出`,
            en: `The same flat is already listed on line ${first}`,
          }),
        );
        row = null;
      }
    }
    if (!row) continue;
    for (const o of row.owners) {
      const key = `${o.idType}:${o.idNumber}`;
      const prev = ownerSeen.get(key);
      if (!prev) ownerSeen.set(key, { name: o.name, line });
      else if (prev.name !== o.name) {
        faults.push(
          rowWarning(line, 'owner_names', 'owner_name_conflict', {
            zh: `同一证件号码的业主在第${prev.line}行的姓名与本行不同`,
            en: `The owner with this ID number has a different name on line ${prev.line}`,
          }),
        );
      }
    }
    rows.push(row);
  }
  if (faults.some((f) => f.code === 'masked_id')) {
    const message = {
      zh: '文件含已脱敏的证件号码，应为导出文件，整份不能导入',
      en: 'The file holds masked ID numbers: it is an export and cannot be imported',
    };
    return { rows: [], faults: named([rowError(1, 'id_numbers', 'masked_export', message), ...faults]), dataLines };
  }
  return { rows, faults: named(faults), dataLines };
}
