import { request, type APIRequestContext } from '@playwright/test';
import { parse as devalueParse } from 'devalue';
import type { Verb } from '../../../src/features/policy/can.ts';
import { BASE_URL } from '../../../playwright.config.ts';

// Every mutating action with the verb it is authorised by and a valid form for it,
// shared by the authorization matrix and the input fuzzing.

export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
export const CSV = Buffer.from('楼栋,单元,楼层,房号,专有面积,业主姓名,身份证号,电话,开发商持有\n8,1,1,101,80.00,,,,是\n');

export type ActorName = 'public' | 'resident' | 'owner' | 'hebinStaff' | 'communityStaffElsewhere' | 'otherSubdistrictStaff' | 'districtAdmin';

/** Actions anyone may call: creating and leaving a session cannot be authorised by one. */
export const PUBLIC_ACTIONS = [
  'accounts.signUp',
  'accounts.resendCode',
  'accounts.confirmPhone',
  'accounts.signIn',
  'accounts.signOut',
  'accounts.resetStart',
  'accounts.resetConfirm',
];

export interface Fixture {
  hebinId: number;
  estateId: number;
  /** an estate whose register the matrix may overwrite: not the one with the demo owners */
  importEstateId: number;
  projectId: number;
  lineId: number;
  noticeId: number;
  importId: number;
  discardImportId: number;
  claimId: number;
  subdistrictToRename: number;
  /** a staff account of 河滨 (setStaffDisabled enables it, which it already is: nothing changes) */
  hebinStaffId?: number;
  /** a draft owners' vote of 河滨 (matrixBallot) */
  ballotId?: number;
  /** a volunteering task on projectId (volunteerTaskForm) */
  taskId?: number;
  /** a published project of 河滨, and a donation offered to it (the matrix's resident) */
  publishedProjectId?: number;
  donationId?: number;
  /** an open consultation on publishedProjectId and the matrix resident's comment on it */
  consultationId?: number;
  commentId?: number;
  /** a consultation closed early by the office, and an opinion of its record */
  closedConsultationId?: number;
  opinionId?: number;
  /** the demo lift open for pledges, its paid pledge, that pledge's payment and its answered objection; the demo bike shed past its deadline */
  schemeId?: number;
  pledgeId?: number;
  paymentId?: number;
  objectionId?: number;
  lapsedSchemeId?: number;
}
export type Part = string | { name: string; mimeType: string; buffer: Buffer };
export interface Case {
  action: string;
  verb: Verb;
  form: (fx: Fixture, actor: ActorName) => Record<string, Part>;
  /** the form field naming the record the policy is asked about: a missing one answers 404 */
  resource?: string;
}

/** Staff downloads (GETs), authorised by a verb like the actions: the matrix asks each of them as every actor. */
export interface ExportCase {
  name: string;
  verb: Verb;
  url: (fx: Fixture & { publishedCode: string }) => string;
}
export const EXPORT_CASES: ExportCase[] = [
  { name: 'volunteer hours of a task', verb: 'volunteer.manage', url: (fx) => `/admin/volunteering/export?task=${fx.taskId ?? 1}` },
  { name: "a project's donations", verb: 'donation.manage', url: (fx) => `/admin/donations/export?project=${encodeURIComponent(fx.publishedCode)}` },
];

export const uniq = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export const CASES: Case[] = [
  { action: 'accounts.changePassword', verb: 'account.update', form: () => ({ current: 'not the password', password: 'a new long password' }) },
  {
    action: 'register.preview',
    verb: 'register.import',
    resource: 'estateId',
    form: (fx) => ({ estateId: String(fx.importEstateId), file: { name: 'r.csv', mimeType: 'text/csv', buffer: CSV } }),
  },
  { action: 'register.confirm', verb: 'register.import', resource: 'importId', form: (fx) => ({ importId: String(fx.importId) }) },
  {
    action: 'register.addOwner',
    verb: 'register.addOwner',
    resource: 'estateId',
    form: (fx) => ({
      estateId: String(fx.estateId),
      building: '99',
      entrance: '9',
      room: '999',
      name: '矩阵继承人',
      idType: 'resident_id',
      idNumber: '11010519491231002X',
      basis: 'inheritance',
      proof: { name: 'p.png', mimeType: 'image/png', buffer: PNG },
    }),
  },
  { action: 'register.discard', verb: 'register.import', resource: 'importId', form: (fx) => ({ importId: String(fx.discardImportId) }) },
  {
    action: 'verification.claim',
    verb: 'verification.claim',
    form: (fx) => ({
      estateId: String(fx.estateId),
      building: '99',
      entrance: '9',
      room: '999',
      name: '测试',
      idType: 'resident_id',
      idNumber: '11010519491231002X',
      consentIdNumber: 'yes',
    }),
  },
  {
    action: 'verification.holdProof',
    verb: 'verification.decide',
    resource: 'verificationId',
    form: (fx) => ({ verificationId: String(fx.claimId), disputed: 'no' }),
  },
  // a wrong password: authorised, refused after the policy check, nobody's account closed
  { action: 'privacy.closeAccount', verb: 'account.update', form: () => ({ password: 'not the password', confirm: 'yes' }) },
  {
    action: 'verification.decide',
    verb: 'verification.decide',
    resource: 'verificationId',
    form: (fx) => ({ verificationId: String(fx.claimId), decision: 'reject', reason: '矩阵测试' }),
  },
  { action: 'verification.confirmHeld', verb: 'verification.decide', resource: 'verificationId', form: (fx) => ({ verificationId: String(fx.claimId) }) },
  {
    action: 'projects.updateBudgetLine',
    verb: 'project.edit',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), lineId: String(fx.lineId), amount: '1000' }),
  },
  {
    action: 'projects.transition',
    verb: 'project.transition',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), stage: '2', enteredOn: '2026-01-01' }),
  },
  {
    action: 'projectEditing.create',
    verb: 'project.create',
    form: (fx) => ({ subdistrictId: String(fx.hebinId), estateIds: String(fx.estateId), batchYear: '2026', title: `矩阵 ${uniq()}`, households: '1' }),
  },
  {
    action: 'projectEditing.updateFields',
    verb: 'project.edit',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), title: '矩阵测试项目', households: '10' }),
  },
  { action: 'projectEditing.publish', verb: 'project.publish', resource: 'projectId', form: (fx) => ({ projectId: String(fx.projectId) }) },
  {
    action: 'projectEditing.addScopeItem',
    verb: 'project.edit',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), code: 'infrastructure.basic.roads', quantity: '1', unit: '㎡', cost: '1' }),
  },
  {
    action: 'projectEditing.addBudgetLine',
    verb: 'project.edit',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), channel: 'city', amount: '1' }),
  },
  {
    action: 'projectEditing.addFee',
    verb: 'project.edit',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), item: '停车费', unit: '元/月', before: '0', after: '1', subsidy: '0', subsidyMonths: '0' }),
  },
  { action: 'projectEditing.removeScopeItem', verb: 'project.edit', resource: 'projectId', form: (fx) => ({ projectId: String(fx.projectId), id: '999999' }) },
  { action: 'projectEditing.removeBudgetLine', verb: 'project.edit', resource: 'projectId', form: (fx) => ({ projectId: String(fx.projectId), id: '999999' }) },
  { action: 'projectEditing.removeFee', verb: 'project.edit', resource: 'projectId', form: (fx) => ({ projectId: String(fx.projectId), id: '999999' }) },
  {
    action: 'projectEditing.addParty',
    verb: 'project.edit',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), name: `监理 ${uniq()}`, role: 'supervision' }),
  },
  {
    action: 'projectEditing.removeParty',
    verb: 'project.edit',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), partyId: '999999', role: 'design' }),
  },
  {
    action: 'notices.create',
    verb: 'notice.publish',
    resource: 'subdistrictId',
    form: (fx) => ({ subdistrictId: String(fx.hebinId), kind: 'other', title: '矩阵测试公告', body: '内容' }),
  },
  { action: 'notices.publish', verb: 'notice.publish', resource: 'noticeId', form: (fx) => ({ noticeId: String(fx.noticeId) }) },
  { action: 'notices.withdraw', verb: 'notice.withdraw', resource: 'noticeId', form: (fx) => ({ noticeId: String(fx.noticeId) }) },
  {
    action: 'documents.upload',
    verb: 'document.upload',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), kind: 'other', title: '矩阵测试文件', file: { name: 'a.png', mimeType: 'image/png', buffer: PNG } }),
  },
  { action: 'district.createSubdistrict', verb: 'subdistrict.manage', form: () => ({ code: `m-${uniq()}`, name: '矩阵街道', nameEn: 'Matrix' }) },
  {
    action: 'district.renameSubdistrict',
    verb: 'subdistrict.manage',
    form: (fx) => ({ renameId: String(fx.subdistrictToRename), renameName: '矩阵街道', renameNameEn: 'Matrix' }),
  },
  {
    action: 'district.createCommunity',
    verb: 'subdistrict.manage',
    form: (fx) => ({ communitySubdistrictId: String(fx.hebinId), communityName: `矩阵社区${uniq()}` }),
  },
  {
    action: 'district.createStaff',
    verb: 'staff.manage',
    form: (fx) => ({
      phone: `135${String(Date.now() + Math.floor(Math.random() * 1e6)).slice(-8)}`,
      displayName: '矩阵',
      password: 'matrix long password',
      staffSubdistrictId: String(fx.hebinId),
    }),
  },
  { action: 'district.setStaffDisabled', verb: 'staff.manage', form: (fx) => ({ userId: String(fx.hebinStaffId ?? 999999), disabled: '0' }) },
  {
    action: 'district.createDistrict',
    verb: 'district.manage',
    form: () => ({
      districtCode: '410402',
      codePrefix: 'XH',
      districtName: '新华区',
      districtNameEn: 'Xinhua District',
      cityCode: '410400',
      cityName: '平顶山市',
      cityNameEn: 'Pingdingshan',
      provinceCode: '410000',
      provinceName: '河南省',
      provinceNameEn: 'Henan Province',
    }),
  },
  {
    action: 'district.createDistrictAdmin',
    verb: 'district.manage',
    form: () => ({ adminPhone: '13500000999', adminName: '矩阵区管理员', adminPassword: 'matrix long password', adminDistrictId: '1' }),
  },
  { action: 'ballots.create', verb: 'ballot.manage', resource: 'estateIds', form: (fx) => ballotForm(fx.estateId) },
  {
    action: 'ballots.publishNotice',
    verb: 'ballot.manage',
    resource: 'ballotId',
    form: (fx) => ({ ballotId: String(fx.ballotId ?? 1), postedOn: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) }),
  },
  { action: 'ballots.open', verb: 'ballot.manage', resource: 'ballotId', form: (fx) => ({ ballotId: String(fx.ballotId ?? 1) }) },
  { action: 'ballots.close', verb: 'ballot.manage', resource: 'ballotId', form: (fx) => ({ ballotId: String(fx.ballotId ?? 1), confirm: 'early' }) },
  {
    action: 'ballots.enterPaper',
    verb: 'ballot.enterPaper',
    resource: 'ballotId',
    form: (fx) => ({
      ballotId: String(fx.ballotId ?? 1),
      voter: 'V0001',
      channel: 'paper',
      mandate: '矩阵纸质票',
      m1: 'agree',
      scan: { name: 's.png', mimeType: 'image/png', buffer: PNG },
    }),
  },
  {
    action: 'ballots.recordProxy',
    verb: 'ballot.enterPaper',
    resource: 'ballotId',
    form: (fx) => ({
      ballotId: String(fx.ballotId ?? 1),
      grantor: 'V0001:1',
      proxyPhone: '13900000103',
      mandate: '矩阵授权委托书',
      scan: { name: 's.png', mimeType: 'image/png', buffer: PNG },
    }),
  },
  { action: 'ballots.revokeProxy', verb: 'ballot.enterPaper', resource: 'ballotId', form: (fx) => ({ ballotId: String(fx.ballotId ?? 1), proxyId: '999999' }) },
  {
    action: 'ballots.publishBulletin',
    verb: 'ballot.manage',
    resource: 'ballotId',
    form: (fx) => ({ ballotId: String(fx.ballotId ?? 1), stage: 'preliminary' }),
  },
  // after the other ballot cases: the first allowed call cancels the matrix ballot
  { action: 'ballots.cancel', verb: 'ballot.manage', resource: 'ballotId', form: (fx) => ({ ballotId: String(fx.ballotId ?? 1), reason: '矩阵测试：取消' }) },
  { action: 'ballots.cast', verb: 'ballot.cast', resource: 'ballotId', form: (fx) => ({ ballotId: String(fx.ballotId ?? 1), m1: 'agree' }) },
  {
    action: 'ballotObjections.lodge',
    verb: 'ballot.object',
    resource: 'ballotId',
    form: (fx) => ({ ballotId: String(fx.ballotId ?? 1), version: '1', body: '矩阵异议' }),
  },
  {
    action: 'ballotObjections.recordWritten',
    verb: 'ballot.manage',
    resource: 'ballotId',
    form: (fx) => ({
      ballotId: String(fx.ballotId ?? 1),
      version: '1',
      estateId: String(fx.estateId),
      building: '1',
      entrance: '1',
      room: '101',
      receivedOn: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
      body: '矩阵书面异议',
    }),
  },
  {
    action: 'ballotObjections.respond',
    verb: 'ballot.manage',
    resource: 'ballotId',
    form: (fx) => ({ ballotId: String(fx.ballotId ?? 1), objectionId: '999999', response: '矩阵答复' }),
  },
  {
    action: 'ballotObjections.cosign',
    verb: 'ballot.manage',
    resource: 'ballotId',
    form: (fx) => ({
      ballotId: String(fx.ballotId ?? 1),
      version: '1',
      memberName: '矩阵委员',
      role: 'member',
      signedOn: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
      scan: { name: 's.png', mimeType: 'image/png', buffer: PNG },
    }),
  },
  { action: 'volunteering.createTask', verb: 'volunteer.manage', resource: 'projectId', form: (fx) => volunteerTaskForm(fx.projectId) },
  { action: 'volunteering.signUp', verb: 'volunteer.signUp', form: (fx) => ({ taskId: String(fx.taskId ?? 1) }) },
  { action: 'volunteering.cancel', verb: 'volunteer.signUp', form: (fx) => ({ taskId: String(fx.taskId ?? 1) }) },
  {
    action: 'volunteering.markAttendance',
    verb: 'volunteer.manage',
    resource: 'taskId',
    form: (fx) => ({ taskId: String(fx.taskId ?? 1), signupId: '999999', attended: '1', hours: '2' }),
  },
  // the inbox: every signed-in person marks their own messages read and chooses for themself
  { action: 'notifications.markRead', verb: 'notification.manage', form: () => ({ all: '1' }) },
  { action: 'notifications.savePreferences', verb: 'notification.manage', form: () => ({ vote_opened: 'sms', notice_on_my_estate: 'portal' }) },
  { action: 'donations.offer', verb: 'donation.offer', form: (fx) => ({ projectId: String(fx.publishedProjectId ?? 1), kind: 'money', amount: '1.00' }) },
  {
    action: 'donations.decide',
    verb: 'donation.manage',
    resource: 'donationId',
    form: (fx) => ({ donationId: String(fx.donationId ?? 1), decision: 'accept' }),
  },
  {
    action: 'donations.receive',
    verb: 'donation.manage',
    resource: 'donationId',
    form: (fx) => ({ donationId: String(fx.donationId ?? 1), receivedOn: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10), receiptNo: 'MX-1' }),
  },
  { action: 'consultations.open', verb: 'consultation.manage', resource: 'projectId', form: (fx) => consultationForm(fx.publishedProjectId ?? 1) },
  {
    action: 'consultations.comment',
    verb: 'consultation.comment',
    resource: 'consultationId',
    form: (fx) => ({ consultationId: String(fx.consultationId ?? 1), body: '矩阵意见' }),
  },
  {
    action: 'consultations.edit',
    verb: 'consultation.comment',
    resource: 'commentId',
    form: (fx) => ({ commentId: String(fx.commentId ?? 1), body: '矩阵修改' }),
  },
  { action: 'consultations.report', verb: 'consultation.comment', resource: 'commentId', form: (fx) => ({ commentId: String(fx.commentId ?? 1) }) },
  { action: 'consultations.delete', verb: 'consultation.comment', resource: 'commentId', form: (fx) => ({ commentId: String(fx.commentId ?? 1) }) },
  {
    action: 'consultations.enterPaper',
    verb: 'consultation.manage',
    resource: 'consultationId',
    form: (fx) => ({ consultationId: String(fx.consultationId ?? 1), channel: 'paper', building: '3', body: '矩阵书面意见' }),
  },
  {
    action: 'consultations.hide',
    verb: 'consultation.manage',
    resource: 'commentId',
    form: (fx) => ({ commentId: String(fx.commentId ?? 1), reason: '矩阵隐藏' }),
  },
  {
    action: 'consultations.review',
    verb: 'consultation.manage',
    resource: 'commentId',
    form: (fx) => ({ commentId: String(fx.commentId ?? 1), decision: 'restore', reason: '' }),
  },
  {
    action: 'consultations.close',
    verb: 'consultation.manage',
    resource: 'consultationId',
    form: (fx) => ({ consultationId: String(fx.closedConsultationId ?? 1), earlyReason: '矩阵提前结束' }),
  },
  {
    action: 'consultations.dispose',
    verb: 'consultation.manage',
    resource: 'opinionId',
    form: (fx) => ({ opinionId: String(fx.opinionId ?? 1), disposition: 'answered', reason: '矩阵答复' }),
  },
  {
    action: 'consultations.publish',
    verb: 'consultation.manage',
    resource: 'consultationId',
    form: (fx) => ({ consultationId: String(fx.closedConsultationId ?? 1) }),
  },
  // cost-share schemes: valid forms that the commands refuse for the allowed actors, so that the demo schemes stay as they are
  { action: 'costshare.create', verb: 'scheme.manage', resource: 'projectId', form: (fx) => ({ projectId: String(fx.projectId), ...schemeForm(fx) }) },
  { action: 'costshare.edit', verb: 'scheme.manage', resource: 'schemeId', form: (fx) => ({ schemeId: String(fx.schemeId ?? 1), ...schemeForm(fx) }) },
  { action: 'costshare.post', verb: 'scheme.manage', resource: 'schemeId', form: (fx) => ({ schemeId: String(fx.schemeId ?? 1) }) },
  {
    action: 'costshare.paperObjection',
    verb: 'scheme.manage',
    resource: 'schemeId',
    form: (fx) => ({ schemeId: String(fx.schemeId ?? 1), flat: '1-1-101', channel: 'paper', receivedOn: '2026-01-02', body: '矩阵书面异议' }),
  },
  {
    action: 'costshare.answerObjection',
    verb: 'scheme.manage',
    resource: 'objectionId',
    form: (fx) => ({ objectionId: String(fx.objectionId ?? 1), response: '矩阵答复' }),
  },
  { action: 'costshare.openPledging', verb: 'scheme.manage', resource: 'schemeId', form: (fx) => ({ schemeId: String(fx.schemeId ?? 1) }) },
  {
    action: 'costshare.correct',
    verb: 'scheme.manage',
    resource: 'schemeId',
    form: (fx) => ({ schemeId: String(fx.schemeId ?? 1), reason: '矩阵更正', ...schemeForm(fx) }),
  },
  {
    action: 'costshare.withdraw',
    verb: 'scheme.manage',
    resource: 'schemeId',
    form: (fx) => ({ schemeId: String(fx.lapsedSchemeId ?? 1), reason: '矩阵撤回' }),
  },
  {
    action: 'costshare.paperPledge',
    verb: 'scheme.manage',
    resource: 'schemeId',
    form: (fx) => ({ schemeId: String(fx.schemeId ?? 1), householdNo: '99999', scan: { name: 's.png', mimeType: 'image/png', buffer: PNG } }),
  },
  {
    action: 'costshare.payment',
    verb: 'scheme.manage',
    resource: 'pledgeId',
    form: (fx) => ({ pledgeId: String(fx.pledgeId ?? 1), amount: '1.00', paidOn: '2026-01-02', method: 'cash', receiptNo: 'MX-CS' }),
  },
  {
    action: 'costshare.refund',
    verb: 'scheme.manage',
    resource: 'paymentId',
    form: (fx) => ({ paymentId: String(fx.paymentId ?? 1), refundedOn: '2026-01-02', method: 'cash', receiptNo: 'MX-CS' }),
  },
  {
    action: 'costshare.object',
    verb: 'scheme.pledge',
    resource: 'schemeId',
    form: (fx) => ({ schemeId: String(fx.schemeId ?? 1), unitId: '1', body: '矩阵异议' }),
  },
  { action: 'costshare.pledge', verb: 'scheme.pledge', resource: 'schemeId', form: (fx) => ({ schemeId: String(fx.schemeId ?? 1), householdNo: '99999' }) },
  { action: 'costshare.withdrawPledge', verb: 'scheme.pledge', resource: 'pledgeId', form: (fx) => ({ pledgeId: String(fx.pledgeId ?? 1) }) },
  { action: 'ratings.open', verb: 'rating.manage', resource: 'projectId', form: (fx) => ({ projectId: String(fx.projectId) }) },
  { action: 'ratings.rate', verb: 'rating.rate', form: (fx) => ({ projectId: String(fx.publishedProjectId ?? 1), householdId: '999999', ...ratingScores() }) },
  {
    action: 'ratings.enterPaper',
    verb: 'rating.manage',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), flat: '1-1-101', ...ratingScores(), scan: { name: 's.png', mimeType: 'image/png', buffer: PNG } }),
  },
  // a rating comment that does not exist: the command refuses it after authorising
  {
    action: 'ratings.reportComment',
    verb: 'rating.report',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.publishedProjectId ?? 1), ratingId: '999999', version: '1' }),
  },
  {
    action: 'ratings.hideComment',
    verb: 'rating.manage',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), ratingId: '999999', version: '1', reason: '矩阵隐藏' }),
  },
  {
    action: 'ratings.restoreComment',
    verb: 'rating.manage',
    resource: 'projectId',
    form: (fx) => ({ projectId: String(fx.projectId), ratingId: '999999', version: '1' }),
  },
];

/** A valid scheme form whose deadline is long past: every command refuses it after authorising. */
function schemeForm(fx: Fixture): Record<string, Part> {
  return {
    title: '矩阵方案',
    item: '矩阵',
    estateId: String(fx.estateId),
    method: 'equal',
    total: '100.00',
    pledgeDeadline: '2020-01-01',
    postingDays: '7',
  };
}

/** A valid form for a consultation on a published project, its last day ten days ahead (Beijing time). */
export function consultationForm(projectId: number): Record<string, Part> {
  const lastDay = new Date(Date.now() + 8 * 3_600_000 + 10 * 86_400_000).toISOString().slice(0, 10);
  return { projectId: String(projectId), title: `矩阵意见征集 ${uniq()}`, body: '矩阵', lastDay };
}

/** A valid form for a volunteering task on a project, two days ahead (Beijing time). */
export function volunteerTaskForm(projectId: number): Record<string, Part> {
  const local = (hours: number) => new Date(Date.now() + 8 * 3_600_000 + hours * 3_600_000).toISOString().slice(0, 16);
  return { projectId: String(projectId), title: `矩阵志愿任务 ${uniq()}`, place: '矩阵楼前', startsAt: local(48), endsAt: local(50), places: '3' };
}

/** A valid form for a new owners' vote of one estate, opening in 30 days. */
function ballotForm(estateId: number): Record<string, Part> {
  const local = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 16);
  return {
    convener: 'subdistrict',
    title: `矩阵表决 ${uniq()}`,
    noticeDays: '15',
    opensAt: local(30),
    closesAt: local(40),
    estateIds: String(estateId),
    matterTitle: '矩阵事项',
    matterItem: '7',
  };
}

/** A draft owners' vote of the estate, for the matrix to aim ballot actions at. */
export async function matrixBallot(ctx: APIRequestContext, estateId: number): Promise<number> {
  const res = await call(ctx, 'ballots.create', ballotForm(estateId));
  const id = Number((devalueParse(res.body) as { ballotId?: number }).ballotId);
  if (!Number.isInteger(id) || id <= 0) throw new Error(`matrix ballot not created: ${res.status} ${res.body.slice(0, 200)}`);
  return id;
}

export async function context(): Promise<APIRequestContext> {
  return request.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { origin: BASE_URL } });
}

export async function call(ctx: APIRequestContext, action: string, form: Record<string, Part>) {
  const res = await ctx.post(`/_actions/${action}`, { multipart: form });
  return { status: res.status(), body: await res.text() };
}

/** Every one of the ten goals rated 4. */
export function ratingScores(): Record<string, string> {
  return Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`g${i + 1}`, '4']));
}
