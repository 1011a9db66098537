// Demo geography of Zhanhe District: the nine subdistricts of the plan's annex, with
// invented communities and estates placed at plausible points inside the district.
export interface DemoSubdistrict {
  code: string;
  name: string;
  nameEn: string;
  lat: number;
  lng: number;
  communities: string[];
}

export const SUBDISTRICTS: DemoSubdistrict[] = [
  { code: 'hebin', name: '河滨街道', nameEn: 'Hebin Subdistrict', lat: 33.7275, lng: 113.2985, communities: ['河滨社区', '湛北社区'] },
  { code: 'beidu', name: '北渡街道', nameEn: 'Beidu Subdistrict', lat: 33.7182, lng: 113.262, communities: ['北渡社区', '新庄社区'] },
  { code: 'jingshan', name: '荆山街道', nameEn: 'Jingshan Subdistrict', lat: 33.705, lng: 113.3315, communities: ['荆山社区', '东苑社区'] },
  { code: 'yaomeng', name: '姚孟街道', nameEn: 'Yaomeng Subdistrict', lat: 33.712, lng: 113.2745, communities: ['姚孟社区', '电厂社区'] },
  { code: 'jiulishan', name: '九里山街道', nameEn: 'Jiulishan Subdistrict', lat: 33.7435, lng: 113.346, communities: ['九里山社区', '光明社区'] },
  { code: 'nanhuanlu', name: '南环路街道', nameEn: 'Nanhuanlu Subdistrict', lat: 33.7335, lng: 113.3075, communities: ['南环社区', '建设社区'] },
  { code: 'mazhuang', name: '马庄街道', nameEn: 'Mazhuang Subdistrict', lat: 33.7525, lng: 113.288, communities: ['马庄社区', '和平社区'] },
  { code: 'qinggonglu', name: '轻工路街道', nameEn: 'Qinggonglu Subdistrict', lat: 33.741, lng: 113.3205, communities: ['轻工社区', '纺织社区'] },
  { code: 'gaoyanglu', name: '高阳路街道', nameEn: 'Gaoyanglu Subdistrict', lat: 33.736, lng: 113.276, communities: ['高阳社区', '湛河社区'] },
];

export const ESTATE_STEMS = [
  '建设',
  '电业',
  '纺织',
  '供销',
  '粮食',
  '机械',
  '化工',
  '煤建',
  '印刷',
  '教育',
  '卫生',
  '水利',
  '邮电',
  '交通',
  '商业',
  '物资',
  '二轻',
  '冶金',
  '林业',
  '农机',
  '税务',
  '文化',
  '铁路',
  '园林',
  '气象',
  '地质',
  '烟草',
  '金融',
  '广电',
  '矿工',
];
export const ESTATE_SUFFIXES = ['家属院', '小区', '宿舍', '生活区'];
/** The same names in English, as a district would write them for foreign residents (pinyin stems). */
export const ESTATE_STEMS_EN = [
  'Jianshe',
  'Dianye',
  'Fangzhi',
  'Gongxiao',
  'Liangshi',
  'Jixie',
  'Huagong',
  'Meijian',
  'Yinshua',
  'Jiaoyu',
  'Weisheng',
  'Shuili',
  'Youdian',
  'Jiaotong',
  'Shangye',
  'Wuzi',
  'Erqing',
  'Yejin',
  'Linye',
  'Nongji',
  'Shuiwu',
  'Wenhua',
  'Tielu',
  'Yuanlin',
  'Qixiang',
  'Dizhi',
  'Yancao',
  'Jinrong',
  'Guangdian',
  'Kuanggong',
];
export const ESTATE_SUFFIXES_EN = ['Staff Compound', 'Estate', 'Dormitories', 'Residential Quarter'];
export const ROADS = ['开源路', '湛河路', '建设路', '光明路', '姚孟路', '南环路', '轻工路', '高阳路', '曙光街', '雷锋路'];

export const COMPANIES = {
  design: ['平顶山市城乡规划设计研究院有限公司', '河南鹰城建筑设计有限公司', '平顶山市市政设计院有限公司'],
  construction: ['平顶山市第一建筑工程有限公司', '河南湛河建设集团有限公司', '平顶山市华宇市政工程有限公司', '河南鹰城路桥有限公司'],
  supervision: ['平顶山市建设监理有限公司', '河南诚信工程管理有限公司'],
  property: ['平顶山市安居物业服务有限公司', '湛河区惠民物业管理有限公司', '平顶山市鹰城物业有限公司'],
  operator: ['平顶山市城市运营发展有限公司'],
} as const;

export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
export const GIVEN_NAMES = ['建国', '秀英', '志强', '丽', '伟', '芳', '军', '敏', '磊', '静'];
