import { rowError, rowWarning } from './faults.ts';
import type { RowFault } from './model.ts';

export type ColumnKey =
  'estate' | 'building' | 'entrance' | 'floor' | 'room' | 'area_m2' | 'area_source' | 'owner_names' | 'id_types' | 'id_numbers' | 'phone' | 'developer_held';

export interface ColumnSpec {
  key: ColumnKey;
  /** Header written in exports and shown in messages. */
  zh: string;
  required: boolean;
  /** Other accepted headers besides zh and key. */
  aliases: string[];
}

/**
 * The register's columns in export order. Required: building, entrance, floor, room, area,
 * owner names and ID numbers; the rest default (no estate, 登记, 身份证, no phone, 否).
 */
export const COLUMNS: readonly ColumnSpec[] = [
  { key: 'estate', zh: '小区', required: false, aliases: ['小区名称'] },
  { key: 'building', zh: '楼栋', required: true, aliases: ['楼栋号', '楼号'] },
  { key: 'entrance', zh: '单元', required: true, aliases: ['单元号'] },
  { key: 'floor', zh: '楼层', required: true, aliases: [] },
  { key: 'room', zh: '房号', required: true, aliases: ['房间号'] },
  { key: 'area_m2', zh: '专有面积', required: true, aliases: ['面积', '专有部分面积', 'area'] },
  { key: 'area_source', zh: '面积来源', required: false, aliases: [] },
  { key: 'owner_names', zh: '业主姓名', required: true, aliases: ['业主', 'owner_name'] },
  { key: 'id_types', zh: '证件类型', required: false, aliases: ['id_type'] },
  { key: 'id_numbers', zh: '证件号码', required: true, aliases: ['身份证号', '身份证号码', 'id_number'] },
  { key: 'phone', zh: '电话', required: false, aliases: ['联系电话', '手机'] },
  { key: 'developer_held', zh: '开发商持有', required: false, aliases: [] },
];

export type ColumnMap = Partial<Record<ColumnKey, number>>;

/** Case-, width- and space-insensitive; "_" and "-" ignored too. */
function squash(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\uFEFF/g, '')
    .toLowerCase()
    .replace(/[\s_-]/g, '');
}

/** "专有面积（m²）" matches as "专有面积m2" and as "专有面积" (unit in parentheses dropped). */
function candidates(text: string): string[] {
  const s = squash(text);
  return [s.replace(/[()]/g, ''), s.replace(/\([^)]*\)/g, '')];
}

const LOOKUP = new Map<string, ColumnKey>();
for (const c of COLUMNS) for (const name of [c.key, c.zh, ...c.aliases]) LOOKUP.set(squash(name), c.key);

export function columnLabel(key: ColumnKey | string): string {
  return COLUMNS.find((c) => c.key === key)?.zh ?? key;
}

const isColumnKey = (k: string): k is ColumnKey => COLUMNS.some((c) => c.key === k);

/**
 * Names each fault's column the way the office's own file does ("面积", "area_m2" or
 * "专有部分面积（㎡）"), not by our internal key; a column the file lacks gets its standard name.
 */
export function withFileHeaders(faults: readonly RowFault[], header: readonly string[], columns: ColumnMap): RowFault[] {
  return faults.map((f) => {
    if (f.column === null || f.header !== undefined) return f;
    if (!isColumnKey(f.column)) return { ...f, header: f.column }; // an unknown column: already the file's text
    const i = columns[f.column];
    const text = i === undefined ? '' : (header[i] ?? '').replace(/\uFEFF/g, '').trim();
    return { ...f, header: text || columnLabel(f.column) };
  });
}

/**
 * Maps the header row (file line 1) to column positions. Missing required columns and a
 * column given twice are errors on line 1; an unknown column is ignored with a warning.
 */
export function mapHeaders(header: readonly string[]): { columns: ColumnMap; faults: RowFault[] } {
  const columns: ColumnMap = {};
  const faults: RowFault[] = [];
  header.forEach((text, index) => {
    const raw = text.replace(/\uFEFF/g, '').trim();
    if (raw === '') return;
    const key = candidates(raw)
      .map((c) => LOOKUP.get(c))
      .find((k) => k !== undefined);
    if (key === undefined) {
      faults.push(
        rowWarning(1, raw, 'unknown_column', {
          zh: `未知列“${raw}”，已忽略`,
          en: `Unknown column "${raw}" ignored`,
        }),
      );
    } else if (columns[key] !== undefined) {
      faults.push(
        rowError(1, key, 'duplicate_column', {
          zh: `列“${columnLabel(key)}”出现了两次（第${columns[key]! + 1}列和第${index + 1}列“${raw}”）`,
          en: `Column "${columnLabel(key)}" appears twice (columns ${columns[key]! + 1} and ${index + 1}, "${raw}")`,
        }),
      );
    } else {
      columns[key] = index;
    }
  });
  for (const c of COLUMNS) {
    if (c.required && columns[c.key] === undefined) {
      faults.push(
        rowError(1, c.key, 'missing_column', {
          zh: `缺少必填列“${c.zh}”`,
          en: `Required column "${c.zh}" (${c.key}) is missing`,
        }),
      );
    }
  }
  return { columns, faults };
}
