import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { apportion, splitJson, splitScheme } from '../../src/features/costshare/core/split.ts';
import type { SplitError } from '../../src/features/costshare/core/split.ts';
import { costshareMessages, describeSplitError, splitErrorBilingual } from '../../src/features/costshare/messages.ts';

/** Runs the split and returns the printed form; fails the test on a refusal. */
function split(input: unknown): { totalYuan: string; shares: { id: string; yuan: string }[] } {
  const r = splitScheme(input);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors)}`);
  return splitJson(r.split);
}
/** The errors of a refused scheme; fails the test when it is accepted. */
function refusal(input: unknown): SplitError[] {
  const r = splitScheme(input);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(splitJson(r.split))}`);
  return r.errors;
}
const yuanById = (out: { shares: { id: string; yuan: string }[] }) => Object.fromEntries(out.shares.map((s) => [s.id, s.yuan]));

/** A six-storey entrance, two flats a floor: 101, 102, 201, … 602. */
const LIFT_COEFFICIENTS = { '1': '0', '2': '0.6', '3': '0.9', '4': '1.1', '5': '1.3', '6': '1.5' };
const liftFlats = (floors: number[]) => floors.flatMap((floor) => [1, 2].map((n) => ({ id: `3-2-${floor}0${n}`, floor, areaM2: '85.23' })));
const lift = (floors = [1, 2, 3, 4, 5, 6]) => ({
  method: 'tiered',
  totalYuan: '480000.00',
  weightByArea: false,
  coefficients: LIFT_COEFFICIENTS,
  flats: liftFlats(floors),
});

describe('cost split: worked examples (expected values computed by hand)', () => {
  // Σ weights = 2 × (0 + 0.6 + 0.9 + 1.1 + 1.3 + 1.5) = 10.8; in weights ×10: W = 108, T = 48,000,000 fen.
  // floor 2: 48e6 × 6 / 108 = 2,666,666 rem 72; floor 3: 4,000,000 rem 0; floor 4: 4,888,888 rem 96;
  // floor 5: 5,777,777 rem 84; floor 6: 6,666,666 rem 72. Σ floors = 2 × 23,999,997 = 47,999,994: 6 fen left,
  // to 401, 402 (96), 501, 502 (84), then of the four at 72 the two listed first.
  it('splits a lift of 480,000.00 yuan over 12 flats by floor coefficients 0/0.6/0.9/1.1/1.3/1.5', () => {
    const out = split(lift());
    expect(out.totalYuan).toBe('480000.00');
    expect(out.shares).toEqual([
      { id: '3-2-101', yuan: '0.00' },
      { id: '3-2-102', yuan: '0.00' },
      { id: '3-2-201', yuan: '26666.67' },
      { id: '3-2-202', yuan: '26666.67' },
      { id: '3-2-301', yuan: '40000.00' },
      { id: '3-2-302', yuan: '40000.00' },
      { id: '3-2-401', yuan: '48888.89' },
      { id: '3-2-402', yuan: '48888.89' },
      { id: '3-2-501', yuan: '57777.78' },
      { id: '3-2-502', yuan: '57777.78' },
      { id: '3-2-601', yuan: '66666.66' },
      { id: '3-2-602', yuan: '66666.66' },
    ]);
  });

  it('gives tied remainders to the flat listed first (the same lift listed top floor first)', () => {
    const out = split(lift([6, 5, 4, 3, 2, 1]));
    expect(out.shares.map((s) => s.id)).toEqual([
      '3-2-601',
      '3-2-602',
      '3-2-501',
      '3-2-502',
      '3-2-401',
      '3-2-402',
      '3-2-301',
      '3-2-302',
      '3-2-201',
      '3-2-202',
      '3-2-101',
      '3-2-102',
    ]);
    const y = yuanById(out);
    expect([y['3-2-601'], y['3-2-602'], y['3-2-201'], y['3-2-202']]).toEqual(['66666.67', '66666.67', '26666.66', '26666.66']);
    expect([y['3-2-401'], y['3-2-501'], y['3-2-301'], y['3-2-101']]).toEqual(['48888.89', '57777.78', '40000.00', '0.00']);
  });

  it('splits equally, the odd fen going to the flats listed first', () => {
    const flats = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `f${i + 1}` }));
    expect(split({ method: 'equal', totalYuan: '100', flats: flats(3) }).shares.map((s) => s.yuan)).toEqual(['33.34', '33.33', '33.33']);
    // 6 fen over 7 flats: each gets ⌊6/7⌋ = 0, the 6 fen go to the first six (all remainders equal).
    expect(split({ method: 'equal', totalYuan: '0.06', flats: flats(7) }).shares.map((s) => s.yuan)).toEqual([
      '0.01',
      '0.01',
      '0.01',
      '0.01',
      '0.01',
      '0.01',
      '0.00',
    ]);
    expect(split({ method: 'equal', totalYuan: '0', flats: flats(2) })).toEqual({
      totalYuan: '0.00',
      shares: [
        { id: 'f1', yuan: '0.00' },
        { id: 'f2', yuan: '0.00' },
      ],
    });
  });

  it('weights an equal split by area when asked', () => {
    // W = 8523 + 8523 + 12050 = 29096; T = 100,000 fen. 100000 × 8523 = 852,300,000 = 29096 × 29292 + 19968;
    // 100000 × 12050 = 1,205,000,000 = 29096 × 41414 + 18256. Σ = 99,998: 2 fen left, to the two 19968s.
    const out = split({
      method: 'equal',
      totalYuan: '1000.00',
      weightByArea: true,
      flats: [
        { id: 'a', areaM2: '85.23' },
        { id: 'b', areaM2: '85.23' },
        { id: 'c', areaM2: '120.5' },
      ],
    });
    expect(out).toEqual({
      totalYuan: '1000.00',
      shares: [
        { id: 'a', yuan: '292.93' },
        { id: 'b', yuan: '292.93' },
        { id: 'c', yuan: '414.14' },
      ],
    });
  });

  it('weights a tiered split by coefficient × area when asked', () => {
    // weights 0 × 60, 1 × 60, 1 × 90, 2 × 60 = 0, 60, 90, 120 of 270; 900 yuan → 0, 200, 300, 400.
    const scheme = {
      method: 'tiered',
      totalYuan: '900',
      weightByArea: true,
      coefficients: { '1': '0', '2': '1', '3': '2' },
      flats: [
        { id: '101', floor: 1, areaM2: '60.00' },
        { id: '201', floor: 2, areaM2: '60' },
        { id: '202', floor: 2, areaM2: '90.00' },
        { id: '301', floor: 3, areaM2: '60.00' },
      ],
    };
    expect(yuanById(split(scheme))).toEqual({ '101': '0.00', '201': '200.00', '202': '300.00', '301': '400.00' });
    // Without weightByArea the areas are not used: 0, 1, 1, 2 of 4 → 0, 225, 225, 450.
    expect(yuanById(split({ ...scheme, weightByArea: false }))).toEqual({ '101': '0.00', '201': '225.00', '202': '225.00', '301': '450.00' });
  });

  it('single: each flat pays its own amount and the total is their sum', () => {
    const out = split({
      method: 'single',
      flats: [
        { id: 'x', amountYuan: '1200' },
        { id: 'y', amountYuan: '350.5' },
        { id: 'z', amountYuan: '0' },
        { id: 'w', amountYuan: '0.07' },
      ],
    });
    expect(out).toEqual({
      totalYuan: '1550.57',
      shares: [
        { id: 'x', yuan: '1200.00' },
        { id: 'y', yuan: '350.50' },
        { id: 'z', yuan: '0.00' },
        { id: 'w', yuan: '0.07' },
      ],
    });
  });

  it('prints plain decimals without thousands separators, even for the largest total', () => {
    const out = split({ method: 'equal', totalYuan: '9999999999999.99', flats: [{ id: 'a' }, { id: 'b' }] });
    expect(out).toEqual({
      totalYuan: '9999999999999.99',
      shares: [
        { id: 'a', yuan: '5000000000000.00' },
        { id: 'b', yuan: '4999999999999.99' },
      ],
    });
  });

  it('takes coefficients with up to 4 decimals', () => {
    // 1 × 1.0001 vs 1 × 0.9999: 200.00 yuan → 100.01, 99.99.
    const out = split({
      method: 'tiered',
      totalYuan: '200',
      coefficients: { '1': '1.0001', '2': '0.9999' },
      flats: [
        { id: 'a', floor: 1 },
        { id: 'b', floor: 2 },
      ],
    });
    expect(out.shares.map((s) => s.yuan)).toEqual(['100.01', '99.99']);
  });
});

describe('apportion (largest remainder in bigint)', () => {
  it('floors each quota and hands the fen left over to the largest remainders, ties to the earlier part', () => {
    expect(apportion(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
    expect(apportion(10n, [0n, 1n, 1n, 1n])).toEqual([0n, 4n, 3n, 3n]);
    expect(apportion(7n, [1n, 2n, 4n])).toEqual([1n, 2n, 4n]);
    expect(apportion(100n, [1n, 2n])).toEqual([33n, 67n]); // 33.33 / 66.67: the fen goes to the larger remainder
  });
  it('refuses weights that are all zero or negative, and a negative total', () => {
    expect(() => apportion(10n, [0n, 0n])).toThrow(RangeError);
    expect(() => apportion(10n, [])).toThrow(RangeError);
    expect(() => apportion(10n, [2n, -1n])).toThrow(RangeError);
    expect(() => apportion(-1n, [1n])).toThrow(RangeError);
  });
});

describe('cost split: refusals', () => {
  const codes = (input: unknown) => refusal(input).map((e) => [e.code, e.path]);

  it('refuses a scheme whose weights are all zero', () => {
    expect(codes({ ...lift([1]), coefficients: { '1': '0' } })).toEqual([['allWeightsZero', 'flats']]);
    expect(codes({ ...lift([1, 2]), coefficients: { '1': '0', '2': '0.0000', '3': '1' } })).toEqual([['allWeightsZero', 'flats']]);
  });

  it('refuses a negative coefficient', () => {
    const errors = refusal({ ...lift(), coefficients: { ...LIFT_COEFFICIENTS, '1': '-0.5' } });
    expect(errors).toEqual([{ code: 'negative', path: 'coefficients["1"]', kind: 'coefficient' }]);
  });

  it('refuses a floor without a coefficient', () => {
    const { '6': _six, ...fiveFloors } = LIFT_COEFFICIENTS;
    expect(refusal({ ...lift(), coefficients: fiveFloors })).toEqual([
      { code: 'noCoefficient', path: 'flats[10].floor', floor: 6 },
      { code: 'noCoefficient', path: 'flats[11].floor', floor: 6 },
    ]);
  });

  it('refuses more decimals than allowed: amounts 2, areas 2, coefficients 4', () => {
    expect(refusal({ ...lift(), totalYuan: '480000.001' })).toEqual([{ code: 'tooManyDecimals', path: 'totalYuan', kind: 'amount', max: 2 }]);
    expect(refusal({ method: 'single', flats: [{ id: 'a', amountYuan: '1.005' }] })).toEqual([
      { code: 'tooManyDecimals', path: 'flats[0].amountYuan', kind: 'amount', max: 2 },
    ]);
    expect(refusal({ ...lift([1, 2]), weightByArea: true, flats: [{ id: 'a', floor: 2, areaM2: '85.234' }] })).toEqual([
      { code: 'tooManyDecimals', path: 'flats[0].areaM2', kind: 'area', max: 2 },
    ]);
    expect(refusal({ ...lift(), coefficients: { ...LIFT_COEFFICIENTS, '2': '0.60001' } })).toEqual([
      { code: 'tooManyDecimals', path: 'coefficients["2"]', kind: 'coefficient', max: 4 },
    ]);
  });

  it('refuses a flat listed twice', () => {
    const flats = liftFlats([1, 2, 3]);
    expect(refusal({ ...lift(), flats: [...flats, { ...flats[2]! }] })).toEqual([
      { code: 'duplicateFlat', path: 'flats[6].id', id: '3-2-201', firstPath: 'flats[2]' },
    ]);
  });

  it.each([
    ['a list instead of an object', [], [['notAnObject', '']]],
    ['null', null, [['notAnObject', '']]],
    ['an unknown method', { method: 'proportional', totalYuan: '1', flats: [{ id: 'a' }] }, [['badMethod', 'method']]],
    ['no method', { totalYuan: '1', flats: [{ id: 'a' }] }, [['missingField', 'method']]],
    [
      'an unknown field (a typo must not be ignored)',
      { method: 'equal', totalYuan: '1', weightbyArea: true, flats: [{ id: 'a' }] },
      [['unknownField', 'weightbyArea']],
    ],
    ['no total', { method: 'equal', flats: [{ id: 'a' }] }, [['missingField', 'totalYuan']]],
    ['a total for a single-household scheme', { method: 'single', totalYuan: '5', flats: [{ id: 'a', amountYuan: '5' }] }, [['fieldNotAllowed', 'totalYuan']]],
    ['a total as a JSON number', { method: 'equal', totalYuan: 480000, flats: [{ id: 'a' }] }, [['notADecimal', 'totalYuan']]],
    ['a total with an exponent', { method: 'equal', totalYuan: '4.8e5', flats: [{ id: 'a' }] }, [['notADecimal', 'totalYuan']]],
    ['a total with a thousands separator', { method: 'equal', totalYuan: '480,000.00', flats: [{ id: 'a' }] }, [['notADecimal', 'totalYuan']]],
    ['a total with leading zeros', { method: 'equal', totalYuan: '0480000', flats: [{ id: 'a' }] }, [['notADecimal', 'totalYuan']]],
    ['a total with spaces', { method: 'equal', totalYuan: ' 480000', flats: [{ id: 'a' }] }, [['notADecimal', 'totalYuan']]],
    ['a total ending in a point', { method: 'equal', totalYuan: '480000.', flats: [{ id: 'a' }] }, [['notADecimal', 'totalYuan']]],
    ['a negative total', { method: 'equal', totalYuan: '-1.00', flats: [{ id: 'a' }] }, [['negative', 'totalYuan']]],
    ['a total of 10¹³ yuan', { method: 'equal', totalYuan: '10000000000000', flats: [{ id: 'a' }] }, [['tooLarge', 'totalYuan']]],
    [
      'weightByArea not a boolean',
      { method: 'equal', totalYuan: '1', weightByArea: 'true', flats: [{ id: 'a', areaM2: '1' }] },
      [['notABoolean', 'weightByArea']],
    ],
    [
      'weightByArea for a single-household scheme',
      { method: 'single', weightByArea: true, flats: [{ id: 'a', amountYuan: '1', areaM2: '1' }] },
      [['fieldNotAllowed', 'weightByArea']],
    ],
    [
      'coefficients for an equal split',
      { method: 'equal', totalYuan: '1', coefficients: { '1': '1' }, flats: [{ id: 'a', floor: 1 }] },
      [['fieldNotAllowed', 'coefficients']],
    ],
    ['a tiered split without coefficients', { method: 'tiered', totalYuan: '1', flats: [{ id: 'a', floor: 1 }] }, [['missingField', 'coefficients']]],
    ['coefficients as a list', { method: 'tiered', totalYuan: '1', coefficients: ['1'], flats: [{ id: 'a', floor: 1 }] }, [['notAnObject', 'coefficients']]],
    [
      'a coefficient as a JSON number',
      { method: 'tiered', totalYuan: '1', coefficients: { '1': 0.6 }, flats: [{ id: 'a', floor: 1 }] },
      [['notADecimal', 'coefficients["1"]']],
    ],
    [
      'a coefficient for floor "01"',
      { method: 'tiered', totalYuan: '1', coefficients: { '01': '1' }, flats: [{ id: 'a', floor: 1 }] },
      [
        ['badCoefficientFloor', 'coefficients["01"]'],
        ['noCoefficient', 'flats[0].floor'],
      ],
    ],
    [
      'a coefficient of 1000',
      { method: 'tiered', totalYuan: '1', coefficients: { '1': '1000' }, flats: [{ id: 'a', floor: 1 }] },
      [['tooLarge', 'coefficients["1"]']],
    ],
    ['no flats', { method: 'equal', totalYuan: '1', flats: [] }, [['noFlats', 'flats']]],
    ['no flats field', { method: 'equal', totalYuan: '1' }, [['missingField', 'flats']]],
    ['flats as an object', { method: 'equal', totalYuan: '1', flats: { a: {} } }, [['notAList', 'flats']]],
    ['a flat that is not an object', { method: 'equal', totalYuan: '1', flats: ['3-2-101'] }, [['notAnObject', 'flats[0]']]],
    ['a flat without an id', { method: 'equal', totalYuan: '1', flats: [{ floor: 1 }] }, [['missingField', 'flats[0].id']]],
    ['an empty flat id', { method: 'equal', totalYuan: '1', flats: [{ id: '' }] }, [['badFlatId', 'flats[0].id']]],
    ['a flat id with spaces around it', { method: 'equal', totalYuan: '1', flats: [{ id: ' 3-2-101' }] }, [['badFlatId', 'flats[0].id']]],
    ['a numeric flat id', { method: 'equal', totalYuan: '1', flats: [{ id: 101 }] }, [['badFlatId', 'flats[0].id']]],
    ['an unknown flat field', { method: 'equal', totalYuan: '1', flats: [{ id: 'a', area: '85.23' }] }, [['unknownField', 'flats[0].area']]],
    [
      'a tiered flat without a floor',
      { method: 'tiered', totalYuan: '1', coefficients: { '1': '1' }, flats: [{ id: 'a' }] },
      [['missingField', 'flats[0].floor']],
    ],
    ['a floor of 2.5', { method: 'tiered', totalYuan: '1', coefficients: { '2': '1' }, flats: [{ id: 'a', floor: 2.5 }] }, [['badFloor', 'flats[0].floor']]],
    [
      'a floor as a string',
      { method: 'tiered', totalYuan: '1', coefficients: { '2': '1' }, flats: [{ id: 'a', floor: '2' }] },
      [['badFloor', 'flats[0].floor']],
    ],
    [
      'weighting by area with a flat without area',
      { method: 'equal', totalYuan: '1', weightByArea: true, flats: [{ id: 'a', areaM2: '1' }, { id: 'b' }] },
      [['missingField', 'flats[1].areaM2']],
    ],
    [
      'an area of zero',
      { method: 'equal', totalYuan: '1', weightByArea: true, flats: [{ id: 'a', areaM2: '0.00' }] },
      [['areaNotPositive', 'flats[0].areaM2']],
    ],
    ['a negative area', { method: 'equal', totalYuan: '1', weightByArea: true, flats: [{ id: 'a', areaM2: '-85.23' }] }, [['negative', 'flats[0].areaM2']]],
    [
      'a malformed area even when not weighting by area',
      { method: 'equal', totalYuan: '1', flats: [{ id: 'a', areaM2: '85,23' }] },
      [['notADecimal', 'flats[0].areaM2']],
    ],
    [
      'an amount on a flat of an equal split',
      { method: 'equal', totalYuan: '1', flats: [{ id: 'a', amountYuan: '1' }] },
      [['fieldNotAllowed', 'flats[0].amountYuan']],
    ],
    ['a single-household flat without an amount', { method: 'single', flats: [{ id: 'a' }] }, [['missingField', 'flats[0].amountYuan']]],
    ['a negative amount', { method: 'single', flats: [{ id: 'a', amountYuan: '-3' }] }, [['negative', 'flats[0].amountYuan']]],
    [
      'amounts summing past the largest total',
      {
        method: 'single',
        flats: [
          { id: 'a', amountYuan: '9999999999999.99' },
          { id: 'b', amountYuan: '0.01' },
        ],
      },
      [['tooLarge', 'flats']],
    ],
  ])('refuses %s', (_name, input, expected) => {
    expect(codes(input)).toEqual(expected);
  });

  it('refuses more than 10,000 flats', () => {
    const flats = Array.from({ length: 10_001 }, (_, i) => ({ id: `f${i}` }));
    expect(codes({ method: 'equal', totalYuan: '1', flats })).toEqual([['tooManyFlats', 'flats']]);
    expect(splitScheme({ method: 'equal', totalYuan: '1', flats: flats.slice(1) }).ok).toBe(true);
  });

  it('reports every problem it finds, not only the first', () => {
    const errors = refusal({
      method: 'tiered',
      totalYuan: '1.001',
      coefficients: { '1': '-1' },
      flats: [
        { id: 'a', floor: 1 },
        { id: 'a', floor: 1 },
      ],
    });
    expect(errors.map((e) => e.code)).toEqual(['tooManyDecimals', 'negative', 'duplicateFlat']);
  });

  it('explains every refusal in Chinese and in English, naming where', () => {
    const errors = [
      ...refusal({ ...lift(), totalYuan: '1.001' }),
      ...refusal({ ...lift(), coefficients: { '1': '-0.5' } }),
      ...refusal({ ...lift(), flats: [...liftFlats([1]), ...liftFlats([1])] }),
      ...refusal({ ...lift([1]), coefficients: { '1': '0' } }),
      ...refusal({ method: 'single', totalYuan: '1', flats: [] }),
    ];
    const zh = errors.map((e) => describeSplitError(e, 'zh'));
    const en = errors.map((e) => describeSplitError(e, 'en'));
    expect(zh[0]).toBe('totalYuan：金额最多两位小数');
    expect(en[0]).toBe('totalYuan: an amount has at most 2 decimals');
    expect(zh[1]).toBe('coefficients["1"]：系数不能为负数');
    expect(en[1]).toBe('coefficients["1"]: a coefficient cannot be negative');
    expect(en).toContain('flats[2].id: flat 3-2-101 is listed twice (first at flats[0])');
    expect(zh).toContain('flats：所有户的权重都为 0，无法分摊');
    for (const [i, e] of errors.entries()) {
      expect(zh[i]).toMatch(/[\u4e00-\u9fff]/);
      expect(en[i]).not.toMatch(/[\u4e00-\u9fff]/);
      expect(splitErrorBilingual(e)).toBe(`${zh[i]} / ${en[i]}`);
    }
    expect(Object.keys(costshareMessages.zh).sort()).toEqual(Object.keys(costshareMessages.en).sort());
  });
});

/** "d.dd…" from an integer count of 10^-scale units, written independently of the module. */
const decimal = (units: number, scale: number) => {
  const s = String(units).padStart(scale + 1, '0');
  return `${s.slice(0, -scale)}.${s.slice(-scale)}`;
};

/** A valid tiered scheme with the weights the test expects (coefficient ×10⁴ × area ×100, or coefficient ×10⁴). */
const schemeArb = fc
  .record({
    totalFen: fc.bigInt({ min: 0n, max: 999_999_999_999_999n }),
    weightByArea: fc.boolean(),
    coefficients: fc.array(fc.integer({ min: 0, max: 9_999_999 }), { minLength: 1, maxLength: 8 }),
    flats: fc.array(fc.record({ floorIndex: fc.nat(), areaCm2: fc.integer({ min: 1, max: 99_999_999 }) }), { minLength: 1, maxLength: 40 }),
  })
  .map(({ totalFen, weightByArea, coefficients, flats }) => {
    const placed = flats.map((f, i) => ({ id: `f${i}`, floor: 1 + (f.floorIndex % coefficients.length), areaCm2: f.areaCm2 }));
    const weights = placed.map((f) => BigInt(coefficients[f.floor - 1]!) * (weightByArea ? BigInt(f.areaCm2) : 1n));
    const input = {
      method: 'tiered',
      totalYuan: decimal(Number(totalFen), 2),
      weightByArea,
      coefficients: Object.fromEntries(coefficients.map((c, i) => [String(i + 1), decimal(c, 4)])),
      flats: placed.map((f) => ({ id: f.id, floor: f.floor, areaM2: decimal(f.areaCm2, 2) })),
    };
    return { totalFen, weights, input };
  })
  .filter(({ weights }) => weights.some((w) => w > 0n));

/** Fen from a printed "d.dd", parsed independently of the module. */
const fen = (yuan: string) => {
  expect(yuan).toMatch(/^(0|[1-9][0-9]*)\.[0-9]{2}$/);
  return BigInt(yuan.replace('.', ''));
};

describe('cost split: properties', () => {
  it('shares sum to the total exactly', () => {
    fc.assert(
      fc.property(schemeArb, ({ totalFen, input }) => {
        const out = split(input);
        expect(fen(out.totalYuan)).toBe(totalFen);
        expect(out.shares.reduce((a, s) => a + fen(s.yuan), 0n)).toBe(totalFen);
        expect(out.shares.map((s) => s.id)).toEqual(input.flats.map((f) => f.id));
      }),
    );
  });

  it('no share is negative', () => {
    fc.assert(fc.property(schemeArb, ({ input }) => split(input).shares.every((s) => !s.yuan.startsWith('-') && fen(s.yuan) >= 0n)));
  });

  it('a larger weight never gets a smaller share, and equal weights differ by at most one fen', () => {
    fc.assert(
      fc.property(schemeArb, ({ weights, input }) => {
        const shares = split(input).shares.map((s) => fen(s.yuan));
        for (let i = 0; i < shares.length; i++) {
          for (let j = 0; j < shares.length; j++) {
            if (weights[i]! > weights[j]!) expect(shares[i]!).toBeGreaterThanOrEqual(shares[j]!);
            if (weights[i] === weights[j]) expect(shares[i]! - shares[j]!).toBeLessThanOrEqual(1n);
          }
        }
      }),
    );
  });

  it('each share is its exact quota rounded down, or up by one fen; a zero weight pays nothing', () => {
    fc.assert(
      fc.property(schemeArb, ({ totalFen, weights, input }) => {
        const sum = weights.reduce((a, w) => a + w, 0n);
        split(input).shares.forEach((s, i) => {
          const quotaFloor = (totalFen * weights[i]!) / sum;
          expect([quotaFloor, quotaFloor + 1n]).toContain(fen(s.yuan));
          if (weights[i] === 0n) expect(fen(s.yuan)).toBe(0n);
        });
      }),
    );
  });

  it('an equal split gives everyone the total ÷ n rounded down, and one fen more to the first (total mod n) flats', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 999_999_999_999_999n }), fc.integer({ min: 1, max: 60 }), (totalFen, n) => {
        const out = split({ method: 'equal', totalYuan: decimal(Number(totalFen), 2), flats: Array.from({ length: n }, (_, i) => ({ id: `f${i}` })) });
        const base = totalFen / BigInt(n);
        const extra = Number(totalFen % BigInt(n));
        expect(out.shares.map((s) => fen(s.yuan))).toEqual(Array.from({ length: n }, (_, i) => (i < extra ? base + 1n : base)));
      }),
    );
  });

  it('single: the total is the sum of the amounts and each flat pays its own', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 99_999_999_999 }), { minLength: 1, maxLength: 30 }), (amounts) => {
        const out = split({ method: 'single', flats: amounts.map((a, i) => ({ id: `f${i}`, amountYuan: decimal(a, 2) })) });
        expect(out.shares.map((s) => fen(s.yuan))).toEqual(amounts.map(BigInt));
        expect(fen(out.totalYuan)).toBe(amounts.reduce((a, b) => a + BigInt(b), 0n));
      }),
    );
  });
});
