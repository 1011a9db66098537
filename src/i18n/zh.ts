// zh-CN, the default language. Every key must also exist in en.ts (the type enforces it).
// Shared words live here; a feature's own words live in src/features/<f>/messages.ts and are
// spread into `zh` below (see src/i18n/define.ts).
import { accountsZh } from '../features/accounts/messages.ts';
import { auditZh } from '../features/audit/messages.ts';
import { ballotsZh } from '../features/ballots/messages.ts';
import { consultationsZh } from '../features/consultations/messages.ts';
import { costshareZh } from '../features/costshare/messages.ts';
import { donationsZh } from '../features/donations/messages.ts';
import { reportsZh } from '../features/reports/messages.ts';
import { ratingsZh } from '../features/ratings/messages.ts';
import { notificationsZh } from '../features/notifications/messages.ts';
import { feesZh } from '../features/fees/messages.ts';
import { fundingZh } from '../features/funding/messages.ts';
import { geographyZh } from '../features/geography/messages.ts';
import { mapZh } from '../features/map/messages.ts';
import { noticesZh } from '../features/notices/messages.ts';
import { openDataZh } from '../features/open-data/messages.ts';
import { privacyZh } from '../features/privacy/messages.ts';
import { projectsZh } from '../features/projects/messages.ts';
import { registerZh } from '../features/register/messages.ts';
import { volunteeringZh } from '../features/volunteering/messages.ts';

const sharedZh = {
  'site.name': '共治',
  'nav.home': '首页',
  'nav.notices': '公告公示',
  'nav.openData': '开放数据',
  'nav.skip': '跳到正文',
  'nav.main': '主导航',
  'prefs.lang': 'English',
  'prefs.elderOn': '长辈版',
  'prefs.elderOff': '标准版',
  'prefs.elderLabel': '长辈版：更大字号、更高对比度',
  'demo.banner': '演示数据：本站当前显示的项目、小区和公告均为演示用虚构数据。',
  'filter.title': '筛选',
  'filter.subdistrict': '街道',
  'filter.stage': '阶段',
  'filter.year': '批次年度',
  'filter.category': '改造内容',
  'filter.all': '全部',
  'filter.apply': '筛选',
  'filter.reset': '清除筛选',
  'filter.q': '小区名称、地址或项目编号',
  'filter.qHint': '输入小区名称的一部分即可，例如“{example}”。',
  'pager.label': '分页',
  'pager.prev': '上一页',
  'pager.next': '下一页',
  'pager.status': '第 {page} 页，共 {pages} 页',
  'error.404.title': '页面不存在',
  'error.404.body': '您要找的页面不存在或已被移除。',
  'error.500.title': '服务器出错了',
  'error.500.body': '很抱歉，处理您的请求时出现问题。请稍后再试。',
  'error.back': '返回首页',
  'footer.about': '共治：开源的老旧小区改造公开平台。所有公开信息可自由下载。',
  'common.yes': '是',
  'common.no': '否',
  'common.demo': '演示',
  'common.household': '户',
  'common.backToList': '返回项目列表',
  'common.colon': '：',
  'err.phone': '请输入 11 位中国大陆手机号',
  'err.required': '此项必填',
  'err.tooLong': '内容过长',
  'err.rateLimited': '操作太频繁，请稍后再试',
  'err.idKeyMissing': '本站尚未设置证件号码密钥，暂时无法处理证件号码，请联系管理员',
  'err.passwordWrong': '当前密码不正确',
  'err.forbidden': '您没有权限进行此操作',
  'err.origin': '请求来源不被接受',
  'err.form': '请检查下面标出的内容',
  'nav.signIn': '登录',
  'nav.account': '我的账户',
  'nav.admin': '工作台',
  'admin.title': '工作台',
  'admin.register': '业主名册导入',
  'admin.estates': '本辖区小区',
  'err.fileRequired': '请选择文件',
  'err.fileEmpty': '文件是空的',
  'err.fileTooLarge': '文件超过 10 MB',
  'admin.verifications': '业主身份核验',
  'admin.saved': '已保存。',
  'err.noSuchFlat': '名册中没有这套房屋，请核对楼栋、单元和房号',
  'err.signInFirst': '请先登录',
  'err.fileTooLargeProof': '文件超过 5 MB',
  'err.proofType': '只接受 PNG、JPEG、WebP 图片或 PDF 文件',
  'err.reasonRequired': '不通过时请填写理由',
  'err.noProof': '这条申请没有证明材料',
  'admin.projects': '改造项目',
  'admin.published': '已公开',
  'admin.draft': '草稿',
  'admin.publicPage': '查看公开页面',
  'admin.save': '保存',
  'err.amount': '请输入金额（元），最多两位小数',
  'err.notFound': '找不到这条记录',
  'err.date': '请输入有效日期',
  'admin.remove': '删除',
  'admin.add': '添加',
  'admin.publish': '公开发布',
  'err.number': '请输入有效的整数',
  'err.dateOrder': '完工日期不能早于开工日期',
  'nav.ballots': '业主表决',
  'err.dateTime': '请输入有效的日期和时间',
  'err.dateInFuture': '日期不能晚于今天',
  'err.bodyTooLarge': '请求内容过大',
  'err.noSuchFile': '文件不存在',
} as const;

/** Every part of the dictionary, shared first; tests check no key is defined twice. */
export const zhParts = {
  shared: sharedZh,
  accounts: accountsZh,
  audit: auditZh,
  ballots: ballotsZh,
  consultations: consultationsZh,
  costshare: costshareZh,
  donations: donationsZh,
  ratings: ratingsZh,
  reports: reportsZh,
  notifications: notificationsZh,
  fees: feesZh,
  funding: fundingZh,
  geography: geographyZh,
  map: mapZh,
  notices: noticesZh,
  'open-data': openDataZh,
  privacy: privacyZh,
  projects: projectsZh,
  register: registerZh,
  volunteering: volunteeringZh,
} as const;

export const zh = {
  ...sharedZh,
  ...accountsZh,
  ...auditZh,
  ...ballotsZh,
  ...consultationsZh,
  ...costshareZh,
  ...donationsZh,
  ...ratingsZh,
  ...reportsZh,
  ...notificationsZh,
  ...feesZh,
  ...fundingZh,
  ...geographyZh,
  ...mapZh,
  ...noticesZh,
  ...openDataZh,
  ...privacyZh,
  ...projectsZh,
  ...registerZh,
  ...volunteeringZh,
} as const;

export type MessageKey = keyof typeof zh;
