import type { EnglishOf } from '../../i18n/define.ts';

export const geographyZh = {
  'subdistrict.projects': '本街道改造项目',
  'subdistrict.communities': '社区',
  'subdistrict.estates': '小区',
  'officeScope.district': '区',
  'officeScope.allDistricts': '全部区',
  'officeScope.readOnly': '您是省管理员：可查看各区的全部内容；新建、发布、审核、导入等办理事项由所在街道的工作人员和区管理员进行。',
  'officeScope.estatesTitle': '各区小区',
  'officeScope.households': '户数',
  'site.portalOf': '{place}老旧小区改造公开平台',
  'site.portal': '老旧小区改造公开平台',
} as const;

export const geographyEn = {
  'subdistrict.projects': 'Projects in this subdistrict',
  'subdistrict.communities': 'Communities',
  'subdistrict.estates': 'Estates',
  'officeScope.district': 'District',
  'officeScope.allDistricts': 'All districts',
  'officeScope.readOnly':
    'You are the province administrator: you read everything in every district; creating, publishing, deciding and importing are for the staff of the subdistrict and the district administrator.',
  'officeScope.estatesTitle': 'Estates by district',
  'officeScope.households': 'Households',
  'site.portalOf': '{place} old estate renovation portal',
  'site.portal': 'Old estate renovation portal',
} satisfies EnglishOf<typeof geographyZh>;
