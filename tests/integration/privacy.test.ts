import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { prepareVote } from '../support/vote-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';
import { sessionIdOf } from '../../src/features/accounts/session.ts';
import { closeAccount, personalData, privacySweep, setProofDispute, CHALLENGE_PERIOD_DAYS } from '../../src/features/privacy/service.ts';
import { sql } from 'kysely';
import { openConsultation, postComment, reportComment } from '../../src/features/consultations/commands/index.ts';
import {
  answerObjection,
  createScheme,
  objectToScheme,
  openPledging,
  pledge,
  postScheme,
  recordPayment,
  recordRefund,
  withdrawScheme,
} from '../../src/features/costshare/commands/index.ts';
import { decideDonation, offerDonation, receiveDonation } from '../../src/features/donations/commands/index.ts';
import { donationBoards } from '../../src/features/donations/queries/index.ts';
import { createTask } from '../../src/features/volunteering/commands/create-task.ts';
import { signUp } from '../../src/features/volunteering/commands/sign-up.ts';
import { openRating, rateProject } from '../../src/features/ratings/commands/index.ts';
import { householdsFor } from '../../src/features/ratings/queries/index.ts';
import { reportRatingComment } from '../../src/features/ratings/commands/moderation.ts';
import { enqueue } from '../../src/features/notifications/commands/enqueue.ts';
import { setPreferences } from '../../src/features/notifications/commands/preferences.ts';
import type { Scores } from '../../src/features/ratings/core/goals.ts';

// PIPL: a person downloads what the portal holds about them and closes their account (their
// personal data erased, ballot evidence kept for the one-year challenge period, then erased);
// proof documents go 180 days after the decision unless the decision is disputed.

const DAY = 86_400_000;
const key = (c: string) => c.repeat(64);

describe.each(BACKENDS)('privacy on %s', (kind) => {
  let open: OpenDatabase;
  let ballotId: number;
  let tokens: string[];
  let staffId: number;
  const removed: string[] = [];
  const store = { remove: async (k: string) => void removed.push(k) };
  const userOf = async (token: string) =>
    (await open.db.selectFrom('sessions').select('user_id').where('id', '=', sessionIdOf(token)).executeTakeFirstOrThrow()).user_id;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    ({ staffId } = await hebinEstate(open.db));
    ({ ballotId, tokens } = await prepareVote(open.db, 3));
  });
  afterAll(() => open.close());

  it('gives a person what it holds about them, ID numbers only as their last four', async () => {
    const u = await userOf(tokens[0]!);
    await open.db
      .updateTable('owner_verifications')
      .set({
        claimed_id_type: 'resident_id',
        claimed_id_hash: 'secret-hash',
        claimed_id_last4: '002X',
        proof_storage_key: key('a'),
        proof_mime: 'image/png',
        decided_at: new Date(),
      })
      .where('user_id', '=', u)
      .execute();
    await open.db.insertInto('privacy_consents').values({ user_id: u, purpose: 'id_number', notice_version: 'v' }).execute();
    const data = await personalData(open.db, u);
    expect(data.account.phone).toMatch(/^158\d{8}$/);
    expect(data.claims).toHaveLength(1);
    expect(data.claims[0]).toMatchObject({ status: 'verified', idLast4: '002X', proof: { type: 'image/png' } });
    expect(data.consents).toMatchObject([{ purpose: 'id_number' }]);
    expect(JSON.stringify(data)).not.toContain('secret-hash');
  });

  it("never gives a pending claimant the register's entry or its mobile, nor a reason telling that name and ID matched", async () => {
    const u = await userOf(tokens[1]!);
    const owner = await open.db
      .selectFrom('register_owners')
      .innerJoin('unit_owners', 'unit_owners.owner_id', 'register_owners.id')
      .select(['register_owners.id', 'register_owners.name', 'unit_owners.unit_id'])
      .orderBy('register_owners.id', 'desc')
      .executeTakeFirstOrThrow();
    await open.db.updateTable('register_owners').set({ phone: '13612345678' }).where('id', '=', owner.id).execute();
    const pending = await open.db
      .insertInto('owner_verifications')
      .values({
        user_id: u,
        unit_id: owner.unit_id,
        register_owner_id: owner.id,
        status: 'pending',
        method: 'proof',
        claimed_name: owner.name,
        reason: 'owner.phoneNotRegisters',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      const data = await personalData(open.db, u);
      const claim = data.claims.find((c) => c.status === 'pending')!;
      expect(claim).toMatchObject({ status: 'pending', register: null, reason: null });
      expect(JSON.stringify(data)).not.toContain('13612345678');
      expect(JSON.stringify(data)).not.toContain('owner.');
      // a verified claim shows the register's entry, without its mobile
      const verified = data.claims.find((c) => c.status === 'verified')!;
      expect(verified.register).not.toBeNull();
      expect(verified.register).not.toHaveProperty('phone');
    } finally {
      await open.db.deleteFrom('owner_verifications').where('id', '=', pending.id).execute();
      await open.db.updateTable('register_owners').set({ phone: null }).where('id', '=', owner.id).execute();
    }
  });

  it('closes an account: personal data erased, the cast ballot kept, who cast it kept for the challenge period only', async () => {
    const u = await userOf(tokens[0]!);
    const before = await open.db.selectFrom('users').select(['phone', 'display_name']).where('id', '=', u).executeTakeFirstOrThrow();
    const claimBefore = await open.db
      .selectFrom('owner_verifications')
      .select(['unit_id', 'register_owner_id'])
      .where('user_id', '=', u)
      .executeTakeFirstOrThrow();
    expect(claimBefore.register_owner_id).not.toBeNull();
    expect(await castOnline(open.db, { sessionId: sessionIdOf(tokens[0]!), ballotId, choices: { m1: 'agree', m2: 'agree', m3: 'oppose' } })).toMatchObject({
      ok: true,
    });
    const closes = (await open.db.selectFrom('ballots').select('closes_at').where('id', '=', ballotId).executeTakeFirstOrThrow()).closes_at;

    const res = await closeAccount(open.db, store, u);
    expect(res).toEqual({ ok: true, evidenceKeptUntil: new Date(closes.getTime() + CHALLENGE_PERIOD_DAYS * DAY) });
    const after = await open.db.selectFrom('users').selectAll().where('id', '=', u).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ phone: `closed-${u}`, display_name: '', phone_verified_at: null });
    expect(after.closed_at).not.toBeNull();
    // the claims are gone: nothing links the account, or the ballot it cast, to a flat or a register owner but the evidence kept apart
    expect(await open.db.selectFrom('owner_verifications').select('id').where('user_id', '=', u).execute()).toEqual([]);
    expect(
      await open.db
        .selectFrom('ballot_casts')
        .innerJoin('owner_verifications', 'owner_verifications.user_id', 'ballot_casts.cast_by')
        .select('owner_verifications.register_owner_id')
        .where('ballot_casts.cast_by', '=', u)
        .execute(),
    ).toEqual([]);
    const kept = await open.db.selectFrom('closed_account_evidence').select('claims').where('user_id', '=', u).executeTakeFirstOrThrow();
    expect(kept.claims).toEqual([expect.objectContaining({ unitId: claimBefore.unit_id, registerOwnerId: claimBefore.register_owner_id, status: 'verified' })]);
    expect(removed).toEqual([key('a')]);
    expect(await open.db.selectFrom('sessions').select('id').where('user_id', '=', u).execute()).toEqual([]);
    expect(await open.db.selectFrom('privacy_consents').select('id').where('user_id', '=', u).execute()).toEqual([]);
    // the ballot stays cast and counted, and who cast it can still be shown during the challenge period
    expect(await open.db.selectFrom('ballot_casts').select('id').where('cast_by', '=', u).execute()).toHaveLength(1);
    expect(await open.db.selectFrom('closed_account_evidence').select(['phone', 'display_name']).where('user_id', '=', u).executeTakeFirstOrThrow()).toEqual({
      phone: before.phone,
      display_name: before.display_name,
    });
    // the session no longer signs anyone in, and a second close is refused
    expect(await castOnline(open.db, { sessionId: sessionIdOf(tokens[0]!), ballotId, choices: { m1: 'agree', m2: 'agree', m3: 'agree' } })).toMatchObject({
      ok: false,
    });
    expect(await closeAccount(open.db, store, u)).toEqual({ ok: false, error: 'err.forbidden' });

    // a day after the challenge period the sweep erases the evidence
    expect((await privacySweep(open.db, store, new Date(closes.getTime() + (CHALLENGE_PERIOD_DAYS - 1) * DAY))).evidence).toBe(0);
    expect((await privacySweep(open.db, store, new Date(closes.getTime() + (CHALLENGE_PERIOD_DAYS + 1) * DAY))).evidence).toBe(1);
    expect(await open.db.selectFrom('closed_account_evidence').select('user_id').where('user_id', '=', u).execute()).toEqual([]);
  });

  it('refuses to close a staff account here', async () => {
    expect(await closeAccount(open.db, store, staffId)).toEqual({ ok: false, error: 'err.staffCannotClose' });
  });

  it("deletes proof documents 180 days after the decision, unless disputed or the register's own record", async () => {
    const [u1, u2] = [await userOf(tokens[1]!), await userOf(tokens[2]!)];
    const unit = (await open.db.selectFrom('owner_verifications').select('unit_id').where('user_id', '=', u1).executeTakeFirstOrThrow()).unit_id;
    const decided = new Date('2026-01-01T00:00:00Z');
    const add = async (userId: number, proof: string, status: 'rejected' | 'pending' = 'rejected') =>
      (
        await open.db
          .insertInto('owner_verifications')
          .values({
            user_id: userId,
            unit_id: unit,
            status,
            method: 'proof',
            claimed_name: 'x',
            proof_storage_key: proof,
            proof_mime: 'image/png',
            decided_at: decided,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const plain = await add(u1, key('b'));
    const disputed = await add(u1, key('c'));
    const registers = await add(u2, key('d'));
    const waiting = await add(u2, key('e'), 'pending');
    await open.db
      .updateTable('register_owners')
      .set({ proof_storage_key: key('d') })
      .where('id', '=', (await open.db.selectFrom('register_owners').select('id').orderBy('id').executeTakeFirstOrThrow()).id)
      .execute();
    expect(await setProofDispute(open.db, staffId, disputed, true)).toEqual({ ok: true });
    removed.length = 0;

    expect(await privacySweep(open.db, store, new Date(decided.getTime() + 179 * DAY))).toMatchObject({ proofs: 0, files: 0 });
    expect(await privacySweep(open.db, store, new Date(decided.getTime() + 181 * DAY))).toMatchObject({ proofs: 2, files: 1 });
    expect(removed).toEqual([key('b')]);
    const keys = Object.fromEntries(
      (
        await open.db
          .selectFrom('owner_verifications')
          .select(['id', 'proof_storage_key', 'proof_deleted_at'])
          .where('id', 'in', [plain, disputed, registers, waiting])
          .execute()
      ).map((r) => [r.id, [r.proof_storage_key, r.proof_deleted_at !== null]]),
    );
    expect(keys).toEqual({ [plain]: [null, true], [disputed]: [key('c'), false], [registers]: [null, true], [waiting]: [key('e'), false] });
    const audit = await open.db.selectFrom('audit_log').select('action').where('target', '=', `verification:${disputed}`).execute();
    expect(audit.map((a) => a.action)).toEqual(['verification.proofDisputed']);
  });
});

// Everything the features landed on 30 Nov hold about a person is in the download, each in its
// own section, and nothing of anyone else. A and B co-own flat 101 (one household), C owns 102.
// A comments and reports C's comment, objects to a cost-share scheme, pledges for 101 (paid,
// then refunded when the scheme is withdrawn), offers a donation, signs up to volunteer, rates
// (B revises the household's rating), chooses text messages for votes and is told of one. C does
// the same; B does nothing but the revision. Expected rows written by hand.

// Monday 2 March 2026, 10:00 China time; the 7-day posting ends at 24:00 of Monday 9 March
const T0 = new Date('2026-03-02T02:00:00Z');
const DURING_POSTING = new Date('2026-03-05T02:00:00Z');
const AFTER_POSTING = new Date('2026-03-10T02:00:00Z');
const inDays = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * DAY).toISOString().slice(0, 10);
const all = (n: number): Scores => ({ g1: n, g2: n, g3: n, g4: n, g5: n, g6: n, g7: n, g8: n, g9: n, g10: n });
const anyDate = expect.any(Date);

describe.each(BACKENDS)('personal data download of the new features on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let projectId: number;
  const user: Record<'A' | 'B' | 'C', number> = { A: 0, B: 0, C: 0 };
  const unit: Record<string, number> = {};
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const db = open.db;
    const fx = await hebinEstate(db);
    staffId = fx.staffId;
    projectId = (
      await db
        .insertInto('projects')
        .values({ code: 'ZH-P-1', subdistrict_id: fx.subId, title: '和平小区改造', batch_year: 2026, stage: 3, published_at: new Date('2026-01-01T00:00:00Z') })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await db.insertInto('project_estates').values({ project_id: projectId, estate_id: fx.estateId }).execute();
    const b = await db.insertInto('buildings').values({ estate_id: fx.estateId, label: '9' }).returning('id').executeTakeFirstOrThrow();
    const e = await db.insertInto('entrances').values({ building_id: b.id, label: '1' }).returning('id').executeTakeFirstOrThrow();
    for (const room of ['101', '102']) {
      unit[room] = (await db.insertInto('units').values({ entrance_id: e.id, floor: 1, room, area_cm2: 8000 }).returning('id').executeTakeFirstOrThrow()).id;
    }
    const owner = async (name: 'A' | 'B' | 'C', room: string, phone: string) => {
      const o = await db
        .insertInto('register_owners')
        .values({ estate_id: fx.estateId, name: `业主${name}`, id_type: 'resident_id', id_hash: `h-${name}`, id_key_version: 1, id_last4: '0000' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('unit_owners').values({ unit_id: unit[room]!, owner_id: o.id }).execute();
      const u = await db
        .insertInto('users')
        .values({ phone, password_hash: 'x', display_name: `居民${name}` })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('owner_verifications')
        .values({ user_id: u.id, unit_id: unit[room]!, register_owner_id: o.id, status: 'verified', method: 'staff', claimed_name: `业主${name}` })
        .execute();
      user[name] = u.id;
    };
    await owner('A', '101', '13500000001');
    await owner('B', '101', '13500000002');
    await owner('C', '102', '13500000003');

    // consultation
    const c = await openConsultation(db, staffId, { projectId, title: '改造方案征求意见', body: '请提意见', lastDay: inDays(10), documentIds: [] });
    if (!c.ok) throw new Error(c.error);
    ids.consultation = c.consultationId;
    const ca = await postComment(db, { id: user.A, role: 'resident' }, { consultationId: c.consultationId, body: 'A：楼道灯要换' });
    const cc = await postComment(db, { id: user.C, role: 'resident' }, { consultationId: c.consultationId, body: 'C：外墙保温' });
    if (!ca.ok || !cc.ok) throw new Error('comment');
    ids.commentA = ca.commentId;
    ids.commentC = cc.commentId;
    expect(await reportComment(db, user.A, { commentId: cc.commentId })).toMatchObject({ ok: true });
    expect(await reportComment(db, user.C, { commentId: ca.commentId })).toMatchObject({ ok: true });

    // cost share
    const s = await createScheme(
      db,
      staffId,
      {
        projectId,
        content: {
          title: '9 栋加装电梯',
          item: '加装电梯一部',
          estateId: fx.estateId,
          building: '9',
          entrance: '1',
          method: 'equal',
          weightByArea: false,
          coefficients: null,
          amounts: null,
          totalYuan: '2000.00',
          targetFen: null,
          pledgeDeadline: '2026-03-31',
          postingDays: 7,
          ballotId: null,
          ballotMatter: null,
        },
      },
      T0,
    );
    if (!s.ok) throw new Error(s.error);
    ids.scheme = s.schemeId;
    expect(await postScheme(db, staffId, { schemeId: s.schemeId }, T0)).toMatchObject({ ok: true });
    const oa = await objectToScheme(db, user.A, { schemeId: s.schemeId, unitId: unit['101']!, body: 'A：分摊不公' }, DURING_POSTING);
    const oc = await objectToScheme(db, user.C, { schemeId: s.schemeId, unitId: unit['102']!, body: 'C：不同意' }, DURING_POSTING);
    if (!oa.ok || !oc.ok) throw new Error('objection');
    expect(await answerObjection(db, staffId, { objectionId: oa.objectionId, response: '按面积分摊已说明' }, DURING_POSTING)).toMatchObject({ ok: true });
    expect(await answerObjection(db, staffId, { objectionId: oc.objectionId, response: '答复C' }, DURING_POSTING)).toMatchObject({ ok: true });
    expect(await openPledging(db, staffId, { schemeId: s.schemeId }, AFTER_POSTING)).toEqual({ ok: true });
    const no = async (room: string) =>
      (
        await db
          .selectFrom('cost_scheme_shares')
          .innerJoin('cost_scheme_households', 'cost_scheme_households.id', 'cost_scheme_shares.household_id')
          .where('cost_scheme_shares.unit_id', '=', unit[room]!)
          .select('cost_scheme_households.no')
          .executeTakeFirstOrThrow()
      ).no;
    ids.household101 = await no('101');
    const pa = await pledge(db, user.A, { schemeId: s.schemeId, householdNo: ids.household101, amountFen: 100_000, reason: '愿意出' }, AFTER_POSTING);
    const pc = await pledge(db, user.C, { schemeId: s.schemeId, householdNo: await no('102'), amountFen: 70_000, reason: 'C的理由' }, AFTER_POSTING);
    if (!pa.ok || !pc.ok) throw new Error('pledge');
    const pay = await recordPayment(
      db,
      staffId,
      { pledgeId: pa.pledgeId, amountFen: 100_000, paidOn: '2026-03-10', method: 'transfer', receiptNo: 'R-A1', scanKey: null },
      AFTER_POSTING,
    );
    const payC = await recordPayment(
      db,
      staffId,
      { pledgeId: pc.pledgeId, amountFen: 70_000, paidOn: '2026-03-10', method: 'cash', receiptNo: 'R-C1', scanKey: null },
      AFTER_POSTING,
    );
    if (!pay.ok || !payC.ok) throw new Error('payment');
    expect(await withdrawScheme(db, staffId, { schemeId: s.schemeId, reason: '方案有误' }, AFTER_POSTING)).toMatchObject({ ok: true });
    expect(
      await recordRefund(db, staffId, { paymentId: pay.paymentId, refundedOn: '2026-03-10', method: 'cash', receiptNo: 'T-A1' }, AFTER_POSTING),
    ).toMatchObject({ ok: true });

    // donations
    expect(await offerDonation(db, user.A, { projectId, what: { kind: 'money', amountFen: 5_000 }, displayName: '老王' })).toMatchObject({ ok: true });
    expect(await offerDonation(db, user.C, { projectId, what: { kind: 'money', amountFen: 9_000 }, displayName: 'C的署名' })).toMatchObject({ ok: true });

    // volunteering
    const startsAt = new Date(Date.now() + 3 * DAY);
    const t = await createTask(db, staffId, {
      projectId,
      title: '清理楼道',
      place: '9 号楼前',
      details: '',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 7_200_000),
      places: 5,
    });
    if (!t.ok) throw new Error(t.error);
    ids.taskStarts = startsAt.getTime();
    expect(await signUp(db, user.A, t.taskId)).toMatchObject({ ok: true });
    expect(await signUp(db, user.C, t.taskId)).toMatchObject({ ok: true });

    // ratings: A rates household 101, co-owner B revises it; C rates 102
    await db.updateTable('projects').set({ stage: 4 }).where('id', '=', projectId).execute();
    expect(await openRating(db, staffId, { projectId })).toMatchObject({ ok: true });
    const hA = (await householdsFor(db, projectId, user.A))[0]!;
    const hC = (await householdsFor(db, projectId, user.C))[0]!;
    ids.ratingHousehold = hA.id;
    expect(await rateProject(db, user.A, { projectId, householdId: hA.id, scores: all(4), comment: 'A：不错' })).toMatchObject({ ok: true });
    expect(await rateProject(db, user.B, { projectId, householdId: hA.id, scores: all(2), comment: 'B：一般' })).toMatchObject({ ok: true });
    expect(await rateProject(db, user.C, { projectId, householdId: hC.id, scores: all(5), comment: 'C：很好' })).toMatchObject({ ok: true });
    // A reports C's household's comment
    const rc = await db.selectFrom('ratings').select(['id', 'version']).where('household_id', '=', hC.id).executeTakeFirstOrThrow();
    ids.ratingC = rc.id;
    expect(await reportRatingComment(db, user.A, { projectId, ratingId: rc.id, version: rc.version })).toMatchObject({ ok: true, already: false });

    // notifications: A turns off news of votes (C keeps the default) and both are told
    expect(await setPreferences(db, user.A, { vote_opened: 'off' })).toEqual({ ok: true });
    await enqueue(db, sql<{ user_id: number }>`select unnest(${[user.A, user.C]}::int[]) as user_id`, {
      kind: 'consultation_on_my_estate',
      body: '征求意见开始',
      link: '/consultations/1',
      source: 'consultation:by-hand',
      dueAt: new Date('2026-11-30T02:00:00Z'),
    });
  });
  afterAll(() => open.close());

  it('gives the person their own comments, reports, objections, pledges, donations, sign-ups, ratings and notifications', async () => {
    const data = await personalData(open.db, user.A);
    expect(data.consultationComments).toEqual([
      {
        id: ids.commentA,
        consultationId: ids.consultation,
        replyTo: null,
        channel: 'online',
        postedAs: 'owner',
        building: '9',
        body: 'A：楼道灯要换',
        createdAt: anyDate,
        editedAt: null,
        deletedAt: null,
        hiddenAt: null,
        hiddenReason: null,
      },
    ]);
    expect(data.consultationReports).toEqual([{ consultationId: ids.consultation, commentId: ids.commentC, reportedAt: anyDate }]);
    expect(data.ratingCommentReports).toEqual([{ projectId, ratingId: ids.ratingC, version: 1, reportedAt: anyDate }]);
    expect(data.schemeObjections).toEqual([
      {
        schemeId: ids.scheme,
        version: 1,
        building: '9',
        entrance: '1',
        room: '101',
        body: 'A：分摊不公',
        lodgedAt: DURING_POSTING,
        response: '按面积分摊已说明',
        respondedAt: DURING_POSTING,
      },
    ]);
    expect(data.pledges).toEqual([
      {
        schemeId: ids.scheme,
        version: 1,
        household: ids.household101,
        amountFen: 100_000,
        // the full share (2000 yuan over two households): no reason is kept; a paid pledge stays paid, its payment marked for refund
        reason: null,
        channel: 'online',
        status: 'paid',
        pledgedAt: AFTER_POSTING,
        closedAt: null,
        releaseCause: null,
        payments: [
          {
            amountFen: 100_000,
            paidOn: '2026-03-10',
            method: 'transfer',
            receiptNo: 'R-A1',
            recordedAt: AFTER_POSTING,
            refundDueAt: AFTER_POSTING,
            refundCause: 'withdrawn',
            refunds: [{ amountFen: 100_000, refundedOn: '2026-03-10', method: 'cash', receiptNo: 'T-A1', recordedAt: AFTER_POSTING }],
          },
        ],
      },
    ]);
    expect(data.donations).toEqual([
      {
        projectId,
        kind: 'money',
        amountFen: 5_000,
        goods: null,
        goodsQuantity: null,
        labourSkill: null,
        labourHours: null,
        displayName: '老王',
        status: 'offered',
        offeredAt: anyDate,
        decidedAt: null,
        declineReason: null,
        receivedOn: null,
        receiptNo: null,
      },
    ]);
    expect(data.volunteering).toEqual([
      {
        projectId,
        task: '清理楼道',
        place: '9 号楼前',
        startsAt: new Date(ids.taskStarts!),
        endsAt: new Date(ids.taskStarts! + 7_200_000),
        status: 'confirmed',
        signedUpAt: anyDate,
        promotedAt: null,
        cancelledAt: null,
        minutes: null,
      },
    ]);
    expect(data.ratings).toEqual([{ projectId, household: expect.any(String), version: 1, channel: 'online', ...all(4), comment: 'A：不错', at: anyDate }]);
    const queued = { channel: 'inapp', state: 'queued', createdAt: anyDate, sentAt: null, readAt: null };
    expect(data.notifications).toEqual([
      // the consultation and the rating opened on A's estate; the pledge reminder withdrawn by A's pledge
      {
        ...queued,
        kind: 'consultation_on_my_estate',
        body: expect.stringContaining('正在征求意见'),
        bodyEn: expect.stringContaining('asks for your opinion'),
        link: expect.stringMatching(/^\/projects\/[^/]+\/consultations\/\d+$/),
        dueAt: anyDate,
      },
      {
        ...queued,
        kind: 'pledge_deadline_3d',
        state: 'skipped',
        body: expect.stringContaining('截止承诺出资'),
        bodyEn: expect.stringContaining('has not pledged'),
        link: expect.stringMatching(/^\/projects\/[^/]+\/schemes\/\d+$/),
        dueAt: anyDate,
      },
      // signing up queues the reminder for the day before
      {
        ...queued,
        kind: 'volunteer_task_tomorrow',
        body: expect.stringContaining('清理楼道'),
        bodyEn: expect.stringContaining('清理楼道'),
        link: '/account',
        dueAt: new Date(ids.taskStarts! - DAY),
      },
      {
        ...queued,
        kind: 'rating_opened',
        body: expect.stringContaining('效果评价'),
        bodyEn: expect.stringContaining('Rating has opened'),
        link: expect.stringMatching(/^\/projects\/[^/]+\/rating$/),
        dueAt: anyDate,
      },
      { ...queued, kind: 'consultation_on_my_estate', body: '征求意见开始', bodyEn: null, link: '/consultations/1', dueAt: new Date('2026-11-30T02:00:00Z') },
    ]);
    expect(data.notificationPrefs).toEqual([{ kind: 'vote_opened', choice: 'off', updatedAt: anyDate }]);
    // nothing of C, nor of co-owner B
    const text = JSON.stringify(data);
    for (const other of ['13500000002', '13500000003', '居民B', '居民C', '业主B', '业主C', 'C：', 'B：', 'R-C1', 'C的', '答复C'])
      expect(text).not.toContain(other);
  });

  it("leaves out of a co-owner's download the pledge another owner made for their household, as with ballots", async () => {
    const data = await personalData(open.db, user.B);
    expect(data.pledges).toEqual([]);
    expect(data.ratings).toEqual([{ projectId, household: expect.any(String), version: 2, channel: 'online', ...all(2), comment: 'B：一般', at: anyDate }]);
    expect(data.ratingCommentReports).toEqual([]);
    expect([data.consultationComments, data.consultationReports, data.schemeObjections, data.donations, data.volunteering, data.notificationPrefs]).toEqual([
      [],
      [],
      [],
      [],
      [],
      [],
    ]);
    const text = JSON.stringify(data);
    for (const other of ['13500000001', '居民A', 'A：', 'R-A1', '老王']) expect(text).not.toContain(other);
  });

  it("erases a closed account's chosen name from the public donation board, keeping the donation", async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const gifts = await open.db.selectFrom('donations').select(['id', 'donor_user_id']).orderBy('id').execute();
    for (const g of gifts) {
      expect(await decideDonation(open.db, staffId, { donationId: g.id, decision: 'accept', reason: null })).toMatchObject({ ok: true });
      expect(await receiveDonation(open.db, staffId, { donationId: g.id, receivedOn: today, receiptNo: `D-${g.donor_user_id}` })).toMatchObject({ ok: true });
    }
    const board = async () =>
      (await donationBoards(open.db, [projectId]))
        .get(projectId)!
        .map((d) => [d.displayName, d.amountFen])
        .sort();
    expect(await board()).toEqual([
      ['C的署名', 9_000],
      ['老王', 5_000],
    ]);
    expect(await closeAccount(open.db, { remove: async () => {} }, user.A)).toMatchObject({ ok: true });
    expect(await board()).toEqual([
      [null, 5_000],
      ['C的署名', 9_000],
    ]);
    // the rest of what the person held: inbox and choices gone, their comment kept without a name
    const data = await personalData(open.db, user.A);
    expect([data.account.name, data.notifications, data.notificationPrefs, data.donations.map((d) => d.displayName)]).toEqual(['', [], [], [null]]);
    expect(data.consultationComments.map((c) => c.body)).toEqual(['A：楼道灯要换']);
  });
});
