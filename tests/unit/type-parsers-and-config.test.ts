import { describe, expect, it } from 'vitest';
import { parseInt8, parseTimestamptz } from '../../src/lib/db/type-parsers.ts';
import { readConfig } from '../../src/lib/config.ts';
import { toFeatureCollection } from '../../src/features/map/geojson.ts';
import { projectsCsv } from '../../src/features/open-data/projects-csv.ts';

describe('type parsers', () => {
  it('turns int8 into a number and refuses values that would lose precision', () => {
    expect(parseInt8('123456789012')).toBe(123456789012);
    expect(() => parseInt8('9007199254740993')).toThrow(RangeError);
  });
  it('reads PostgreSQL timestamptz text', () => {
    expect(parseTimestamptz('2021-03-01 09:00:00+08').toISOString()).toBe('2021-03-01T01:00:00.000Z');
    expect(parseTimestamptz('2021-03-01 09:00:00.123+00').toISOString()).toBe('2021-03-01T09:00:00.123Z');
  });
});

describe('settings', () => {
  it('defaults to the embedded database in demo mode on 127.0.0.1:4321', () => {
    const c = readConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.demo).toBe(true);
    expect(c.publicBaseUrl).toBe('http://127.0.0.1:4321');
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.tileUrl).toContain('{z}');
  });
  it('reads the working-day calendar (holidays, make-up working days) and refuses a bad date', () => {
    expect(readConfig({}).workCalendar.holidays.size).toBe(0);
    const c = readConfig({ GONGZHI_HOLIDAYS: '2026-10-01,2026-10-02', GONGZHI_WORKDAYS: '2026-10-10' });
    expect([...c.workCalendar.holidays]).toEqual(['2026-10-01', '2026-10-02']);
    expect(c.workCalendar.makeUpWorkdays.has('2026-10-10')).toBe(true);
    expect(() => readConfig({ GONGZHI_HOLIDAYS: '2026-13-01' })).toThrow(/YYYY-MM-DD/);
  });
  it('turns demo mode off by default with PostgreSQL, and lets it be forced', () => {
    expect(readConfig({ DATABASE_URL: 'postgres://x/y' }).demo).toBe(false);
    expect(readConfig({ DATABASE_URL: 'postgres://x/y', GONGZHI_DEMO: '1' }).demo).toBe(true);
    expect(readConfig({ GONGZHI_DEMO: 'off' }).demo).toBe(false);
  });
  it('uses the Tianditu preset when a key is given', () => {
    const c = readConfig({ TIANDITU_KEY: 'k&y' });
    expect(c.tileUrl).toContain('tianditu.gov.cn');
    expect(c.tileUrl).toContain('tk=k%26y');
    expect(readConfig({ TIANDITU_KEY: 'k', TILE_URL: 'https://t/{z}/{x}/{y}.png' }).tileUrl).toBe('https://t/{z}/{x}/{y}.png');
  });
});

describe('open data formats', () => {
  it('writes compact GeoJSON points in [lng, lat] order', () => {
    const fc = toFeatureCollection([{ code: 'A', title: '甲', titleEn: 'A', stage: 2, lat: 33.1234567, lng: 113.7654321 }], 'zh');
    expect(fc.features[0]!.geometry.coordinates).toEqual([113.765432, 33.123457]);
    expect(fc.features[0]!.properties).toEqual({ code: 'A', title: '甲', stage: 2 });
  });
  it('quotes CSV fields that need it and starts with a BOM', () => {
    const csv = projectsCsv(
      [
        {
          id: 1,
          code: 'A',
          title: '甲,"乙"',
          titleEn: null,
          stage: 1,
          batchYear: 2021,
          households: 3,
          subdistrictCode: 's',
          subdistrictName: '河滨街道',
          subdistrictNameEn: 'H',
          lat: 33.7,
          lng: 113.3,
          totalFen: 12345,
          donationsReceivedFen: 0,
          residentsReceivedFen: 0,
        },
      ],
      'http://x',
      () => '组织宣传',
    );
    expect(csv.startsWith('\uFEFFcode,title')).toBe(true);
    expect(csv).toContain('A,"甲,""乙""",河滨街道,2021,1,组织宣传,3,123.45,0.00,0.00,33.700000,113.300000,http://x/projects/A');
  });
});
