import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parseRegister } from '../../src/features/register/parse-rows.ts';
import { fixture } from '../support/fixtures.ts';
import { readCsv, readXlsx, writeXlsx } from '../../src/features/register/read-table.ts';
import { COLUMNS } from '../../src/features/register/headers.ts';
import type { ParseResult } from '../../src/features/register/model.ts';

const fixtureBytes = fs.readFileSync(fixture('register-sample.csv'));
const fixtureText = fixtureBytes.toString('utf8');
const utf8 = (s: string) => new TextEncoder().encode(s);
const parseCsv = (s: string) => parseRegister(readCsv(utf8(s)));
const pairs = (r: ParseResult) => r.faults.map((f) => [f.line, f.code]);

const HEADER = '楼栋,单元,楼层,房号,专有面积,业主姓名,身份证号,电话,开发商持有';
const ID_A = '410411197006145569';
const ID_B = '41041119661107619X';
const ID_C = '410411199510187652';

/** A GBK encoder for tests: every two-byte GBK code decoded once with Node's gb18030 decoder. */
function gbkEncoder(): (text: string) => Uint8Array {
  const table = new Map<string, [number, number]>();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  return (text) => {
    const out: number[] = [];
    for (const ch of text) {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) out.push(code);
      else {
        const bytes = table.get(ch);
        if (!bytes) throw new Error(`not in GBK: ${ch}`);
        out.push(...bytes);
      }
    }
    return new Uint8Array(out);
  };
}

describe('the fixture register (tests/fixtures/register-sample.csv)', () => {
  const result = parseRegister(readCsv(fixtureBytes));

  it('imports exactly the 72 good flats out of 82 data lines', () => {
    expect(result.rows).toHaveLength(72);
    expect(result.dataLines).toBe(82);
    expect(result.rows.every((r) => r.line >= 2 && r.line <= 73)).toBe(true);
  });

  it('reports exactly the ten faults of the README, each on its line', () => {
    expect(result.faults.map((f) => [f.line, f.code, f.column])).toEqual([
      [74, 'area_missing', 'area_m2'],
      [75, 'area_invalid', 'area_m2'],
      [76, 'area_not_positive', 'area_m2'],
      [77, 'area_too_precise', 'area_m2'],
      [78, 'duplicate_flat', null],
      [79, 'id_check_digit', 'id_numbers'],
      [80, 'id_count_mismatch', 'id_numbers'],
      [81, 'floor_invalid', 'floor'],
      [82, 'phone_invalid', 'phone'],
      [83, 'owner_missing', 'owner_names'],
    ]);
    for (const f of result.faults) {
      expect(f.severity).toBe('error');
      expect(f.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(f.message.en).toMatch(/[a-z]/);
    }
    expect(result.faults[4]!.message.en).toContain('line 50'); // 3-1-101 first appears on line 50
    expect(result.faults[4]!.message.zh).toContain('第50行');
  });

  it('parses areas exactly, keeps text addresses and defaults', () => {
    const first = result.rows[0]!;
    expect(first).toEqual({
      line: 2,
      estate: null,
      building: '1',
      entrance: '1',
      floor: 1,
      room: '101',
      areaCm2: 10276,
      areaSource: 'registered',
      owners: [{ name: '高涛', idType: 'resident_id', idNumber: ID_A, phone: '14662995603' }],
      phone: '14662995603',
      developerHeld: false,
    });
    expect(result.rows.find((r) => r.line === 3)!.areaCm2).toBe(5950);
  });

  it('has co-owned flats with two owners each', () => {
    const coOwned = result.rows.filter((r) => r.owners.length > 1);
    expect(coOwned.length).toBe(7); // line 80 is co-owned too, but faulty
    for (const r of coOwned) expect(r.owners).toHaveLength(2);
    expect(result.rows.find((r) => r.line === 4)!.owners.map((o) => o.name)).toEqual(['杨明', '林芳']);
  });

  it('has owners of several flats with the same ID on several rows', () => {
    const flatsOf = (id: string) => result.rows.filter((r) => r.owners.some((o) => o.idNumber === id)).map((r) => `${r.building}-${r.entrance}-${r.room}`);
    expect(flatsOf('410411194404042860')).toEqual(['1-2-202', '2-1-401', '3-2-601']);
    expect(flatsOf('410411199307203119')).toEqual(['2-1-502', '3-1-402']);
  });

  it('has developer-held flats without owners', () => {
    const held = result.rows.filter((r) => r.developerHeld);
    expect(held.map((r) => `${r.building}-${r.entrance}-${r.room}`)).toEqual(['2-2-202', '2-2-302']);
    for (const r of held) expect(r.owners).toEqual([]);
    expect(result.rows.filter((r) => !r.developerHeld).every((r) => r.owners.length > 0)).toBe(true);
  });

  it('gives the same result with English headers', () => {
    const table = readCsv(fixtureBytes);
    table[0] = ['building', 'entrance', 'floor', 'room', 'area_m2', 'owner_names', 'id_numbers', 'phone', 'developer_held'];
    const english = parseRegister(table);
    const withoutHeader = (r: typeof result) => ({ ...r, faults: r.faults.map(({ header: _h, ...f }) => f) });
    expect(withoutHeader(english)).toEqual(withoutHeader(result));
    // each fault names its column as this file does
    for (const f of english.faults.filter((x) => x.column !== null)) expect(f.header).toBe(f.column);
  });

  it('names a fault’s column by the file’s own header, not by an internal key', () => {
    const header = readCsv(fixtureBytes)[0]!;
    expect(header).toContain('身份证号'); // the fixture's own words (our export writes 证件号码)
    const byColumn = new Map(result.faults.filter((f) => f.column !== null).map((f) => [f.column, f.header]));
    expect(byColumn.get('id_numbers')).toBe('身份证号');
    expect(byColumn.get('area_m2')).toBe(header.find((h) => h.includes('面积')));
    for (const f of result.faults) if (f.column !== null) expect(header).toContain(f.header);
    const missing = parseRegister([
      ['楼栋', '单元', '楼层', '房号', '业主', '身份证号码'],
      ['1', '1', '1', '101', '张三', '110105194912310021'],
    ]);
    expect(missing.faults.map((f) => [f.code, f.column, f.header])).toEqual([['missing_column', 'area_m2', '专有面积']]);
  });

  it('reads the same table from GBK bytes and with a UTF-8 BOM', () => {
    const encode = gbkEncoder();
    expect([...encode('楼栋')]).toEqual([0xc2, 0xa5, 0xb6, 0xb0]);
    const utf8Table = readCsv(fixtureBytes);
    expect(readCsv(encode(fixtureText))).toEqual(utf8Table);
    expect(readCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...fixtureBytes]))).toEqual(utf8Table);
    expect(parseRegister(readCsv(encode(fixtureText)))).toEqual(result);
  });
});

describe('line rules', () => {
  it('reports every fault of a line with several', () => {
    const r = parseRegister([
      ['楼栋', '单元', '楼层', '房号', '专有面积', '面积来源', '业主姓名', '身份证号', '电话', '开发商持有'],
      ['', '1', '3层', '201', '-1.234', '估算', '张三；李四', '410411197006145568', '12345', 'maybe'],
    ]);
    expect(r.rows).toEqual([]);
    expect(r.faults.map((f) => [f.line, f.column, f.code])).toEqual([
      [2, 'building', 'building_missing'],
      [2, 'floor', 'floor_invalid'],
      [2, 'area_m2', 'area_not_positive'],
      [2, 'area_m2', 'area_too_precise'],
      [2, 'area_source', 'area_source_invalid'],
      [2, 'developer_held', 'developer_held_invalid'],
      [2, 'id_numbers', 'id_count_mismatch'],
      [2, 'id_numbers', 'id_check_digit'],
      [2, 'phone', 'phone_invalid'],
    ]);
  });

  it('requires entrance, room and floor', () => {
    const r = parseCsv(`${HEADER}\n1,,,,80,张三,${ID_A},,否\n`);
    expect(pairs(r)).toEqual([
      [2, 'entrance_missing'],
      [2, 'floor_missing'],
      [2, 'room_missing'],
    ]);
  });

  it('accepts basements and keeps room text', () => {
    const r = parseCsv(`${HEADER}\n1,1,-1,B01,20.5,张三,${ID_A},,否\n1,1,+2,0201,20,李四,${ID_B},,否\n`);
    expect(r.faults).toEqual([]);
    expect(r.rows.map((x) => [x.floor, x.room, x.areaCm2])).toEqual([
      [-1, 'B01', 2050],
      [2, '0201', 2000],
    ]);
  });

  it('refuses masked ID numbers, and a file holding them as a whole', () => {
    const r = parseCsv(
      `${HEADER}\n1,1,1,101,80,张三,4*************5569,,否\n1,1,1,102,80,李四,${ID_B},,否\n1,1,1,103,80,王五,4１＊＊＊＊＊＊＊＊＊＊＊＊5569,,否\n`,
    );
    expect(pairs(r)).toEqual([
      [1, 'masked_export'],
      [2, 'masked_id'],
      [4, 'masked_id'],
    ]);
    expect(r.rows).toEqual([]);
  });

  it('splits owners, types and ID numbers on ; and ；', () => {
    const head = '楼栋,单元,楼层,房号,专有面积,业主姓名,证件类型,证件号码,开发商持有';
    const r = parseCsv(
      `${head}\n1,1,1,101,80, 张三 ； 李四 ;,,${ID_A}；${ID_B},否\n` +
        `1,1,1,102,80,张三;Smith,身份证;护照,${ID_A};e1234567,否\n` +
        `1,1,1,103,80,Jones;Smith,护照,E7654321;G7654321,否\n`,
    );
    expect(r.faults).toEqual([]);
    expect(r.rows.map((x) => x.owners)).toEqual([
      [
        { name: '张三', idType: 'resident_id', idNumber: ID_A },
        { name: '李四', idType: 'resident_id', idNumber: ID_B },
      ],
      [
        { name: '张三', idType: 'resident_id', idNumber: ID_A },
        { name: 'Smith', idType: 'passport', idNumber: 'E1234567' },
      ],
      [
        { name: 'Jones', idType: 'passport', idNumber: 'E7654321' },
        { name: 'Smith', idType: 'passport', idNumber: 'G7654321' },
      ],
    ]);
  });

  it('gives each owner their own phone from a ;-separated list, and one phone to the first owner', () => {
    const r = parseCsv(
      `${HEADER}\n1,1,1,101,80,张三;李四,${ID_A};${ID_B},138 1234 5678；13912345678,否\n` +
        `1,1,1,102,80,张三;李四,${ID_A};${ID_B},;13912345678,否\n` +
        `1,1,1,103,80,张三;李四,${ID_A};${ID_B},13812345678,否\n` +
        `1,1,1,104,80,张三;李四,${ID_A};${ID_B},13812345678;13912345678;13712345678,否\n` +
        `1,1,1,105,80,张三;李四,${ID_A};${ID_B},13812345678;123,否\n`,
    );
    expect(r.rows.map((x) => [x.room, x.owners.map((o) => o.phone ?? null), x.phone])).toEqual([
      ['101', ['13812345678', '13912345678'], '13812345678'],
      ['102', [null, '13912345678'], '13912345678'],
      ['103', ['13812345678', null], '13812345678'],
    ]);
    expect(pairs(r)).toEqual([
      [5, 'phone_count_mismatch'],
      [6, 'phone_invalid'],
    ]);
  });

  it('checks ID types and their count', () => {
    const head = '楼栋,单元,楼层,房号,专有面积,业主姓名,证件类型,证件号码';
    const r = parseCsv(
      `${head}\n1,1,1,101,80,张三,驾驶证,${ID_A}\n` +
        `1,1,1,102,80,张三;李四;王五,身份证;护照,${ID_A};E1234567;${ID_C}\n` +
        `1,1,1,103,80,张三;李四,,${ID_A};${ID_A}\n`,
    );
    expect(pairs(r)).toEqual([
      [2, 'id_type_invalid'],
      [3, 'id_type_count_mismatch'],
      [4, 'duplicate_owner'],
    ]);
  });

  it('lets a developer-held flat have no owners, or owners with their ID numbers', () => {
    const head = '楼栋,单元,楼层,房号,专有面积,业主姓名,证件类型,证件号码,开发商持有';
    const r = parseCsv(
      `${head}\n1,1,1,101,80,,,,是\n1,1,1,102,80,示例开发公司,,,Y\n1,1,1,103,80,示例开发公司,统一社会信用代码,91410411MA3X123450,1\n1,1,1,104,80,,,,否\n1,1,1,105,80,,,${ID_A},是\n`,
    );
    expect(pairs(r)).toEqual([
      [4, 'uscc_check_digit'],
      [5, 'owner_missing'],
      [6, 'id_count_mismatch'],
    ]);
    expect(r.rows.map((x) => [x.room, x.developerHeld, x.owners])).toEqual([
      ['101', true, []],
      ['102', true, []],
    ]);
  });

  it('reads area sources and yes/no words, with defaults', () => {
    const head = 'building,entrance,floor,room,area_m2,area_source,owner_names,id_numbers,developer_held';
    const r = parseCsv(`${head}\n1,1,1,101,80,实测,张三,${ID_A},N\n1,1,1,102,80,Contract,李四,${ID_B},false\n1,1,1,103,80,,王五,${ID_C},\n`);
    expect(r.faults).toEqual([]);
    expect(r.rows.map((x) => [x.areaSource, x.developerHeld])).toEqual([
      ['surveyed', false],
      ['contract', false],
      ['registered', false],
    ]);
  });

  it('keeps the first line of a flat listed twice; the estate is part of the address', () => {
    const head = '小区,楼栋,单元,楼层,房号,专有面积,业主姓名,身份证号';
    const r = parseCsv(
      `${head}\n东苑,1,1,1,101,80,张三,${ID_A}\n西苑,1,1,1,101,80,李四,${ID_B}\n东苑,1,1,1,101,81,王五,${ID_C}\n东苑,1,1,1,101,82,王五,${ID_C}\n`,
    );
    expect(pairs(r)).toEqual([
      [4, 'duplicate_flat'],
      [5, 'duplicate_flat'],
    ]);
    expect(r.faults.every((f) => f.message.en.includes('line 2'))).toBe(true);
    expect(r.rows.map((x) => [x.estate, x.owners[0]!.name])).toEqual([
      ['东苑', '张三'],
      ['西苑', '李四'],
    ]);
  });

  it('warns when one ID number carries two names', () => {
    const r = parseCsv(`${HEADER}\n1,1,1,101,80,张三,${ID_A},,否\n1,1,1,102,80,张叁,${ID_A},,否\n`);
    expect(r.faults.map((f) => [f.line, f.code, f.severity])).toEqual([[3, 'owner_name_conflict', 'warning']]);
    expect(r.rows).toHaveLength(2);
  });

  it('skips blank lines silently and keeps file line numbers, also after a multi-line cell', () => {
    const r = parseCsv(`${HEADER}\n\n1,1,1,101,80,"张三\n",${ID_A},,否\n,,,,,,,,\n1,1,1,102,abc,李四,${ID_B},,否\n`);
    expect(r.dataLines).toBe(2);
    expect(r.rows.map((x) => [x.line, x.owners[0]!.name])).toEqual([[3, '张三']]);
    expect(pairs(r)).toEqual([[6, 'area_invalid']]);
  });

  it('ignores unknown columns with a warning and refuses a file missing required ones', () => {
    const ok = parseCsv(`${HEADER},备注\n1,1,1,101,80,张三,${ID_A},,否,hello\n`);
    expect(ok.faults.map((f) => [f.line, f.code, f.severity])).toEqual([[1, 'unknown_column', 'warning']]);
    expect(ok.rows).toHaveLength(1);
    const bad = parseCsv(`楼栋,单元,房号,业主姓名\n1,1,101,张三\n`);
    expect(pairs(bad)).toEqual([
      [1, 'missing_column'],
      [1, 'missing_column'],
      [1, 'missing_column'],
    ]);
    expect(bad.faults.map((f) => f.column)).toEqual(['floor', 'area_m2', 'id_numbers']);
    expect(bad.rows).toEqual([]);
    expect(bad.dataLines).toBe(1);
    expect(pairs(parseRegister([]))).toEqual([[1, 'header_missing']]);
  });
});

describe('xlsx', () => {
  it('writes a masked export that reads back and is refused on re-import', async () => {
    const good = parseRegister(readCsv(fixtureBytes)).rows;
    const bytes = await writeXlsx(good);
    expect(bytes).toBeInstanceOf(Uint8Array);
    const table = await readXlsx(bytes);
    expect(table[0]).toEqual(COLUMNS.map((c) => c.zh));
    expect(table).toHaveLength(73);
    expect(table[1]).toEqual(['', '1', '1', '1', '101', '102.76', '登记', '高涛', '身份证', '4*************5569', '146****5603', '否']);
    expect(table.flat().join(',')).not.toContain(ID_A);

    const again = parseRegister(table);
    expect(again.rows).toEqual([]);
    expect(again.faults[0]!.code).toBe('masked_export');
    const masked = again.faults.filter((f) => f.code === 'masked_id');
    expect(masked).toHaveLength(good.reduce((n, r) => n + r.owners.length, 0));
    expect(again.faults.filter((f) => f.code === 'masked_phone')).toHaveLength(good.filter((r) => r.phone).length);
  });

  it('shows phones in full, one per owner, only when asked for an unmasked export; ID numbers stay masked', async () => {
    const rows = parseCsv(`${HEADER}\n1,1,1,101,80,张三;李四,${ID_A};${ID_B},;13912345678,否\n`).rows;
    const masked = await readXlsx(await writeXlsx(rows));
    const full = await readXlsx(await writeXlsx(rows, { unmasked: true }));
    const phone = COLUMNS.findIndex((c) => c.key === 'phone');
    const ids = COLUMNS.findIndex((c) => c.key === 'id_numbers');
    expect([masked[1]![phone], full[1]![phone]]).toEqual([';139****5678', ';13912345678']);
    expect(full[1]![ids]).toBe(masked[1]![ids]);
    expect(full[1]![ids]).toMatch(/^4\*+5569;4\*+619X$/);
    expect(full.flat().join(',')).not.toContain(ID_A);
  });

  it('reads numbers, rich text, formulas and dates in cells as text', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('名册');
    sheet.addRow(['楼栋', '单元', '楼层', '房号', '专有面积', '业主姓名', '身份证号', '电话', '开发商持有', '登记日期']);
    sheet.addRow([3, 1, 2, 201, 85.2, { richText: [{ text: '张' }, { text: '三' }] }, ID_B, 13812341234, '否', new Date(Date.UTC(2024, 4, 1))]);
    sheet.addRow([]);
    // eslint-disable-next-line no-loss-of-precision -- an ID number stored as a number loses its last digits: the case under test
    sheet.addRow([3, 1, 2, 202, { formula: '80+5.25', result: 85.25 }, '李四', 410411197006145569, null, 0]);
    const table = await readXlsx(new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(table[1]).toEqual(['3', '1', '2', '201', '85.2', '张三', ID_B, '13812341234', '否', '2024-05-01']);
    expect(table[2]).toEqual([]);
    expect(table[3]).toEqual(['3', '1', '2', '202', '85.25', '李四', '410411197006145600', '', '0']);

    const r = parseRegister(table);
    expect(r.dataLines).toBe(2);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ line: 2, building: '3', room: '201', floor: 2, areaCm2: 8520, phone: '13812341234' });
    // An 18-digit ID stored as a number has lost digits in Excel: its check digit no longer matches.
    expect(r.faults.map((f) => [f.line, f.code])).toEqual([
      [1, 'unknown_column'],
      [4, 'id_check_digit'],
    ]);
  });
});

describe('estate column on the import screen', async () => {
  const { keepChosenEstate } = await import('../../src/features/register/prepare.ts');
  it('keeps lines of the chosen estate and refuses lines of another one with their line number', () => {
    const base = {
      building: '1',
      entrance: '1',
      floor: 1,
      room: '101',
      areaCm2: 100,
      areaSource: 'registered' as const,
      owners: [],
      phone: null,
      developerHeld: true,
    };
    const res = keepChosenEstate(
      [
        { ...base, line: 2, estate: null },
        { ...base, line: 3, estate: '建设小区' },
        { ...base, line: 4, estate: '别的小区' },
      ],
      '建设小区',
    );
    expect(res.rows.map((r) => r.line)).toEqual([2, 3]);
    expect(res.faults.map((f) => [f.line, f.code])).toEqual([[4, 'estate_mismatch']]);
  });
});
