import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { ART_278_ITEMS } from './matters.ts';
import { parseAreaM2 } from './area.ts';
import { electorateText, type BallotDetail } from './web-queries.ts';
import { legalEarliestOpening, toLocalDateTime } from './notice-period.ts';
import { cstDate } from '../../lib/calendar.ts';
import type { RecountResult } from './bulletin.ts';
import { refuse } from '../../i18n/index.ts';

// The public notices of a vote, in the notices table so that they are listed with every
// other notice and printable for the estate's board with a QR code: the meeting notice
// (posted with the ballot's move to "noticed", in one transaction), and a result notice
// for each published bulletin version. Written in Chinese, as posted on the board; no
// names or phone numbers.

type DB = Kysely<Database>;

const CONVENER_ZH: Record<string, (subdistrict: string) => string> = {
  owners_committee: () => '业主委员会',
  subdistrict: (s) => s,
  residents_committee: () => '社区居民委员会',
};
export const convenerZh = (convener: string, subdistrict: string) => (CONVENER_ZH[convener] ?? (() => convener))(subdistrict);

const when = (d: Date) => toLocalDateTime(d).replace('T', ' ');
const itemLabel = (item: number) => ART_278_ITEMS.find((i) => i.item === item)?.zh ?? '';

export function meetingNoticeText(b: BallotDetail, postedOn: string, baseUrl: string, publishedOn: string = postedOn) {
  const title = `业主大会会议（表决）通知：${b.title}`.slice(0, 200);
  const lines = [
    `${electorateText(b.scopes, 'zh')}的业主：`,
    '',
    `根据《中华人民共和国民法典》第二百七十八条和《物业管理条例》，${convenerZh(b.convener, b.subdistrict)}定于 ${when(b.opens_at)} 至 ${when(b.closes_at)}（北京时间）召开业主大会会议，以书面和网上表决方式对下列事项进行表决：`,
    ...b.matters.map(
      (m, i) =>
        `${i + 1}. ${m.title}（民法典第二百七十八条第${m.art278_item}项“${itemLabel(m.art278_item)}”，${m.kind === 'major' ? '重大事项' : '一般事项'}）`,
    ),
    '',
    ...(b.explanation ? [`说明：${b.explanation}`, ''] : []),
    '表决规则：专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决（弃权也计为参与）；重大事项须经参与表决专有部分面积四分之三以上且参与表决人数四分之三以上的业主同意，其他事项须经参与表决专有部分面积过半数且参与表决人数过半数的业主同意。未达到的，为“未形成有效决定”。',
    `投票人名册（房号和面积，不含姓名；本次表决范围内的已认证业主登录后可查阅）请在表决开始前核对：${baseUrl}/ballots/${b.id}/roll`,
    `已认证业主可登录网上表决：${baseUrl}/ballots/${b.id}；也可领取纸质表决票，或书面委托他人（授权委托书）代为表决。表决截止前可以更改，以最后一次为准。`,
    `本通知于 ${postedOn} 在小区公告栏张贴，${publishedOn} 在本网站发布；表决最早于 ${when(legalEarliestOpening(new Date(`${postedOn}T00:00:00+08:00`), b.notice_days))} 开始。`,
  ];
  return { title, body: lines.join('\n') };
}

/**
 * Moves a draft ballot to "noticed" with the posting date of its meeting notice on the board
 * and the moment it is published here, and publishes the notice, in one transaction with
 * their audit entries (both dates, and whether a photo of the posted sheet is kept).
 */
export async function postMeetingNotice(
  db: DB,
  actorUserId: number,
  b: BallotDetail,
  postedAt: Date,
  baseUrl: string,
  now = new Date(),
  photoKey: string | null = null,
) {
  const sheet = meetingNoticeText(b, cstDate(postedAt), baseUrl, cstDate(now));
  return db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('ballots')
      .set({ status: 'noticed', notice_published_at: postedAt, notice_online_at: now, notice_photo_key: photoKey })
      .where('id', '=', b.id)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return refuse('err.ballotState');
    const notice = await trx
      .insertInto('notices')
      .values({
        subdistrict_id: b.subdistrict_id,
        project_id: b.project_id !== null && b.project_published_at ? b.project_id : null,
        kind: 'other',
        title: sheet.title,
        body: sheet.body,
        published_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorUserId,
      action: 'ballot.notice',
      target: `ballot:${b.id}`,
      detail: { postedOn: cstDate(postedAt), publishedOn: cstDate(now), publishedAt: now.toISOString(), photo: photoKey !== null, noticeId: notice.id },
    });
    await appendAudit(trx, {
      actorUserId,
      action: 'notice.publish',
      target: `notice:${notice.id}`,
      detail: { publishedAt: now.toISOString(), ballotId: b.id },
    });
    return { ok: true as const, noticeId: notice.id };
  });
}

/**
 * A share as a percentage with one decimal, rounded half up from integers only (15/39 is
 * 38.5 %), except that a share short of all never shows 100.0 % and a share above none
 * never shows 0.0 %.
 */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return '—';
  let permille = Math.floor((part * 2000 + whole) / (2 * whole));
  if (part < whole && permille >= 1000) permille = 999;
  if (part > 0 && permille <= 0) permille = 1;
  return `${Math.floor(permille / 10)}.${permille % 10}%`;
}
const area = (s: string) => parseAreaM2(s) ?? 0;

/** What a result notice announces: the bulletin version and, for the final one, how many objections the period brought. */
export interface NoticedBulletin {
  version: number;
  stage: 'preliminary' | 'final';
  sha256: string;
  objections?: number;
}

export function resultNoticeText(b: BallotDetail, results: RecountResult, bulletin: NoticedBulletin, baseUrl: string) {
  const stage = bulletin.stage === 'preliminary' ? '初步公告' : '最终公告';
  const title = `业主大会表决结果${stage}（第 ${bulletin.version} 版）：${b.title}`.slice(0, 200);
  const lines = [
    `${electorateText(b.scopes, 'zh')}的业主：`,
    '',
    `${convenerZh(b.convener, b.subdistrict)}组织的业主大会表决已于 ${when(b.closed_at ?? b.closes_at)} 结束，结果如下：`,
    ...b.matters.map((m, i) => {
      const r = results.matters.find((x) => x.id === m.code);
      if (!r) return `${i + 1}. ${m.title}`;
      return `${i + 1}. ${m.title}（${m.kind === 'major' ? '重大事项' : '一般事项'}）：参与表决 ${r.participating.owners}/${r.eligible.owners} 人、面积 ${r.participating.areaM2}/${r.eligible.areaM2} 平方米；同意 ${r.agree.owners} 人（${percent(r.agree.owners, r.participating.owners)}）、面积 ${r.agree.areaM2} 平方米（${percent(area(r.agree.areaM2), area(r.participating.areaM2))}）；反对 ${r.oppose.owners} 人；弃权 ${r.abstain.owners} 人。${r.quorumMet ? '' : '参与表决的专有部分面积或人数未达三分之二。'}结果：${r.passed ? '通过' : '未形成有效决定'}。`;
    }),
    '',
    `全部表决票（按回执码列出面积和表决意见，不含房号和姓名）可下载核对、自行重新计票：${baseUrl}/api/ballots/${b.id}/bulletin.json?version=${bulletin.version}`,
    `文件 SHA-256：${bulletin.sha256}`,
    `每位投票人可在 ${baseUrl}/ballots/${b.id} 用回执码查询自己的表决票是否计入。`,
    ...(bulletin.stage === 'preliminary'
      ? [
          `如有异议，请于本公告发布之日起 ${b.objection_days} 日内向${convenerZh(b.convener, b.subdistrict)}书面提出，已认证业主也可在 ${baseUrl}/ballots/${b.id}#lodge 网上提出；收到的异议（只列房号）和答复都在该页公开。异议期满后发布最终公告，更正将发布新版本。`,
        ]
      : [
          ...(bulletin.objections !== undefined
            ? [
                bulletin.objections === 0
                  ? '异议期内未收到异议。'
                  : `异议期内共收到异议 ${bulletin.objections} 件，每件异议及召集人的答复均已公开：${baseUrl}/ballots/${b.id}#objections`,
              ]
            : []),
          '本公告为最终公告。',
        ]),
  ];
  return { title, body: lines.join('\n') };
}

/** Publishes the result notice of a bulletin version, with its audit entries. */
export async function postResultNotice(
  db: DB,
  actorUserId: number,
  b: BallotDetail,
  results: RecountResult,
  bulletin: NoticedBulletin,
  baseUrl: string,
  now = new Date(),
) {
  const sheet = resultNoticeText(b, results, bulletin, baseUrl);
  return db.transaction().execute(async (trx) => {
    const notice = await trx
      .insertInto('notices')
      .values({
        subdistrict_id: b.subdistrict_id,
        project_id: b.project_id !== null && b.project_published_at ? b.project_id : null,
        kind: 'other',
        title: sheet.title,
        body: sheet.body,
        published_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorUserId,
      action: 'ballot.resultNotice',
      target: `ballot:${b.id}`,
      detail: { noticeId: notice.id, version: bulletin.version, stage: bulletin.stage },
    });
    await appendAudit(trx, {
      actorUserId,
      action: 'notice.publish',
      target: `notice:${notice.id}`,
      detail: { publishedAt: now.toISOString(), ballotId: b.id },
    });
    return { ok: true as const, noticeId: notice.id };
  });
}
