import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { cstDate } from '../../src/lib/calendar.ts';
import { openConsultation, postComment } from '../../src/features/consultations/commands/index.ts';
import { openRating } from '../../src/features/ratings/commands/index.ts';
import { createScheme, openPledging, pledge, postScheme, withdrawPledge, withdrawScheme } from '../../src/features/costshare/commands/index.ts';
import type { SchemeContent } from '../../src/features/costshare/core/schemas.ts';
import { consultationOpened, ratingOpened, replyPosted } from '../../src/features/notifications/commands/producers.ts';
import { setPreferences } from '../../src/features/notifications/commands/preferences.ts';
import { deliverDue } from '../../src/features/notifications/commands/deliver.ts';
import { inboxOf } from '../../src/features/notifications/queries/inbox.ts';
import type { SmsSender } from '../../src/features/accounts/sms.ts';

// The producers of issue 11 "Be told" that the first round left out, on both engines:
// a consultation opens on a project of my estate, a reply to my comment (a resident's or
// staff's, never my own), a rating opens for my estate, a cost-share scheme's pledges close in
// three days and my household has not pledged. "My estate": an estate where the person is a
// verified owner of a flat. Each is told once per cause, as their choice for the kind says
// (defaults: replies by SMS too, the rest in the portal only), in Chinese and in English, and
// never with what someone wrote, a vote choice or an ID number.
//
// The sample register's first flats (building 1, entrance 1): 101 and 102 on the ground floor,
// 201 held by two co-owners, 202, 301. owners[i] is verified for the i-th distinct owner.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 5).toString('base64')}`);
const DAY = 86_400_000;
const inDays = (n: number) => cstDate(new Date(Date.now() + n * DAY));

describe.each(BACKENDS)('notification producers on my estate on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let estateId: number;
  let projectId: number;
  let owners: { userId: number; unitId: number }[];
  let elsewhere: number;
  let stranger: number;
  const resident = (id: number) => ({ id, role: 'resident' as const });

  const rowsOf = async (kind: string) =>
    open.db
      .selectFrom('notifications')
      .select(['user_id', 'channel', 'body', 'body_en', 'link', 'state', 'due_at', 'source'])
      .where('kind', '=', kind as never)
      .orderBy('user_id')
      .orderBy('channel')
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const fx = await hebinEstate(open.db);
    staffId = fx.staffId;
    estateId = fx.estateId;
    await importSampleRegister(open.db, estateId, staffId, KEY);
    owners = await verifiedOwners(open.db, 6, '1381111000');
    projectId = (
      await open.db
        .insertInto('projects')
        .values({
          code: 'ZH-NE-1',
          subdistrict_id: fx.subId,
          title: '建设小区综合改造',
          batch_year: 2026,
          stage: 4,
          published_at: new Date('2026-01-01T00:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await open.db.insertInto('project_estates').values({ project_id: projectId, estate_id: estateId }).execute();
    // a verified owner on another estate of the same community: not "my estate" for this project
    const other = await open.db
      .insertInto('estates')
      .values({
        community_id: fx.communityId,
        name: '别的小区',
        address: 'b',
        build_year: 1992,
        building_count: 1,
        household_count: 1,
        floor_area_cm2: 1,
        lat: 33.7,
        lng: 113.3,
        eligibility: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const b = await open.db.insertInto('buildings').values({ estate_id: other.id, label: '9' }).returning('id').executeTakeFirstOrThrow();
    const e = await open.db.insertInto('entrances').values({ building_id: b.id, label: '1' }).returning('id').executeTakeFirstOrThrow();
    const u = await open.db
      .insertInto('units')
      .values({ entrance_id: e.id, floor: 1, room: '101', area_cm2: 8000, developer_held: false })
      .returning('id')
      .executeTakeFirstOrThrow();
    const o = await open.db
      .insertInto('register_owners')
      .values({ estate_id: other.id, name: '外', id_type: 'resident_id', id_hash: 'h-elsewhere', id_key_version: 1, id_last4: '0000' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await open.db.insertInto('unit_owners').values({ unit_id: u.id, owner_id: o.id }).execute();
    elsewhere = (
      await open.db.insertInto('users').values({ phone: '13822220001', password_hash: 'x', display_name: 'e' }).returning('id').executeTakeFirstOrThrow()
    ).id;
    await open.db
      .insertInto('owner_verifications')
      .values({ user_id: elsewhere, unit_id: u.id, register_owner_id: o.id, status: 'verified', method: 'staff', claimed_name: '外' })
      .execute();
    stranger = (
      await open.db.insertInto('users').values({ phone: '13822220002', password_hash: 'x', display_name: 's' }).returning('id').executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => open.close());

  let consultationId: number;

  it('tells the verified owners of the estate when a consultation opens, once, in the portal by default, in both languages', async () => {
    await setPreferences(open.db, owners[1]!.userId, { consultation_on_my_estate: 'sms' });
    await setPreferences(open.db, owners[2]!.userId, { consultation_on_my_estate: 'off' });
    const r = await openConsultation(open.db, staffId, { projectId, title: '加装电梯方案征求意见', body: null, lastDay: inDays(10), documentIds: [] });
    if (!r.ok) throw new Error(r.error);
    consultationId = r.consultationId;
    const rows = await rowsOf('consultation_on_my_estate');
    const told = [0, 1, 3, 4, 5].map((i) => owners[i]!.userId);
    expect(rows.map((x) => [x.user_id, x.channel])).toEqual(
      told.flatMap((u) =>
        u === owners[1]!.userId
          ? [
              [u, 'inapp'],
              [u, 'sms'],
            ]
          : [[u, 'inapp']],
      ),
    );
    const link = `/projects/ZH-NE-1/consultations/${consultationId}`;
    for (const x of rows) {
      expect(x.link).toBe(link);
      expect(x.body).toContain('【共治】您小区的项目“建设小区综合改造”正在征求意见：“加装电梯方案征求意见”');
      expect(x.body).toContain(`${inDays(10).replaceAll('-', '/')} 24:00 截止`);
      expect(x.body_en).toContain('[Gongzhi] The project "建设小区综合改造" on your estate asks for your opinion');
    }
    // the same cause again tells nobody twice
    const project = { id: projectId, code: 'ZH-NE-1', title: '建设小区综合改造' };
    expect(await consultationOpened(open.db, { id: consultationId, title: '加装电梯方案征求意见', closesAt: r.closesAt, project }, new Date())).toBe(0);
    expect(await rowsOf('consultation_on_my_estate')).toHaveLength(rows.length);
  });

  it('tells the author of a comment of a reply, a resident’s or staff’s, by SMS too by default, never of their own reply', async () => {
    const [a, b, c] = [owners[0]!.userId, owners[3]!.userId, owners[4]!.userId];
    await setPreferences(open.db, c, { reply_to_my_comment: 'portal' });
    const post = async (user: { id: number; role: 'resident' | 'staff' }, body: string, parentId?: number) => {
      const r = await postComment(open.db, user, { consultationId, parentId, body });
      if (!r.ok) throw new Error(r.error);
      return r.commentId;
    };
    const aOpinion = await post(resident(a), '电梯井道离我家窗户太近');
    const cOpinion = await post(resident(c), '希望保留自行车棚');
    await post(resident(a), '补充：二楼采光也受影响', aOpinion); // my own reply: nobody told
    const bReply = await post(resident(b), '我身份证号410411199309239086，同意楼上', aOpinion);
    const staffReply = await post({ id: staffId, role: 'staff' }, '已转设计单位复核', aOpinion);
    await post(resident(b), '车棚可以挪到北侧', cOpinion);
    await post(resident(stranger), '路过', cOpinion);
    const rows = await rowsOf('reply_to_my_comment');
    expect(rows.map((x) => [x.user_id, x.channel, x.source])).toEqual([
      [a, 'inapp', `comment:${bReply}`],
      [a, 'inapp', `comment:${staffReply}`],
      [a, 'sms', `comment:${bReply}`],
      [a, 'sms', `comment:${staffReply}`],
      [c, 'inapp', expect.stringMatching(/^comment:\d+$/)],
      [c, 'inapp', expect.stringMatching(/^comment:\d+$/)],
    ]);
    const link = `/projects/ZH-NE-1/consultations/${consultationId}`;
    expect(rows.every((x) => x.link === link)).toBe(true);
    const bodies = rows.map((x) => x.body);
    expect(bodies.filter((t) => t === '【共治】有居民回复了您在征求意见“加装电梯方案征求意见”中的留言，请登录共治网站查看。')).toHaveLength(4);
    expect(bodies.filter((t) => t === '【共治】工作人员回复了您在征求意见“加装电梯方案征求意见”中的留言，请登录共治网站查看。')).toHaveLength(2);
    expect(
      rows.filter((x) => x.body_en === '[Gongzhi] Staff replied to your comment in the consultation "加装电梯方案征求意见". Sign in to read it.'),
    ).toHaveLength(2);
    // what was written (here an ID number) is in no text
    expect(rows.some((x) => /410411|同意楼上/.test(x.body + x.body_en))).toBe(false);

    // delivered: A's two texts; C's replies only in the portal
    const texts: { phone: string; body: string }[] = [];
    const sender: SmsSender = { send: async (phone, body) => void texts.push({ phone, body }) };
    const noon = new Date('2030-06-03T04:00:00Z'); // 12:00 Beijing: everything queued is due
    await deliverDue(
      open.db,
      () => sender,
      () => noon,
    );
    expect(texts.filter((t) => t.body.includes('回复了您')).map((t) => t.phone)).toEqual(['13811110000', '13811110000']);
    expect((await inboxOf(open.db, c)).items.filter((i) => i.kind === 'reply_to_my_comment')).toHaveLength(2);

    // a reply at 22:00 Beijing: the in-app message at once, the text at 08:00 the next morning
    const night = new Date('2030-06-03T14:00:00Z');
    expect(
      await replyPosted(
        open.db,
        { id: 999_999, authorUserId: b, byStaff: false, parentAuthorUserId: a },
        { id: consultationId, title: '加装电梯方案征求意见', projectCode: 'ZH-NE-1' },
        night,
      ),
    ).toBe(2);
    const late = (await rowsOf('reply_to_my_comment')).filter((x) => x.source === 'comment:999999');
    expect(late.map((x) => [x.channel, x.due_at.toISOString()])).toEqual([
      ['inapp', '2030-06-03T14:00:00.000Z'],
      ['sms', '2030-06-04T00:00:00.000Z'],
    ]);
  });

  it('tells the verified owners of the estate when the project’s rating opens, once, in the portal by default', async () => {
    expect(await openRating(open.db, staffId, { projectId })).toMatchObject({ ok: true });
    const rows = await rowsOf('rating_opened');
    expect(rows.map((x) => [x.user_id, x.channel])).toEqual(owners.map((o) => [o.userId, 'inapp']));
    expect(rows[0]).toMatchObject({
      link: '/projects/ZH-NE-1/rating',
      body: '【共治】您小区的项目“建设小区综合改造”已开始效果评价，请登录共治网站为十项目标打分。',
      body_en: '[Gongzhi] Rating has opened for the project "建设小区综合改造" on your estate. Sign in to score its ten goals.',
    });
    expect(await ratingOpened(open.db, { id: projectId, code: 'ZH-NE-1', title: '建设小区综合改造' }, new Date())).toBe(0);
    expect(await rowsOf('rating_opened')).toHaveLength(rows.length);
  });

  // Monday 2 March 2026, 10:00 China time; a 7-day posting ends at 24:00 of Monday 9 March
  const T0 = new Date('2026-03-02T02:00:00Z');
  const AFTER_POSTING = new Date('2026-03-10T02:00:00Z');
  const lift = (over: Partial<SchemeContent> = {}): SchemeContent => ({
    title: '1 栋 1 单元加装电梯',
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
    pledgeDeadline: '2026-03-31', // a Tuesday: pledges until 24:00 China time
    postingDays: 7,
    ballotId: null,
    ballotMatter: null,
    ...over,
  });
  const pledging = async (over: Partial<SchemeContent> = {}) => {
    const c = await createScheme(open.db, staffId, { projectId, content: lift(over) }, T0);
    if (!c.ok) throw new Error(c.error);
    expect(await postScheme(open.db, staffId, { schemeId: c.schemeId }, T0)).toMatchObject({ ok: true });
    expect(await openPledging(open.db, staffId, { schemeId: c.schemeId }, AFTER_POSTING)).toEqual({ ok: true });
    return c.schemeId;
  };
  const householdNo = async (schemeId: number, unitId: number) =>
    (
      await open.db
        .selectFrom('cost_scheme_shares as s')
        .innerJoin('cost_scheme_households as h', 'h.id', 's.household_id')
        .innerJoin('cost_scheme_versions as v', 'v.id', 's.version_id')
        .where('v.scheme_id', '=', schemeId)
        .where('s.unit_id', '=', unitId)
        .select('h.no')
        .executeTakeFirstOrThrow()
    ).no;

  it('reminds the owners of a household that has not pledged, at 10:00 three days before the last day; a pledge withdraws it', async () => {
    const schemeId = await pledging();
    const rows = await rowsOf('pledge_deadline_3d');
    // ground-floor flats 101 and 102 pay nothing and are not reminded; 201's two co-owners, 202, 301 are
    const reminded = [2, 3, 4, 5].map((i) => owners[i]!.userId);
    expect(rows.map((x) => [x.user_id, x.channel, x.state, x.due_at.toISOString()])).toEqual(
      reminded.map((u) => [u, 'inapp', 'queued', '2026-03-28T02:00:00.000Z']),
    );
    expect(rows[0]).toMatchObject({
      link: `/projects/ZH-NE-1/schemes/${schemeId}`,
      body: '【共治】出资方案“1 栋 1 单元加装电梯”将于 2026/03/31 24:00 截止承诺出资，您家尚未承诺。如愿出资，请登录共治网站办理。',
      body_en:
        '[Gongzhi] Pledges to the cost-share scheme "1 栋 1 单元加装电梯" close at 24:00 on 03/31/2026, and your household has not pledged. If you wish to, sign in to pledge.',
    });
    // one co-owner of 201 pledges for the household: both are no longer reminded; 202 pledges and withdraws: reminded again
    const during = new Date('2026-03-12T02:00:00Z');
    const p201 = await pledge(
      open.db,
      owners[2]!.userId,
      { schemeId, householdNo: await householdNo(schemeId, owners[2]!.unitId), amountFen: null, reason: null },
      during,
    );
    expect(p201).toMatchObject({ ok: true });
    const p202 = await pledge(
      open.db,
      owners[4]!.userId,
      { schemeId, householdNo: await householdNo(schemeId, owners[4]!.unitId), amountFen: null, reason: null },
      during,
    );
    if (!p202.ok) throw new Error(p202.error);
    expect(await withdrawPledge(open.db, owners[4]!.userId, { pledgeId: p202.pledgeId }, during)).toMatchObject({ ok: true });
    const told: number[] = [];
    const due = new Date('2026-03-28T02:00:00Z');
    await deliverDue(
      open.db,
      () => null,
      () => due,
    );
    for (const u of reminded) if ((await inboxOf(open.db, u)).items.some((i) => i.kind === 'pledge_deadline_3d')) told.push(u);
    expect(told).toEqual([owners[4]!.userId, owners[5]!.userId]);
  });

  it('withdraws the reminders of a withdrawn scheme, and queues none when pledging opens less than three days before the end', async () => {
    const before = (await rowsOf('pledge_deadline_3d')).length;
    const third = await pledging({ pledgeDeadline: '2026-03-12' });
    expect((await rowsOf('pledge_deadline_3d')).length).toBe(before);
    expect(await withdrawScheme(open.db, staffId, { schemeId: third, reason: '重新测算' }, AFTER_POSTING)).toMatchObject({ ok: true });
    const fourth = await pledging();
    const mine = (await rowsOf('pledge_deadline_3d')).filter((x) => x.link === `/projects/ZH-NE-1/schemes/${fourth}`);
    expect(mine.map((x) => x.state)).toEqual(['queued', 'queued', 'queued', 'queued']);
    expect(await withdrawScheme(open.db, staffId, { schemeId: fourth, reason: '重新测算' }, AFTER_POSTING)).toMatchObject({ ok: true });
    const after = (await rowsOf('pledge_deadline_3d')).filter((x) => x.link === `/projects/ZH-NE-1/schemes/${fourth}`);
    expect(after.map((x) => x.state)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  });
});
