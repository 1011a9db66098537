import { describe, expect, it } from 'vitest';
import { generateDemo } from '../../db/seed/generate.ts';
import { SCOPE_CATEGORIES, categoryOf } from '../../src/features/projects/taxonomy.ts';
import { isValidUscc } from '../../src/features/projects/parties.ts';
import { DEMO_DONATION } from '../../db/seed/demo-donations.ts';

describe('demo data', () => {
  const data = generateDemo();
  it('covers the nine subdistricts with at least 24 estates inside Zhanhe', () => {
    expect(new Set(data.estates.map((e) => e.subdistrictCode)).size).toBe(9);
    expect(data.estates.length).toBeGreaterThanOrEqual(24);
    for (const e of data.estates) {
      expect(e.lat).toBeGreaterThanOrEqual(33.7);
      expect(e.lat).toBeLessThanOrEqual(33.76);
      expect(e.lng).toBeGreaterThanOrEqual(113.25);
      expect(e.lng).toBeLessThanOrEqual(113.36);
      expect(e.buildYear).toBeLessThan(2000);
    }
  });
  it('represents every stage, merges some adjacent estates, and gives each project complete disclosures', () => {
    expect(new Set(data.projects.map((p) => p.stage)).size).toBe(6);
    expect(data.projects.some((p) => p.estateKeys.length > 1)).toBe(true);
    for (const p of data.projects) {
      expect(new Set(p.scope.map((s) => categoryOf(s.code)))).toEqual(new Set(SCOPE_CATEGORIES));
      expect(new Set(p.budget.map((b) => b.channel)).size).toBeGreaterThanOrEqual(5);
      expect(p.budget.reduce((a, b) => a + b.amountFen, 0)).toBe(p.scope.reduce((a, s) => a + s.costFen, 0));
      expect(p.parties.every((x) => isValidUscc(x.uscc))).toBe(true);
      expect(p.fees.some((f) => f.subsidyFen === 30 && f.subsidyMonths === 36)).toBe(true);
      expect(p.stageEvents.length).toBe(p.stage);
      expect(p.notices.length).toBeGreaterThan(0);
    }
  });
  it('has one volunteering task, ahead of the seeding day, on the project of the demo owners’ estate', () => {
    expect(data.volunteerTasks).toHaveLength(1);
    const v = data.volunteerTasks[0]!;
    const project = data.projects.find((p) => p.code === v.projectCode)!;
    expect(project.estateKeys).toContain(data.estates[0]!.key);
    expect(v.startsInDays).toBeGreaterThan(0);
    expect(v.places).toBeGreaterThan(0);
    expect(v.durationMinutes).toBeGreaterThan(0);
    expect(v.durationMinutes).toBeLessThanOrEqual(24 * 60);
    expect(v.startTime).toMatch(/^\d{2}:\d{2}$/);
  });
  it('gives every project and estate an English title, summary and name, as a district writing for foreign residents would', () => {
    const han = /[\u3400-\u9fff]/;
    for (const p of data.projects) {
      expect(p.titleEn, p.code).toMatch(/^Renovation of /);
      expect(p.titleEn).not.toMatch(han);
      expect(p.summaryEn).toContain(`${p.households} households`);
      expect(p.summaryEn).not.toMatch(han);
    }
    for (const e of data.estates) {
      expect(e.nameEn).toMatch(/^[A-Z][A-Za-z .0-9]+$/);
      expect(e.nameEn).not.toMatch(han);
    }
    expect(new Set(data.estates.map((e) => e.nameEn)).size).toBe(data.estates.length);
  });
  it('is the same every time and scales to many projects', () => {
    expect(generateDemo().projects[5]).toEqual(data.projects[5]);
    const big = generateDemo(2000);
    expect(big.projects.length).toBe(2000);
    expect(new Set(big.projects.map((p) => p.code)).size).toBe(2000);
  });
  it('has one received demo donation of money, anonymous, with a receipt number (written with the demo accounts; tests/integration/donations.test.ts seeds it)', () => {
    expect(DEMO_DONATION.kind).toBe('money');
    expect(Number.isSafeInteger(DEMO_DONATION.amountFen) && DEMO_DONATION.amountFen > 0).toBe(true);
    expect(DEMO_DONATION.displayName).toBeNull();
    expect(DEMO_DONATION.receiptNo).toMatch(/^DEMO-/);
  });
});
