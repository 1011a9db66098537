import { describe, expect, it } from 'vitest';
import { containsPattern, filtersToQuery, parseFilters, parseFiltersLenient } from '../../src/features/projects/filters.ts';
import { readPrefs, safeNext } from '../../src/i18n/prefs.ts';
import { translator, hasKey, pick } from '../../src/i18n/index.ts';
import { zh } from '../../src/i18n/zh.ts';
import { en } from '../../src/i18n/en.ts';

describe('project filters', () => {
  it('parses valid filters strictly', () => {
    const r = parseFilters(new URLSearchParams('subdistrict=hebin&stage=3&year=2021&category=services'));
    expect(r.success && r.data).toEqual({ subdistrict: 'hebin', stage: 3, year: 2021, category: 'services' });
  });
  it('rejects a bad value in strict mode and drops only it in lenient mode', () => {
    const params = new URLSearchParams('stage=9&year=2021&subdistrict=<script>');
    expect(parseFilters(params).success).toBe(false);
    expect(parseFiltersLenient(params)).toEqual({ year: 2021 });
  });
  it('ignores empty values and round-trips to a query string', () => {
    const f = parseFiltersLenient(new URLSearchParams('stage=&year=2020'));
    expect(f).toEqual({ year: 2020 });
    expect(filtersToQuery(f)).toBe('?year=2020');
    expect(filtersToQuery({})).toBe('');
  });
});

describe('the search text', () => {
  it('is trimmed, kept to 60 characters, and travels with the other filters to the map feed', () => {
    expect(parseFiltersLenient(new URLSearchParams('q=%20纺织%20&stage=2'))).toEqual({ q: '纺织', stage: 2 });
    expect(parseFiltersLenient(new URLSearchParams(`q=${'号'.repeat(61)}`))).toEqual({});
    expect(parseFilters(new URLSearchParams(`q=${'号'.repeat(61)}`)).success).toBe(false);
    expect(filtersToQuery({ q: '建设路 12号', year: 2021 })).toBe('?q=%E5%BB%BA%E8%AE%BE%E8%B7%AF+12%E5%8F%B7&year=2021');
  });
  it('matches its own % and _ literally', () => {
    expect(containsPattern('纺织')).toBe('%纺织%');
    expect(containsPattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });
});

describe('preferences', () => {
  it('defaults to Chinese and standard mode', () => {
    expect(readPrefs(() => undefined)).toEqual({ lang: 'zh', elder: false });
    expect(readPrefs((n) => ({ gz_lang: 'en', gz_elder: '1' })[n])).toEqual({ lang: 'en', elder: true });
    expect(readPrefs((n) => ({ gz_lang: 'fr' })[n]).lang).toBe('zh');
  });
  it('follows only same-site paths', () => {
    expect(safeNext('/projects/A')).toBe('/projects/A');
    for (const bad of ['https://evil.example', '//evil.example', '/\\evil', null, 'javascript:alert(1)']) expect(safeNext(bad)).toBe('/');
  });
});

describe('dictionaries', () => {
  it('have the same keys and no empty message in either language', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const dict of [zh, en]) for (const [k, v] of Object.entries(dict)) expect(v.trim(), k).not.toBe('');
  });
  it('fill placeholders and report missing keys', () => {
    expect(translator('en')('home.count', { n: 3 })).toBe('3 projects');
    expect(translator('zh')('home.count', { n: 3 })).toBe('共 3 个项目');
    expect(hasKey('stage.3')).toBe(true);
    expect(hasKey('stage.9')).toBe(false);
    expect(pick('en', '中文', null)).toBe('中文');
    expect(pick('en', '中文', 'English')).toBe('English');
  });
});
