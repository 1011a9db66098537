import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatAreaCm2, parseAreaCm2 } from '../../src/features/register/area.ts';
import { COLUMNS, mapHeaders } from '../../src/features/register/headers.ts';
import { parseAreaSource, parseIdType, parseYesNo } from '../../src/features/register/labels.ts';
import { maskPhone, validatePhone } from '../../src/features/register/phone.ts';
import { cellText } from '../../src/features/register/xlsx-cell.ts';

const phone = (t: string) => {
  const r = validatePhone(t);
  return r.ok ? r.normalised : r.code;
};

describe('phone numbers', () => {
  it('normalises mainland mobiles', () => {
    expect(phone('13812341234')).toBe('13812341234');
    expect(phone('+86 138-1234-1234')).toBe('13812341234');
    expect(phone('0086 13812341234')).toBe('13812341234');
    expect(phone(' 138 1234 1234 ')).toBe('13812341234');
    expect(phone('１３８１２３４１２３４')).toBe('13812341234');
  });

  it('normalises landlines with area code and extension', () => {
    expect(phone('0375-2345678')).toBe('0375-2345678');
    expect(phone('03752345678')).toBe('0375-2345678');
    expect(phone('010-62345678')).toBe('010-62345678');
    expect(phone('01062345678')).toBe('010-62345678');
    expect(phone('(0375)2345678-123')).toBe('0375-2345678-123');
    expect(phone('+86 375 2345678')).toBe('0375-2345678');
  });

  it('rejects everything else', () => {
    for (const bad of ['2345', '12812341234', '1381234123', '138123412345', '2345678', '0375-123', 'abc', '0375-0345678']) {
      expect(phone(bad), bad).toBe('phone_invalid');
    }
    expect(phone('138****1234')).toBe('masked_phone');
  });

  it('masks phones', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('0375-2345678')).toBe('0375-*****78');
    expect(maskPhone('010-62345678-12')).toBe('010-******78-**');
  });
});

describe('area in 0.01 m²', () => {
  const codes = (t: string) => {
    const r = parseAreaCm2(t);
    return r.ok ? r.cm2 : r.faults.map((f) => f.code);
  };
  it('parses without floats', () => {
    expect(codes('85.2')).toBe(8520);
    expect(codes('85.20')).toBe(8520);
    expect(codes('85')).toBe(8500);
    expect(codes('0.01')).toBe(1);
    expect(codes(' 102.76 ')).toBe(10276);
    expect(codes('1.10')).toBe(110);
  });
  it('reports every fault', () => {
    expect(codes('')).toEqual(['area_missing']);
    expect(codes('abc')).toEqual(['area_invalid']);
    expect(codes('85.2㎡')).toEqual(['area_invalid']);
    expect(codes('1,000')).toEqual(['area_invalid']);
    expect(codes('-60.00')).toEqual(['area_not_positive']);
    expect(codes('0')).toEqual(['area_not_positive']);
    expect(codes('85.235')).toEqual(['area_too_precise']);
    expect(codes('-1.234')).toEqual(['area_not_positive', 'area_too_precise']);
  });
  it('round-trips', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 ** 9 }), (cm2) => codes(formatAreaCm2(cm2)) === cm2));
  });
});

describe('labels', () => {
  it('reads yes/no, area sources and ID types in both languages', () => {
    for (const y of ['是', 'yes', 'YES', 'true', '1', 'Y', 'y']) expect(parseYesNo(y)).toBe(true);
    for (const n of ['否', 'no', 'False', '0', 'N']) expect(parseYesNo(n)).toBe(false);
    expect(parseYesNo('maybe')).toBeNull();
    expect(parseYesNo('constructor')).toBeNull();
    expect(parseAreaSource('实测')).toBe('surveyed');
    expect(parseAreaSource('Contract')).toBe('contract');
    expect(parseAreaSource('估算')).toBeNull();
    expect(parseIdType('身份证')).toBe('resident_id');
    expect(parseIdType('统一社会信用代码')).toBe('uscc');
    expect(parseIdType('护照')).toBe('passport');
    expect(parseIdType('台胞证')).toBe('hmt_permit');
    expect(parseIdType('hmt_permit')).toBe('hmt_permit');
    expect(parseIdType('驾驶证')).toBeNull();
  });
});

describe('headers', () => {
  it('maps Chinese and English headers, ignoring case, width, spaces and units in parentheses', () => {
    const zh = mapHeaders(['楼栋', ' 单元 ', '楼层', '房号', '专有面积（㎡）', '业主姓名', '身份证号', '电话', '开发商持有']);
    expect(zh.faults).toEqual([]);
    expect(zh.columns).toEqual({ building: 0, entrance: 1, floor: 2, room: 3, area_m2: 4, owner_names: 5, id_numbers: 6, phone: 7, developer_held: 8 });
    const en = mapHeaders([
      'Estate',
      'BUILDING',
      'entrance',
      'floor',
      'room',
      'Area (m2)',
      'area_source',
      'Owner Names',
      'ID_Types',
      'id_numbers',
      'phone',
      'developer_held',
    ]);
    expect(en.faults).toEqual([]);
    expect(Object.keys(en.columns)).toHaveLength(12);
    expect(mapHeaders(['楼栋', '单元', '楼层', '房号', '面积', '业主姓名', '证件号码']).faults).toEqual([]);
  });

  it('names each missing required column on line 1', () => {
    const r = mapHeaders(['楼栋', '单元', '房号']);
    expect(r.faults.map((f) => [f.line, f.code, f.column, f.severity])).toEqual([
      [1, 'missing_column', 'floor', 'error'],
      [1, 'missing_column', 'area_m2', 'error'],
      [1, 'missing_column', 'owner_names', 'error'],
      [1, 'missing_column', 'id_numbers', 'error'],
    ]);
    expect(r.faults[0]!.message.zh).toContain('楼层');
  });

  it('warns about unknown columns and refuses a column given twice', () => {
    const required = COLUMNS.filter((c) => c.required).map((c) => c.zh);
    const r = mapHeaders([...required, '备注', '身份证号']);
    expect(r.faults.map((f) => [f.code, f.column, f.severity])).toEqual([
      ['unknown_column', '备注', 'warning'],
      ['duplicate_column', 'id_numbers', 'error'],
    ]);
  });
});

describe('xlsx cell text', () => {
  it('turns every kind of cell into the text shown', () => {
    expect(cellText(85.2)).toBe('85.2');
    expect(cellText(301)).toBe('301');
    // The double nearest 410411197006145569 (digits already lost, as in Excel): still plain digits.
    // eslint-disable-next-line no-loss-of-precision -- an ID number stored as a number loses its last digits: the case under test
    expect(cellText(410411197006145569)).toBe('410411197006145600');
    expect(cellText(4.1e17)).toBe('410000000000000000');
    expect(cellText(null)).toBe('');
    expect(cellText(true)).toBe('true');
    expect(cellText({ richText: [{ text: '张' }, { text: '三' }] })).toBe('张三');
    expect(cellText({ formula: 'A1+1', result: 85.2 })).toBe('85.2');
    expect(cellText({ sharedFormula: 'A1', result: 'x' })).toBe('x');
    expect(cellText({ formula: 'A1' })).toBe('');
    expect(cellText({ text: 'link', hyperlink: 'https://example.org' })).toBe('link');
    expect(cellText(new Date(Date.UTC(2024, 4, 1)))).toBe('2024-05-01');
    expect(cellText({ error: '#N/A' })).toBe('#N/A');
  });
});
