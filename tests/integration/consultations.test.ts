import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import type { Database } from '../../src/lib/db/schema.ts';
import {
  closeConsultation,
  deleteComment,
  disposeOpinion,
  editComment,
  enterPaperOpinion,
  hideComment,
  openConsultation,
  postComment,
  publishReport,
  reportComment,
  reviewComment,
} from '../../src/features/consultations/commands/index.ts';
import { consultationThread, myComments, projectConsultations } from '../../src/features/consultations/queries/index.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';

// Consultations on both engines. The database holds the rules whatever writes: comments
// only while open and before the closing instant, edits only in the first 15 minutes,
// one report per person, three distinct verified owners hide, open → closed → reported,
// and the record copied at the close is what the report is built from. Time passing is
// simulated by moving a row's timestamps back with its guard switched off for that one
// statement (the only way past the database clock in a test).

const inDays = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

describe.each(BACKENDS)('consultations on %s', (kind) => {
  let open: OpenDatabase;
  let db: Kysely<Database>;
  let staffId: number;
  let projectId: number;
  let docId: number;
  const owners: number[] = []; // verified owners of building 3 (the first two) and 5
  let residentId: number; // signed in, not verified
  let resident2Id: number;
  const staff = () => ({ id: staffId, role: 'staff' as const });
  const person = (id: number) => ({ id, role: 'resident' as const });

  async function timeTravel(table: 'consultation_comments' | 'consultations', trigger: string, set: string, id: number) {
    await sql.raw(`alter table ${table} disable trigger ${trigger}`).execute(db);
    try {
      await sql.raw(`update ${table} set ${set} where id = ${id}`).execute(db);
    } finally {
      await sql.raw(`alter table ${table} enable trigger ${trigger}`).execute(db);
    }
  }
  async function opened(title = '加装电梯方案征求意见') {
    const r = await openConsultation(db, staffId, { projectId, title, body: '请对方案提出意见', lastDay: inDays(10), documentIds: [docId] });
    if (!r.ok) throw new Error(r.error);
    return r.consultationId;
  }
  async function commented(consultationId: number, who: { id: number; role: 'resident' | 'staff' }, body: string, parentId?: number) {
    const r = await postComment(db, who, { consultationId, parentId, body });
    if (!r.ok) throw new Error(r.error);
    return r.commentId;
  }
  const commentRow = (id: number) => db.selectFrom('consultation_comments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    open = await freshDatabase(kind);
    db = open.db;
    const fx = await hebinEstate(db);
    staffId = fx.staffId;
    const p = await db
      .insertInto('projects')
      .values({ code: 'ZH-C-1', subdistrict_id: fx.subId, title: '建设小区改造', batch_year: 2026, stage: 2, published_at: new Date('2026-01-01T00:00:00Z') })
      .returning('id')
      .executeTakeFirstOrThrow();
    projectId = p.id;
    await db.insertInto('project_estates').values({ project_id: projectId, estate_id: fx.estateId }).execute();
    docId = (
      await db
        .insertInto('documents')
        .values({
          project_id: projectId,
          kind: 'plan',
          title: '设计方案',
          file_name: 'plan.pdf',
          storage_key: 'k',
          mime: 'application/pdf',
          size_bytes: 1,
          sha256: 'a'.repeat(64),
          published_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const user = async (phone: string, name: string) =>
      (await db.insertInto('users').values({ phone, password_hash: 'x', display_name: name }).returning('id').executeTakeFirstOrThrow()).id;
    for (const [i, label] of ['3', '3', '5'].entries()) {
      const b =
        (await db.selectFrom('buildings').select('id').where('estate_id', '=', fx.estateId).where('label', '=', label).executeTakeFirst()) ??
        (await db.insertInto('buildings').values({ estate_id: fx.estateId, label }).returning('id').executeTakeFirstOrThrow());
      const e = await db
        .insertInto('entrances')
        .values({ building_id: b.id, label: String(i + 1) })
        .returning('id')
        .executeTakeFirstOrThrow();
      const u = await db
        .insertInto('units')
        .values({ entrance_id: e.id, floor: 2, room: `20${i + 1}`, area_cm2: 800_000 })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = await user(`1360000040${i}`, `业主账户${i}`);
      await db
        .insertInto('owner_verifications')
        .values({ user_id: id, unit_id: u.id, status: 'verified', method: 'auto', claimed_name: `业主${i}` })
        .execute();
      owners.push(id);
    }
    residentId = await user('13600000410', '居民甲账户');
    resident2Id = await user('13600000411', '居民乙账户');
  });
  afterAll(() => open.close());

  it('opens on published document versions, badges owners by building and staff, threads one level, and audits staff acts', async () => {
    const id = await opened();
    const c = await db.selectFrom('consultations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(c.status).toBe('open');
    // 24:00 China time of the last day, unless it is a weekend day (then the next working day)
    expect(new Date(c.closes_at).getUTCHours()).toBe(16);
    expect(await db.selectFrom('consultation_documents').select('document_id').where('consultation_id', '=', id).execute()).toEqual([{ document_id: docId }]);

    const top = await commented(id, person(owners[0]!), '楼道灯请换成声控的');
    const ownerReply = await commented(id, person(owners[2]!), '同意', top);
    const staffReply = await commented(id, staff(), '已转设计单位', top);
    const plain = await commented(id, person(residentId), '见 https://example.org/plan?a=1 。');
    expect((await commentRow(top)).author_kind).toBe('owner');
    expect((await commentRow(top)).building_label).toBe('3');
    expect((await commentRow(ownerReply)).building_label).toBe('5');
    expect((await commentRow(staffReply)).author_kind).toBe('staff');
    expect((await commentRow(plain)).author_kind).toBe('resident');
    // a reply to a reply is refused, by the command and by the database
    expect(await postComment(db, person(residentId), { consultationId: id, parentId: ownerReply, body: '再回复' })).toMatchObject({
      ok: false,
      error: 'err.consultReplyDepth',
    });
    await expect(
      db
        .insertInto('consultation_comments')
        .values({ consultation_id: id, parent_id: ownerReply, author_user_id: residentId, channel: 'online', author_kind: 'resident', body: 'x' })
        .execute(),
    ).rejects.toThrow(/top-level opinion/);

    const thread = await consultationThread(db, id, 1, null);
    expect(thread!.opinions.map((o) => o.id)).toEqual([top, plain]);
    const first = thread!.opinions[0]!;
    expect(first.badge).toEqual({ kind: 'owner', building: '3' });
    expect(first.replies.map((r) => [r.id, r.authorName])).toEqual([
      [ownerReply, '业主账户2'],
      [staffReply, '街道'],
    ]);
    expect(JSON.stringify(thread)).not.toContain('136000004');

    const paper = await enterPaperOpinion(db, staffId, { consultationId: id, channel: 'paper', building: '7', body: '书面：希望保留绿化' });
    expect(paper).toMatchObject({ ok: true });
    const audit = await db.selectFrom('audit_log').select('action').where('actor_user_id', '=', staffId).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['consultation.open', 'consultation.staffComment', 'consultation.paper']);
    expect(await verifyAudit(db)).toMatchObject({ ok: true });
  });

  it('hides a comment at reports from 3 distinct verified owners, not at 3 reports from one, nor from unverified residents', async () => {
    const id = await opened('窗户方案');
    const target = await commented(id, person(residentId), '这条会被举报');
    // one person three times: one report row, still shown
    for (let i = 0; i < 3; i++) expect(await reportComment(db, owners[0]!, { commentId: target })).toMatchObject({ ok: true, hidden: false });
    expect((await reportComment(db, owners[0]!, { commentId: target })) as { already: boolean }).toMatchObject({ already: true });
    await expect(db.insertInto('consultation_comment_reports').values({ comment_id: target, reporter_user_id: owners[0]! }).execute()).rejects.toThrow();
    // two unverified residents do not count
    expect(await reportComment(db, resident2Id, { commentId: target })).toMatchObject({ ok: true, hidden: false });
    expect(await reportComment(db, owners[1]!, { commentId: target })).toMatchObject({ ok: true, hidden: false });
    expect((await commentRow(target)).hidden_at).toBeNull();
    // the third verified owner hides it
    expect(await reportComment(db, owners[2]!, { commentId: target })).toMatchObject({ ok: true, hidden: true });
    expect((await commentRow(target)).hide_kind).toBe('reports');
    expect(await reportComment(db, residentId, { commentId: target })).toEqual({ ok: false, error: 'err.consultReportOwn' });
    const hiddenThread = await consultationThread(db, id, 1, null);
    expect(hiddenThread!.opinions[0]!.body).toBeNull();
    expect(hiddenThread!.opinions[0]!.hidden).toBe('reports');

    // staff restore it: the old reports no longer count; the record of moderation grows
    expect(await reviewComment(db, staffId, { commentId: target, decision: 'restore', reason: null })).toMatchObject({ ok: true });
    expect((await commentRow(target)).hidden_at).toBeNull();
    expect(await reportComment(db, owners[0]!, { commentId: target })).toMatchObject({ ok: true, hidden: false, already: true });
    const moderation = await db
      .selectFrom('consultation_moderation')
      .select(['action', 'actor_user_id'])
      .where('comment_id', '=', target)
      .orderBy('id')
      .execute();
    expect(moderation).toEqual([
      { action: 'auto_hide', actor_user_id: null },
      { action: 'restore', actor_user_id: staffId },
    ]);
    await expect(db.deleteFrom('consultation_moderation').where('comment_id', '=', target).execute()).rejects.toThrow(/kept as written/);
    await expect(db.deleteFrom('consultation_comment_reports').where('comment_id', '=', target).execute()).rejects.toThrow(/kept as made/);

    // staff hide with a reason the author sees on their account page
    expect(await hideComment(db, staffId, { commentId: target, reason: '含人身攻击' })).toMatchObject({ ok: true });
    const mine = await myComments(db, residentId);
    expect(mine.find((m) => m.id === target)).toMatchObject({ hiddenKind: 'staff', hiddenReason: '含人身攻击' });
  });

  it('lets the author edit for 15 minutes and delete while open; refuses others, and later edits by the database', async () => {
    const id = await opened('绿化方案');
    const mine = await commented(id, person(residentId), '初稿');
    expect(await editComment(db, resident2Id, { commentId: mine, body: '别人改' })).toEqual({ ok: false, error: 'err.consultNotYours' });
    expect(await editComment(db, residentId, { commentId: mine, body: '改过的' })).toMatchObject({ ok: true });
    expect((await commentRow(mine)).edited_at).not.toBeNull();
    await timeTravel('consultation_comments', 'gz_consultation_comment_guard', `created_at = created_at - interval '16 minutes'`, mine);
    expect(await editComment(db, residentId, { commentId: mine, body: '太晚了' })).toEqual({ ok: false, error: 'err.consultEditWindow', field: 'body' });
    await expect(db.updateTable('consultation_comments').set({ body: '绕过命令' }).where('id', '=', mine).execute()).rejects.toThrow(/first 15 minutes/);
    expect((await commentRow(mine)).body).toBe('改过的');
    // deleting is still allowed while open
    expect(await deleteComment(db, resident2Id, { commentId: mine })).toEqual({ ok: false, error: 'err.consultNotYours' });
    expect(await deleteComment(db, residentId, { commentId: mine })).toMatchObject({ ok: true });
    await expect(db.deleteFrom('consultation_comments').where('id', '=', mine).execute()).rejects.toThrow(/is kept/);
  });

  it('refuses comments after the closing instant and after the close, by the command and by the database', async () => {
    const id = await opened('停车位方案');
    const before = await commented(id, person(residentId), '截止前');
    // the closing instant passes while the consultation is still marked open
    await timeTravel('consultations', 'gz_consultation_guard', `opened_at = opened_at - interval '30 days', closes_at = now() - interval '1 second'`, id);
    expect(await postComment(db, person(resident2Id), { consultationId: id, body: '太晚' })).toEqual({ ok: false, error: 'err.consultClosed' });
    await expect(
      db
        .insertInto('consultation_comments')
        .values({ consultation_id: id, author_user_id: resident2Id, channel: 'online', author_kind: 'resident', body: '绕过' })
        .execute(),
    ).rejects.toThrow(/closed/);
    expect(await deleteComment(db, residentId, { commentId: before })).toEqual({ ok: false, error: 'err.consultClosed' });
    expect(await enterPaperOpinion(db, staffId, { consultationId: id, channel: 'paper', building: null, body: '迟到的信' })).toEqual({
      ok: false,
      error: 'err.consultClosed',
    });
    // past the instant, closing needs no reason
    expect(await closeConsultation(db, staffId, { consultationId: id, earlyReason: null })).toMatchObject({ ok: true, opinions: 1 });
    expect((await db.selectFrom('consultations').select('early_close_reason').where('id', '=', id).executeTakeFirstOrThrow()).early_close_reason).toBeNull();
  });

  it('needs a reason to close early, freezes the record at the close, and the report does not change after later hides and deletions', async () => {
    const id = await opened('屋面防水方案');
    const a = await commented(id, person(owners[0]!), '防水层要做两道');
    const b = await commented(id, person(residentId), '施工期间注意噪音');
    await commented(id, person(resident2Id), '同上', b);
    const gone = await commented(id, person(resident2Id), '我删了');
    await deleteComment(db, resident2Id, { commentId: gone });
    const p = await enterPaperOpinion(db, staffId, { consultationId: id, channel: 'in_person', building: '7', body: '老人希望白天施工' });
    if (!p.ok) throw new Error(p.error);

    expect(await closeConsultation(db, staffId, { consultationId: id, earlyReason: null })).toEqual({
      ok: false,
      error: 'err.consultEarlyReason',
      field: 'earlyReason',
    });
    await expect(db.updateTable('consultations').set({ status: 'closed', closed_at: new Date() }).where('id', '=', id).execute()).rejects.toThrow(
      /needs a reason/,
    );
    expect(await closeConsultation(db, staffId, { consultationId: id, earlyReason: '方案已经调整' })).toMatchObject({ ok: true, opinions: 3 });
    expect(await postComment(db, person(residentId), { consultationId: id, body: '关闭后' })).toEqual({ ok: false, error: 'err.consultClosed' });
    expect(await editComment(db, residentId, { commentId: b, body: '关闭后改' })).toEqual({ ok: false, error: 'err.consultClosed' });
    await expect(db.updateTable('consultation_comments').set({ body: '关闭后改' }).where('id', '=', b).execute()).rejects.toThrow(/record/);

    const record = await db.selectFrom('consultation_opinions').selectAll().where('consultation_id', '=', id).orderBy('id').execute();
    expect(record.map((r) => [r.comment_id, r.body])).toEqual([
      [a, '防水层要做两道'],
      [b, '施工期间注意噪音'],
      [p.commentId, '老人希望白天施工'],
    ]);
    await expect(db.updateTable('consultation_opinions').set({ body: '改记录' }).where('id', '=', record[0]!.id).execute()).rejects.toThrow(/does not change/);
    await expect(
      db
        .insertInto('consultation_opinions')
        .values({ consultation_id: id, comment_id: gone, channel: 'online', author_kind: 'resident', body: 'x', written_at: new Date() })
        .execute(),
    ).rejects.toThrow(/copied by the close/);

    // the report waits for every disposition
    expect(await publishReport(db, staffId, { consultationId: id })).toEqual({ ok: false, error: 'err.consultUndisposed' });
    expect(await disposeOpinion(db, staffId, { opinionId: record[0]!.id, disposition: 'adopted', reason: '改为两道防水' })).toMatchObject({ ok: true });
    expect(await disposeOpinion(db, staffId, { opinionId: record[1]!.id, disposition: 'partly', reason: '夜间不施工' })).toMatchObject({ ok: true });
    expect(await disposeOpinion(db, staffId, { opinionId: record[2]!.id, disposition: 'answered', reason: '白天施工' })).toMatchObject({ ok: true });
    await expect(db.updateTable('consultations').set({ status: 'reported' }).where('id', '=', id).execute()).rejects.toThrow();

    // after the close: a hide does not change the record
    expect(await hideComment(db, staffId, { commentId: a, reason: '事后隐藏' })).toMatchObject({ ok: true });
    const res = await publishReport(db, staffId, { consultationId: id });
    if (!res.ok) throw new Error(res.error);
    const notice = await db.selectFrom('notices').selectAll().where('id', '=', res.noticeId).executeTakeFirstOrThrow();
    expect(notice.published_at).not.toBeNull();
    expect(notice.project_id).toBe(projectId);
    expect(notice.title).toBe('意见采纳情况：屋面防水方案');
    expect(notice.body).toContain('3 栋住户\n意见：防水层要做两道\n处理：采纳。理由：改为两道防水');
    expect(notice.body).toContain('居民\n意见：施工期间注意噪音\n处理：部分采纳。理由：夜间不施工');
    expect(notice.body).toContain('7 栋住户（当面意见）\n意见：老人希望白天施工\n处理：已答复。理由：白天施工');
    expect(notice.body).toContain('本次征集提前结束，原因：方案已经调整');
    expect(notice.body).not.toContain('我删了');
    expect(notice.body).not.toMatch(/业主账户|居民甲|136/);

    // reported is final: no disposition changes, no going back
    await expect(db.updateTable('consultation_opinions').set({ disposition_reason: '再改' }).where('id', '=', record[0]!.id).execute()).rejects.toThrow(
      /while the consultation is closed/,
    );
    await expect(db.updateTable('consultations').set({ status: 'open', closed_at: null }).where('id', '=', id).execute()).rejects.toThrow();
    await expect(db.deleteFrom('consultations').where('id', '=', id).execute()).rejects.toThrow(/kept/);

    const view = await projectConsultations(db, projectId);
    expect(view.past.find((r) => r.id === id)).toMatchObject({ noticeId: res.noticeId });
    expect(view.open.some((o) => o.id === id)).toBe(false);
    const actions = await db.selectFrom('audit_log').select('action').where('target', '=', `consultation:${id}`).orderBy('id').execute();
    expect(actions.map((x) => x.action)).toEqual(['consultation.open', 'consultation.close', 'consultation.report']);
  });

  it('refuses bad dates, documents of other projects and a closing instant the database would not keep', async () => {
    const base = { projectId, title: 't', body: null, documentIds: [] };
    expect(await openConsultation(db, staffId, { ...base, lastDay: inDays(0) })).toMatchObject({ ok: false, error: 'err.consultDatePast', field: 'lastDay' });
    expect(await openConsultation(db, staffId, { ...base, lastDay: inDays(400) })).toMatchObject({ ok: false, error: 'err.consultDateFar' });
    expect(await openConsultation(db, staffId, { ...base, lastDay: '2026-02-30' })).toMatchObject({ ok: false, error: 'err.consultDate' });
    expect(await openConsultation(db, staffId, { ...base, lastDay: inDays(5), documentIds: [docId + 999] })).toMatchObject({
      ok: false,
      field: 'documentIds',
    });
    await expect(
      db
        .insertInto('consultations')
        .values({ project_id: projectId, title: 'x', closes_at: new Date(Date.now() - 1000) })
        .execute(),
    ).rejects.toThrow(/within a year/);
  });
});
