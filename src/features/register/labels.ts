import type { AreaSource, IdType } from './model.ts';

/** Chinese labels used in files, exports and printed sheets. */
export const ID_TYPE_LABELS: Record<IdType, string> = {
  resident_id: '身份证',
  uscc: '统一社会信用代码',
  passport: '护照',
  hmt_permit: '港澳台居民证件',
};

export const AREA_SOURCE_LABELS: Record<AreaSource, string> = {
  registered: '登记',
  surveyed: '实测',
  contract: '合同',
};

const key = (text: string): string =>
  text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');

const ID_TYPE_WORDS = new Map<string, IdType>(
  Object.entries({
    身份证: 'resident_id',
    居民身份证: 'resident_id',
    residentid: 'resident_id',
    idcard: 'resident_id',
    统一社会信用代码: 'uscc',
    信用代码: 'uscc',
    uscc: 'uscc',
    护照: 'passport',
    passport: 'passport',
    港澳台居民证件: 'hmt_permit',
    港澳居民来往内地通行证: 'hmt_permit',
    回乡证: 'hmt_permit',
    台湾居民来往大陆通行证: 'hmt_permit',
    台胞证: 'hmt_permit',
    港澳台居民居住证: 'hmt_permit',
    hmtpermit: 'hmt_permit',
    hmt: 'hmt_permit',
  }) as [string, IdType][],
);

const AREA_SOURCE_WORDS = new Map<string, AreaSource>(
  Object.entries({
    登记: 'registered',
    registered: 'registered',
    实测: 'surveyed',
    surveyed: 'surveyed',
    合同: 'contract',
    contract: 'contract',
  }) as [string, AreaSource][],
);

const YES_NO = new Map<string, boolean>(
  Object.entries({
    是: true,
    否: false,
    yes: true,
    no: false,
    true: true,
    false: false,
    '1': true,
    '0': false,
    y: true,
    n: false,
  }),
);

export function parseIdType(text: string): IdType | null {
  return ID_TYPE_WORDS.get(key(text)) ?? null;
}

export function parseAreaSource(text: string): AreaSource | null {
  return AREA_SOURCE_WORDS.get(key(text)) ?? null;
}

export function parseYesNo(text: string): boolean | null {
  return YES_NO.get(key(text)) ?? null;
}
