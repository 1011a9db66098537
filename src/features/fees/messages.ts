import type { EnglishOf } from '../../i18n/define.ts';

export const feesZh = {
  'fees.item': '收费项目',
  'fees.unit': '计费单位',
  'fees.before': '改造前（元）',
  'fees.after': '改造后（元）',
  'fees.subsidy': '区财政补贴（元）',
  'fees.months': '补贴期限（月）',
  'fees.net': '业主实缴（元）',
  'fees.note': '改造后区财政按建筑面积给予物业费补贴，每月每平方米不低于 0.3 元，期限不少于 3 年。',
} as const;

export const feesEn = {
  'fees.item': 'Fee item',
  'fees.unit': 'Unit',
  'fees.before': 'Before (yuan)',
  'fees.after': 'After (yuan)',
  'fees.subsidy': 'District subsidy (yuan)',
  'fees.months': 'Subsidy period (months)',
  'fees.net': 'Owner pays (yuan)',
  'fees.note': 'After renovation the district subsidises property fees by at least 0.3 yuan per m² of floor area per month for at least 3 years.',
} satisfies EnglishOf<typeof feesZh>;
