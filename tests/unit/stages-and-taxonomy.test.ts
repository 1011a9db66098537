import { describe, expect, it } from 'vitest';
import { oc4idsStatus, timeline, isStage, STAGES } from '../../src/features/projects/stages.ts';
import { SCOPE_CODES, categoryOf, groupByCategory, isScopeCode } from '../../src/features/projects/taxonomy.ts';
import { isValidUscc, usccCheckChar } from '../../src/features/projects/parties.ts';
import { netFeeFen, meetsSubsidyFloor, monthlyNetFeeForAreaFen } from '../../src/features/fees/net-fee.ts';

describe('stages', () => {
  it('builds a six-row timeline with done, current and upcoming', () => {
    const rows = timeline(3, [
      { stage: 1, enteredOn: '2021-03-01' },
      { stage: 2, enteredOn: '2021-05-01' },
      { stage: 3, enteredOn: '2021-07-01' },
    ]);
    expect(rows.map((r) => r.state)).toEqual(['done', 'done', 'current', 'upcoming', 'upcoming', 'upcoming']);
    expect(rows[2]).toMatchObject({ stage: 3, enteredOn: '2021-07-01' });
    expect(rows[3]!.enteredOn).toBeNull();
  });
  it('keeps the latest date of a stage entered twice', () => {
    const rows = timeline(2, [
      { stage: 2, enteredOn: '2021-09-01' },
      { stage: 2, enteredOn: '2021-05-01' },
    ]);
    expect(rows[1]!.enteredOn).toBe('2021-09-01');
  });
  it('maps stages to OC4IDS status', () => {
    expect(STAGES.map(oc4idsStatus)).toEqual(['identification', 'preparation', 'implementation', 'implementation', 'completion', 'completion']);
    expect(isStage(0)).toBe(false);
    expect(isStage(6)).toBe(true);
  });
});

describe('scope taxonomy', () => {
  it('has every item of DOMAIN.md in four categories', () => {
    expect(SCOPE_CODES.length).toBe(7 + 5 + 11 + 9 + 7 + 3);
    expect(new Set(SCOPE_CODES).size).toBe(SCOPE_CODES.length);
    expect(categoryOf('services.elderly')).toBe('services');
    expect(isScopeCode('infrastructure.basic.roads')).toBe(true);
    expect(isScopeCode('infrastructure.basic.moon')).toBe(false);
    expect(() => categoryOf('space.rocket')).toThrow();
  });
  it('groups items by category in taxonomy order, leaving empty categories out', () => {
    const groups = groupByCategory([
      { code: 'management.owners_committee' },
      { code: 'infrastructure.basic.roads' },
      { code: 'infrastructure.utilities.water' },
    ]);
    expect(groups.map((g) => g.category)).toEqual(['infrastructure', 'management']);
    expect(groups[0]!.items.map((i) => i.code)).toEqual(['infrastructure.utilities.water', 'infrastructure.basic.roads']);
  });
});

describe('unified social credit code', () => {
  it('accepts a code with the right check character and rejects a wrong one', () => {
    const body = '91410411MA3X7Q2P0';
    const code = body + usccCheckChar(body);
    expect(isValidUscc(code)).toBe(true);
    const wrong = body + (code.endsWith('0') ? '1' : '0');
    expect(isValidUscc(wrong)).toBe(false);
    expect(isValidUscc('91410411MA3X7Q2PI' + 'X')).toBe(false); // I is not in the alphabet
  });
});

describe('fee subsidy', () => {
  const row = { beforeFen: 35, afterFen: 80, subsidyFenPerM2Month: 30, subsidyMonths: 36 };
  it('nets the subsidy off the new fee, never below zero', () => {
    expect(netFeeFen(row)).toBe(50);
    expect(netFeeFen({ ...row, afterFen: 20 })).toBe(0);
  });
  it('checks the 0.3 yuan/m²·month for 36 months floor', () => {
    expect(meetsSubsidyFloor(row)).toBe(true);
    expect(meetsSubsidyFloor({ ...row, subsidyFenPerM2Month: 29 })).toBe(false);
    expect(meetsSubsidyFloor({ ...row, subsidyMonths: 35 })).toBe(false);
  });
  it('computes a flat’s monthly fee from its area in 0.01 m², rounded half up', () => {
    expect(monthlyNetFeeForAreaFen(row, 8523)).toBe(4262); // 85.23 m² × 0.50 = 42.615 → 42.62
  });
});
