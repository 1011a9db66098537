import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';
import { answerObjection, createScheme, enterPaperObjection, objectToScheme, openPledging, postScheme } from '../../src/features/costshare/commands/index.ts';
import { postWithBoard } from '../../src/features/costshare/commands/scans.ts';
import { schemePage } from '../../src/features/costshare/queries/index.ts';
import type { SchemeContent } from '../../src/features/costshare/core/schemas.ts';

// A scheme posted on the estate's notice board before it is posted in the portal (with the day
// and a photo of the board): the posting period runs from that day, and the database holds the
// dates whatever writes (migration 0042). Objections received on paper or in person during the
// period are entered by staff, dated the day received, marked as such and audited.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 7).toString('base64')}`);
// Monday 2 March 2026, 10:00 China time
const T0 = new Date('2026-03-02T02:00:00Z');
// posted on the board on Friday 20 February: 7 days end at 24:00 of Friday 27 February
const BOARD_DAY = '2026-02-20';

const lift = (estateId: number, over: Partial<SchemeContent> = {}): SchemeContent => ({
  title: '1 栋 1 单元加装电梯（公告栏）',
  item: '加装电梯一部',
  estateId,
  building: '1',
  entrance: '1',
  method: 'tiered',
  weightByArea: false,
  coefficients: { '1': '0', '2': '0.6', '3': '0.8', '4': '1', '5': '1.2', '6': '1.4' },
  amounts: null,
  totalYuan: '240000.00',
  targetFen: null,
  pledgeDeadline: '2026-03-31',
  postingDays: 7,
  ballotId: null,
  ballotMatter: null,
  ...over,
});

describe.each(BACKENDS)('a cost-share scheme posted on the board earlier, on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let projectId: number;
  let estateId: number;
  let owners: { userId: number; unitId: number }[];

  async function draft() {
    const c = await createScheme(open.db, staffId, { projectId, content: lift(estateId) }, T0);
    if (!c.ok) throw new Error(c.error);
    return c.schemeId;
  }
  const versionOf = async (schemeId: number) =>
    open.db.selectFrom('cost_scheme_versions').selectAll().where('scheme_id', '=', schemeId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const fx = await hebinEstate(open.db);
    staffId = fx.staffId;
    estateId = fx.estateId;
    await importSampleRegister(open.db, estateId, staffId, KEY);
    projectId = (
      await open.db
        .insertInto('projects')
        .values({
          code: 'ZH-CS-B',
          subdistrict_id: fx.subId,
          title: '建设小区改造',
          batch_year: 2026,
          stage: 3,
          published_at: new Date('2026-01-01T00:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await open.db.insertInto('project_estates').values({ project_id: projectId, estate_id: estateId }).execute();
    owners = await verifiedOwners(open.db, 2, '1391000');
  });
  afterAll(() => open.close());

  it('runs the posting period from the board day: over before today, so pledges open once the paper objection has its answer', async () => {
    const schemeId = await draft();
    expect(await postScheme(open.db, staffId, { schemeId, board: { postedOn: BOARD_DAY, photoKey: 'b'.repeat(64) } }, T0)).toEqual({
      ok: true,
      postingLastDay: '2026-02-27',
    });
    const v = await versionOf(schemeId);
    expect(v.board_posted_on).toBe(BOARD_DAY);
    expect(v.posting_last_day).toBe('2026-02-27');
    // the public page says so
    const page = await schemePage(open.db, schemeId, { userId: null, staff: false }, T0);
    expect(page?.version).toMatchObject({ boardPostedOn: BOARD_DAY, hasBoardPhoto: true, postingLastDay: '2026-02-27' });
    expect(page?.postingOpen).toBe(false);

    // online, the period is over
    expect(await objectToScheme(open.db, owners[0]!.userId, { schemeId, unitId: owners[0]!.unitId, body: '晚了' }, T0)).toMatchObject({
      ok: false,
      error: 'costshare.err.notPosting',
    });
    // a paper objection received during the period, entered now
    const base = { schemeId, flat: '1-1-101', channel: 'paper' as const, body: '一楼出入受影响，请说明施工安排。' };
    expect(await enterPaperObjection(open.db, staffId, { ...base, receivedOn: '2026-02-19' }, T0)).toEqual({
      ok: false,
      error: 'costshare.err.receivedOutsidePosting',
      field: 'receivedOn',
    });
    expect(await enterPaperObjection(open.db, staffId, { ...base, receivedOn: '2026-02-28' }, T0)).toEqual({
      ok: false,
      error: 'costshare.err.receivedOutsidePosting',
      field: 'receivedOn',
    });
    expect(await enterPaperObjection(open.db, staffId, { ...base, flat: '1-1-999', receivedOn: '2026-02-25' }, T0)).toEqual({
      ok: false,
      error: 'costshare.err.unknownFlat',
      field: 'flat',
    });
    const o = await enterPaperObjection(open.db, staffId, { ...base, receivedOn: '2026-02-25' }, T0);
    expect(o).toMatchObject({ ok: true });
    if (!o.ok) return;
    const row = await open.db.selectFrom('cost_scheme_objections').selectAll().where('id', '=', o.objectionId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'paper', lodged_by: null, recorded_by: staffId });
    expect(row.lodged_at.toISOString()).toBe('2026-02-24T16:00:00.000Z'); // 00:00 China time of 25 February
    const shown = await schemePage(open.db, schemeId, { userId: null, staff: false }, T0);
    expect(shown?.objections).toEqual([expect.objectContaining({ id: o.objectionId, channel: 'paper', building: '1', response: null })]);

    expect(await openPledging(open.db, staffId, { schemeId }, T0)).toEqual({ ok: false, error: 'costshare.err.unansweredObjections' });
    expect(await answerObjection(open.db, staffId, { objectionId: o.objectionId, response: '施工期间保留一楼通道。' }, T0)).toEqual({ ok: true });
    expect(await openPledging(open.db, staffId, { schemeId }, T0)).toEqual({ ok: true });
    // once pledges are open, no more objections, on paper or otherwise
    expect(await enterPaperObjection(open.db, staffId, { ...base, receivedOn: '2026-02-26' }, T0)).toEqual({
      ok: false,
      error: 'costshare.err.notPostedForObjections',
    });

    const audit = await open.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('action', 'in', ['costshare.post', 'costshare.paperObjection'])
      .where((eb) => eb.or([eb('target', '=', `scheme:${schemeId}`), eb('target', '=', `objection:${o.objectionId}`)]))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['costshare.post', 'costshare.paperObjection']);
    expect(JSON.stringify(audit[0]!.detail)).toContain(BOARD_DAY);
    expect(JSON.stringify(audit[1]!.detail)).toContain('2026-02-25');
    expect((await verifyAudit(open.db)).ok).toBe(true);
  });

  it('refuses a board day in the future, more than 90 days back, or before today without a photo; nothing is posted', async () => {
    const schemeId = await draft();
    expect(await postWithBoard(open.db, staffId, { schemeId, postedOn: '2026-03-03' }, T0)).toEqual({
      ok: false,
      error: 'costshare.err.boardDate',
      field: 'postedOn',
    });
    expect(await postWithBoard(open.db, staffId, { schemeId, postedOn: '2025-12-01' }, T0)).toEqual({
      ok: false,
      error: 'costshare.err.boardDate',
      field: 'postedOn',
    });
    expect(await postWithBoard(open.db, staffId, { schemeId, postedOn: BOARD_DAY }, T0)).toEqual({
      ok: false,
      error: 'costshare.err.boardPhotoRequired',
      field: 'photo',
    });
    expect((await versionOf(schemeId)).posted_at).toBeNull();
    // today without a photo is an ordinary posting: 7 days from today
    expect(await postWithBoard(open.db, staffId, { schemeId, postedOn: '2026-03-02' }, T0)).toEqual({ ok: true, postingLastDay: '2026-03-09' });
    expect((await versionOf(schemeId)).board_posted_on).toBeNull();
  });

  it('the database refuses a board day after the posting, a period shorter than its days, a board day without its photo, and objections outside the period', async () => {
    const schemeId = await draft();
    const v = await versionOf(schemeId);
    const post = (set: { board: string | null; photo: string | null; lastDay: string }) =>
      sql`update cost_scheme_versions set posted_at = ${T0}, posted_by = ${staffId}, posting_last_day = ${set.lastDay},
            board_posted_on = ${set.board}, board_photo_key = ${set.photo} where id = ${v.id}`.execute(open.db);
    await expect(post({ board: '2026-03-03', photo: 'p', lastDay: '2026-03-10' })).rejects.toThrow(/not after the day it is recorded/);
    await expect(post({ board: '2025-11-30', photo: 'p', lastDay: '2025-12-07' })).rejects.toThrow(/at most 90 days before/);
    await expect(post({ board: BOARD_DAY, photo: 'p', lastDay: '2026-02-26' })).rejects.toThrow(/ends no sooner than 24:00 of 2026-02-27/);
    await expect(post({ board: null, photo: null, lastDay: '2026-03-08' })).rejects.toThrow(/ends no sooner than 24:00 of 2026-03-09/);
    await expect(post({ board: BOARD_DAY, photo: null, lastDay: '2026-02-27' })).rejects.toThrow(/cost_scheme_versions_board/);
    await expect(
      sql`update cost_scheme_versions set board_posted_on = ${BOARD_DAY}, board_photo_key = 'p' where id = ${v.id}`.execute(open.db),
    ).rejects.toThrow(/recorded with the posting/);
    // a draft takes no objection
    await expect(
      sql`insert into cost_scheme_objections (version_id, unit_id, lodged_by, body, lodged_at) values (${v.id}, ${owners[0]!.unitId}, ${owners[0]!.userId}, 'x', ${T0})`.execute(
        open.db,
      ),
    ).rejects.toThrow(/scheme being posted/);
    expect(await postScheme(open.db, staffId, { schemeId, board: { postedOn: BOARD_DAY, photoKey: 'p'.repeat(64) } }, T0)).toMatchObject({ ok: true });
    const insert = (at: Date) =>
      sql`insert into cost_scheme_objections (version_id, unit_id, lodged_by, body, lodged_at) values (${v.id}, ${owners[0]!.unitId}, ${owners[0]!.userId}, 'x', ${at})`.execute(
        open.db,
      );
    // before 00:00 of the board day, and from 24:00 of the last day
    await expect(insert(new Date('2026-02-19T15:59:59Z'))).rejects.toThrow(/within the posting period \(2026-02-20 to 24:00 of 2026-02-27\)/);
    await expect(insert(new Date('2026-02-27T16:00:00Z'))).rejects.toThrow(/within the posting period/);
    await insert(new Date('2026-02-27T15:59:59Z'));
    // a paper objection names who entered it, an online one who sent it
    await expect(
      sql`insert into cost_scheme_objections (version_id, unit_id, lodged_by, body, lodged_at, channel) values (${v.id}, ${owners[0]!.unitId}, ${owners[0]!.userId}, 'x', ${new Date('2026-02-25T00:00:00Z')}, 'paper')`.execute(
        open.db,
      ),
    ).rejects.toThrow(/cost_scheme_objections_channel/);
    // the posted version, board day and photo included, is frozen
    await expect(sql`update cost_scheme_versions set board_posted_on = '2026-02-21' where id = ${v.id}`.execute(open.db)).rejects.toThrow(/posted and frozen/);
  });
});
