import type { EnglishOf } from '../../i18n/define.ts';

export const geographyZh = {
  'subdistrict.projects': '本街道改造项目',
  'subdistrict.communities': '社区',
  'subdistrict.estates': '小区',
} as const;

export const geographyEn = {
  'subdistrict.projects': 'Projects in this subdistrict',
  'subdistrict.communities': 'Communities',
  'subdistrict.estates': 'Estates',
} satisfies EnglishOf<typeof geographyZh>;
