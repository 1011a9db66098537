import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { enterPaperRating, openRating, rateProject } from '../../src/features/ratings/commands/index.ts';
import { hideRatingComment, reportRatingComment, restoreRatingComment } from '../../src/features/ratings/commands/moderation.ts';
import { householdCommentStates, householdsFor, ratingComments } from '../../src/features/ratings/queries/index.ts';
import type { Scores } from '../../src/features/ratings/core/goals.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';

// Rating comments moderated like consultation comments, on both engines. Building 3, entrance
// 1, flats 101–106, one owner each: O101 (the author) to O105 verified with accounts, 106
// without an account (rated on paper). Two signed-in residents are not verified owners.
// The figures (3 verified reporters, one report per person) are written here by hand.

const all = (n: number): Scores => ({ g1: n, g2: n, g3: n, g4: n, g5: n, g6: n, g7: n, g8: n, g9: n, g10: n });

describe.each(BACKENDS)('rating comment moderation on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let projectId: number;
  const user: Record<string, number> = {};
  let ratingId: number;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const db = open.db;
    const fx = await hebinEstate(db);
    staffId = fx.staffId;
    const p = await db
      .insertInto('projects')
      .values({ code: 'ZH-RM-1', subdistrict_id: fx.subId, title: 'RM 改造', batch_year: 2026, stage: 4, published_at: new Date('2026-01-01T00:00:00Z') })
      .returning('id')
      .executeTakeFirstOrThrow();
    projectId = p.id;
    await db.insertInto('project_estates').values({ project_id: projectId, estate_id: fx.estateId }).execute();
    const b = await db.insertInto('buildings').values({ estate_id: fx.estateId, label: '3' }).returning('id').executeTakeFirstOrThrow();
    const e = await db.insertInto('entrances').values({ building_id: b.id, label: '1' }).returning('id').executeTakeFirstOrThrow();
    for (let r = 101; r <= 106; r++) {
      const u = await db
        .insertInto('units')
        .values({ entrance_id: e.id, floor: 1, room: String(r), area_cm2: 8000, developer_held: false })
        .returning('id')
        .executeTakeFirstOrThrow();
      const o = await db
        .insertInto('register_owners')
        .values({ estate_id: fx.estateId, name: `O${r}`, id_type: 'resident_id', id_hash: `h-${r}`, id_key_version: 1, id_last4: '0000' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('unit_owners').values({ unit_id: u.id, owner_id: o.id }).execute();
      if (r === 106) continue;
      const acc = await db
        .insertInto('users')
        .values({ phone: `13700000${r}`, password_hash: 'x', display_name: `O${r}` })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('owner_verifications')
        .values({ user_id: acc.id, unit_id: u.id, register_owner_id: o.id, status: 'verified', method: 'staff', claimed_name: `O${r}` })
        .execute();
      user[`O${r}`] = acc.id;
    }
    for (const name of ['r1', 'r2'])
      user[name] = (
        await db
          .insertInto('users')
          .values({ phone: `1370000${name === 'r1' ? '0901' : '0902'}`, password_hash: 'x', display_name: name })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    expect(await openRating(db, staffId, { projectId })).toEqual({ ok: true, households: 6 });
    const [h] = await householdsFor(db, projectId, user.O101!);
    const r = await rateProject(db, user.O101!, { projectId, householdId: h!.id, scores: all(4), comment: '楼道灯很亮' });
    expect(r).toMatchObject({ ok: true, version: 1 });
    ratingId = (r as { ratingId: number }).ratingId;
  });
  afterAll(async () => open?.close());

  const ref = (version = 1) => ({ projectId, ratingId, version });
  const shown = async () => (await ratingComments(open.db, projectId, { withHidden: false })).map((c) => c.body);
  const ownState = async () => {
    const [h] = await householdsFor(open.db, projectId, user.O101!);
    return (await householdCommentStates(open.db, [h!.id])).get(h!.id) ?? null;
  };

  it('shows the current comment publicly with the author’s display name and building, never a phone', async () => {
    const list = await ratingComments(open.db, projectId, { withHidden: false });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ ratingId, version: 1, body: '楼道灯很亮', channel: 'online', authorName: 'O101', building: '3', hidden: null });
    expect(JSON.stringify(list)).not.toContain('13700000101');
  });

  it('hides at reports from 3 distinct verified owners, not at 2, not twice from one, not from unverified residents', async () => {
    // the author's own household cannot report it
    expect(await reportRatingComment(open.db, user.O101!, ref())).toEqual({ ok: false, error: 'err.consultReportOwn' });
    expect(await reportRatingComment(open.db, user.O102!, ref())).toMatchObject({ ok: true, hidden: false, already: false });
    expect(await reportRatingComment(open.db, user.O102!, ref())).toMatchObject({ ok: true, hidden: false, already: true });
    expect(await reportRatingComment(open.db, user.r1!, ref())).toMatchObject({ ok: true, hidden: false });
    expect(await reportRatingComment(open.db, user.r2!, ref())).toMatchObject({ ok: true, hidden: false });
    expect(await reportRatingComment(open.db, user.O103!, ref())).toMatchObject({ ok: true, hidden: false });
    // two verified owners and two unverified residents: still shown
    expect(await shown()).toEqual(['楼道灯很亮']);
    expect(await ownState()).toBeNull();
    // the database counts whatever writes: one person twice is refused
    await expect(
      open.db.insertInto('rating_comment_reports').values({ rating_id: ratingId, version: 1, reporter_user_id: user.O102! }).execute(),
    ).rejects.toThrow();
    // the third distinct verified owner hides it until staff review it
    expect(await reportRatingComment(open.db, user.O104!, ref())).toMatchObject({ ok: true, hidden: true });
    expect(await shown()).toEqual([]);
    expect(await ownState()).toEqual({ hidden: 'reports', reason: null });
    const log = await open.db.selectFrom('rating_comment_moderation').select(['action', 'actor_user_id']).where('rating_id', '=', ratingId).execute();
    expect(log).toEqual([{ action: 'auto_hide', actor_user_id: null }]);
    // the office still sees it, marked
    expect((await ratingComments(open.db, projectId, { withHidden: true }))[0]).toMatchObject({ body: '楼道灯很亮', hidden: 'reports' });
  });

  it('staff restore it (earlier reports no longer count), hide it with a reason the household sees, audited', async () => {
    expect(await restoreRatingComment(open.db, staffId, ref())).toEqual({ ok: true, projectId });
    expect(await shown()).toEqual(['楼道灯很亮']);
    expect(await ownState()).toBeNull();
    expect(await restoreRatingComment(open.db, staffId, ref())).toEqual({ ok: false, error: 'err.consultNotHidden' });
    // one more verified report after the review does not hide it again
    expect(await reportRatingComment(open.db, user.O105!, ref())).toMatchObject({ ok: true, hidden: false });
    expect(await shown()).toEqual(['楼道灯很亮']);

    expect(await hideRatingComment(open.db, staffId, { ...ref(), reason: '含有他人电话号码' })).toEqual({ ok: true, projectId });
    expect(await hideRatingComment(open.db, staffId, { ...ref(), reason: '再次' })).toEqual({ ok: false, error: 'err.consultAlreadyHidden' });
    expect(await shown()).toEqual([]);
    expect(await ownState()).toEqual({ hidden: 'staff', reason: '含有他人电话号码' });
    const audit = await open.db
      .selectFrom('audit_log')
      .select(['action', 'target'])
      .where('actor_user_id', '=', staffId)
      .where('action', 'like', 'rating.comment%')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'rating.commentRestore', target: `rating:${ratingId}` },
      { action: 'rating.commentHide', target: `rating:${ratingId}` },
    ]);
    expect((await verifyAudit(open.db)).ok).toBe(true);
    // the log is append-only
    await expect(open.db.deleteFrom('rating_comment_moderation').execute()).rejects.toThrow(/kept/);
    await expect(open.db.deleteFrom('rating_comment_states').execute()).rejects.toThrow(/kept/);
  });

  it('a revision keeping the same text keeps the hide; a revision with a new comment starts fresh', async () => {
    const [h] = await householdsFor(open.db, projectId, user.O101!);
    expect(await rateProject(open.db, user.O101!, { projectId, householdId: h!.id, scores: all(3), comment: '楼道灯很亮' })).toMatchObject({ version: 2 });
    expect(await shown()).toEqual([]);
    expect(await ownState()).toEqual({ hidden: 'staff', reason: '含有他人电话号码' });
    // a report of the version no longer shown is refused, by the command and by the database
    expect(await reportRatingComment(open.db, user.O102!, ref(1))).toEqual({ ok: false, error: 'err.ratingCommentChanged' });
    await expect(
      open.db.insertInto('rating_comment_reports').values({ rating_id: ratingId, version: 1, reporter_user_id: user.O103! }).execute(),
    ).rejects.toThrow(/current version/);
    expect(await rateProject(open.db, user.O101!, { projectId, householdId: h!.id, scores: all(3), comment: '灯修好了' })).toMatchObject({ version: 3 });
    expect(await shown()).toEqual(['灯修好了']);
    expect(await ownState()).toBeNull();
    // reports of version 1 do not count for version 3
    expect(await reportRatingComment(open.db, user.O102!, ref(3))).toMatchObject({ ok: true, hidden: false, already: false });
  });

  it('marks a paper questionnaire’s comment as entered by staff, without a name', async () => {
    expect(await enterPaperRating(open.db, staffId, { projectId, flat: '3-1-106', scores: all(5), comment: '书面：很满意', scanKey: 'k' })).toMatchObject({
      ok: true,
    });
    const paper = (await ratingComments(open.db, projectId, { withHidden: false })).find((c) => c.body === '书面：很满意');
    expect(paper).toMatchObject({ channel: 'paper', authorName: null, building: '3' });
  });

  it('never shows comments written before comments were public', async () => {
    await sql`update rating_comments_public_since set after_revision_id = (select max(id) from rating_revisions)`.execute(open.db);
    expect(await shown()).toEqual([]);
    await sql`update rating_comments_public_since set after_revision_id = 0`.execute(open.db);
    expect((await shown()).length).toBe(2);
  });
});
