import { describe, expect, it } from 'vitest';
import { siteNames } from '../../src/features/geography/site-name.ts';

// The portal's name follows the deployment: the district when it serves one, the province when
// its districts are all of one province, the bare name otherwise. Expected names written out.

const zhanhe = { name: '湛河区', nameEn: 'Zhanhe District', provinceCode: '410000', province: '河南省', provinceEn: 'Henan Province' };
const xinhua = { name: '新华区', nameEn: 'Xinhua District', provinceCode: '410000', province: '河南省', provinceEn: 'Henan Province' };
const wuchang = { name: '武昌区', nameEn: 'Wuchang District', provinceCode: '420000', province: '湖北省', provinceEn: 'Hubei Province' };

describe('siteNames', () => {
  it('names the one district it serves (the demo’s name, unchanged)', () => {
    expect(siteNames([zhanhe])).toEqual({ zh: '湛河区老旧小区改造公开平台', en: 'Zhanhe District old estate renovation portal' });
  });
  it('names the province when every district is in it', () => {
    expect(siteNames([zhanhe, xinhua])).toEqual({ zh: '河南省老旧小区改造公开平台', en: 'Henan Province old estate renovation portal' });
  });
  it('names no place across provinces, nor before any district', () => {
    const bare = { zh: '老旧小区改造公开平台', en: 'Old estate renovation portal' };
    expect(siteNames([zhanhe, xinhua, wuchang])).toEqual(bare);
    expect(siteNames([])).toEqual(bare);
  });
  it('falls back to the Chinese name of a place without an English one', () => {
    expect(siteNames([{ ...zhanhe, nameEn: '' }]).en).toBe('湛河区 old estate renovation portal');
  });
});
