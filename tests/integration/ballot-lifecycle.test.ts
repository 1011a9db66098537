import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { postNoticeAsStaff } from '../support/ballot-notice.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { addOwnerOnBasis } from '../../src/features/register/owner-service.ts';
import * as ballots from '../../src/features/ballots/service.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';
import { ballotDetail, publicBallots } from '../../src/features/ballots/web-queries.ts';
import { postMeetingNotice } from '../../src/features/ballots/meeting-notice.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';

// The life of a ballot as the database enforces it, whatever code path writes (migration
// 0017): the status only moves forward, the closing time is fixed once open, casts and
// bulletins are append-only, counted choices belong to their ballot, a cast replaces the
// voter's whole ballot and never interleaves with a close; staff cancel a ballot made by
// mistake with a public reason; a paper ballot over an online one needs a reason.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 9).toString('base64')}`);
const DAY = 86_400_000;
const T0 = new Date('2026-04-01T00:00:00Z');
const DURING = new Date(T0.getTime() + 17 * DAY);

describe.each(BACKENDS)('the life of a ballot on %s', (kind) => {
  let open: OpenDatabase;
  let estateId: number;
  let subId: number;
  let staffId: number;
  let ballotId: number;
  let otherBallot: number;
  const owners: { userId: number; unitId: number }[] = [];

  const create = async (
    title: string,
    matters: { title: string; item: 1 | 4 | 7 }[] = [
      { title: '改造方案', item: 7 },
      { title: '选聘物业', item: 4 },
    ],
  ) => {
    const created = await ballots.createBallot(open.db, staffId, {
      subdistrictId: subId,
      projectId: null,
      title,
      explanation: '',
      convener: 'subdistrict',
      noticeDays: 15,
      opensAt: new Date(T0.getTime() + 16 * DAY),
      closesAt: new Date(T0.getTime() + 30 * DAY),
      scopes: [{ estateId, building: null, entrance: null }],
      matters,
    });
    if (!created.ok) throw new Error(created.error);
    return created.ballotId;
  };
  const statusOf = async (id: number) => (await open.db.selectFrom('ballots').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    ({ subId, estateId, staffId } = await hebinEstate(open.db));
    await importSampleRegister(open.db, estateId, staffId, KEY);
    owners.push(...(await verifiedOwners(open.db, 2, '1380000000')));
    ballotId = await create('生命周期表决');
    otherBallot = await create('另一表决', [{ title: '议事规则', item: 1 }]);
    for (const id of [ballotId, otherBallot]) {
      await postNoticeAsStaff(open.db, staffId, id, T0);
      expect(await ballots.openBallot(open.db, staffId, id, new Date(T0.getTime() + 16 * DAY))).toMatchObject({ ok: true });
    }
  });
  afterAll(() => open.close());

  it('moves the status only forward: draft → noticed → open → closed, or to cancelled before opening', async () => {
    const draft = await create('草稿');
    await expect(open.db.updateTable('ballots').set({ status: 'open' }).where('id', '=', draft).execute()).rejects.toThrow(/no move from draft to open/);
    await expect(open.db.updateTable('ballots').set({ status: 'closed' }).where('id', '=', draft).execute()).rejects.toThrow(/no move/);
    await expect(open.db.updateTable('ballots').set({ status: 'cancelled' }).where('id', '=', draft).execute()).rejects.toThrow(/reason/);
    await expect(open.db.updateTable('ballots').set({ status: 'noticed' }).where('id', '=', ballotId).execute()).rejects.toThrow(
      /no move from open to noticed/,
    );
    await expect(open.db.updateTable('ballots').set({ status: 'cancelled', cancel_reason: '错了' }).where('id', '=', ballotId).execute()).rejects.toThrow(
      /no move from open to cancelled/,
    );
    await expect(
      open.db
        .insertInto('ballots')
        .values({
          subdistrict_id: subId,
          title: '直接开始',
          convener: 'subdistrict',
          status: 'open',
          opens_at: T0,
          closes_at: DURING,
          created_by: staffId,
        })
        .execute(),
    ).rejects.toThrow(/starts as a draft/);
  });

  it('fixes the closing time once the vote is open', async () => {
    await expect(
      open.db
        .updateTable('ballots')
        .set({ closes_at: new Date(T0.getTime() + 40 * DAY) })
        .where('id', '=', ballotId)
        .execute(),
    ).rejects.toThrow(/closing time/);
  });

  it('keeps a matter’s kind to its Art. 278 item, and a counted choice to its own ballot’s matters and voters', async () => {
    const draft = await create('种类');
    await expect(
      open.db.insertInto('ballot_matters').values({ ballot_id: draft, code: 'm9', title: '改建', art278_item: 7, kind: 'ordinary' }).execute(),
    ).rejects.toThrow(/kind_follows_item/);
    const [voter] = await ballots.votersFor(open.db, ballotId, owners[0]!.userId);
    const cast = await ballots.recordCast(
      open.db,
      { ballotId, voterId: voter!.id, castBy: owners[0]!.userId, channel: 'online', choices: { m1: 'agree', m2: 'agree' } },
      DURING,
    );
    if (!cast.ok) throw new Error(cast.error);
    const foreignMatter = await open.db.selectFrom('ballot_matters').select('id').where('ballot_id', '=', otherBallot).executeTakeFirstOrThrow();
    await expect(
      open.db
        .insertInto('ballot_choices')
        .values({ ballot_id: ballotId, voter_id: voter!.id, matter_id: foreignMatter.id, choice: 'agree', cast_id: cast.castId })
        .execute(),
    ).rejects.toThrow(/ballot_choices_matter_fk/);
  });

  it('refuses a bulletin part without its bulletin, once the transaction ends (parts are written before their record)', async () => {
    await expect(
      open.db
        .transaction()
        .execute((trx) => trx.insertInto('ballot_bulletin_parts').values({ ballot_id: ballotId, version: 9999, form: 'full', seq: 0, body: '{}\n' }).execute()),
    ).rejects.toThrow(/ballot_bulletin_parts_ballot_id_version_fkey/);
    expect(await open.db.selectFrom('ballot_bulletin_parts').select('seq').where('version', '=', 9999).execute()).toEqual([]);
  });

  it('keeps casts and bulletins append-only, and takes a cast only into an open ballot', async () => {
    await expect(open.db.updateTable('ballot_casts').set({ choices: '{}' }).where('ballot_id', '=', ballotId).execute()).rejects.toThrow(/append-only/);
    await expect(open.db.deleteFrom('ballot_casts').where('ballot_id', '=', ballotId).execute()).rejects.toThrow(/append-only/);
    await expect(open.db.deleteFrom('ballot_bulletins').execute()).rejects.toThrow(/append-only/);
    const [voter] = await ballots.votersFor(open.db, ballotId, owners[0]!.userId);
    await expect(
      open.db
        .insertInto('ballot_casts')
        .values({
          ballot_id: ballotId,
          voter_id: voter!.id,
          cast_by: owners[0]!.userId,
          channel: 'online',
          choices: '{}',
          cast_at: new Date(T0.getTime() + 31 * DAY),
        })
        .execute(),
    ).rejects.toThrow(/not open/);
  });

  it('makes an online cast replace the voter’s whole counted ballot, as staff entries do', async () => {
    const [voter] = await ballots.votersFor(open.db, ballotId, owners[1]!.userId);
    expect(await castOnline(open.db, { ballotId, userId: owners[1]!.userId, choices: { m1: 'agree', m2: 'oppose' } }, DURING)).toMatchObject({ ok: true });
    const matters = await open.db.selectFrom('ballot_matters').select(['id', 'code']).where('ballot_id', '=', ballotId).orderBy('id').execute();
    // the database function called with one matter only (whatever code path calls it)
    const res = await sql<{
      status: string;
    }>`select status from gz_cast(${ballotId}::integer, null::text, ${owners[1]!.userId}::integer, null::text, '{"m1":"abstain"}'::jsonb,
      ${[matters[0]!.id]}::integer[], ${['abstain']}::text[], ${DURING}::timestamptz, 30, 60)`.execute(open.db);
    expect(res.rows[0]!.status).toBe('ok');
    const counted = await open.db
      .selectFrom('ballot_choices')
      .innerJoin('ballot_matters', 'ballot_matters.id', 'ballot_choices.matter_id')
      .where('voter_id', '=', voter!.id)
      .select(['ballot_matters.code', 'choice'])
      .execute();
    expect(counted).toEqual([{ code: 'm1', choice: 'abstain' }]);
  });

  it('lets an owner of record added to a flat on the roll during the vote cast for that household', async () => {
    const flat = await open.db
      .selectFrom('ballot_voter_units')
      .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_voter_units.voter_id')
      .where('ballot_voters.ballot_id', '=', ballotId)
      .where('ballot_voters.developer', '=', false)
      .select(['ballot_voter_units.building', 'ballot_voter_units.entrance', 'ballot_voter_units.room', 'ballot_voter_units.unit_id', 'ballot_voters.code'])
      .orderBy('ballot_voters.code', 'desc')
      .executeTakeFirstOrThrow();
    // staff add a co-owner by inheritance while the vote is open, and verify her account
    const added = await addOwnerOnBasis(
      open.db,
      KEY,
      staffId,
      {
        estateId,
        building: flat.building,
        entrance: flat.entrance,
        room: flat.room,
        name: '新共有人',
        idType: 'resident_id',
        idNumber: '11010519491231002X',
        basis: 'inheritance',
      },
      'proof',
    );
    expect(added).toEqual({ ok: true });
    const owner = await open.db.selectFrom('register_owners').select('id').where('name', '=', '新共有人').executeTakeFirstOrThrow();
    const u = await open.db
      .insertInto('users')
      .values({ phone: '13800009999', password_hash: 'x', display_name: '新' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await open.db
      .insertInto('owner_verifications')
      .values({ user_id: u.id, unit_id: flat.unit_id, register_owner_id: owner.id, status: 'verified', method: 'staff', claimed_name: '新共有人' })
      .execute();
    expect((await ballots.votersFor(open.db, ballotId, u.id)).map((v) => [v.code, v.cast_right])).toEqual([[flat.code, 'owner']]);
    expect(await castOnline(open.db, { ballotId, userId: u.id, choices: { m1: 'agree', m2: 'agree' } }, DURING)).toMatchObject({ ok: true, voter: flat.code });
  });

  it('asks for a reason before a paper ballot replaces one cast online, and keeps it', async () => {
    const [voter] = await ballots.votersFor(open.db, ballotId, owners[0]!.userId);
    expect(await castOnline(open.db, { ballotId, userId: owners[0]!.userId, choices: { m1: 'oppose', m2: 'oppose' } }, DURING)).toMatchObject({ ok: true });
    const paper = {
      ballotId,
      voterId: voter!.id,
      castBy: staffId,
      channel: 'paper' as const,
      choices: { m1: 'agree' as const },
      mandate: '本人签字',
      scanStorageKey: 'k',
    };
    const refused = await ballots.recordCast(open.db, paper, DURING);
    expect(refused).toMatchObject({ ok: false, error: 'err.votedOnline', field: 'overrideReason', votedOnline: { at: DURING.toISOString(), right: 'owner' } });
    const entered = await ballots.recordCast(open.db, { ...paper, overrideReason: '业主到办公室交纸质票，说明网上投错了' }, DURING);
    if (!entered.ok) throw new Error(entered.error);
    const row = await open.db.selectFrom('ballot_casts').select('override_reason').where('id', '=', entered.castId).executeTakeFirstOrThrow();
    expect(row.override_reason).toBe('业主到办公室交纸质票，说明网上投错了');
    const audit = await open.db.selectFrom('audit_log').select('detail').where('action', '=', 'ballot.paper').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ reason: '业主到办公室交纸质票，说明网上投错了', onlineCastAt: DURING.toISOString() });
    // a second paper ballot over the paper one needs no such confirmation
    expect(await ballots.recordCast(open.db, { ...paper, choices: { m1: 'oppose' } }, DURING)).toMatchObject({ ok: true });
  });

  it('cancels a noticed ballot with a public reason and a cancellation notice, never an open one', async () => {
    const mistaken = await create('建错的表决');
    await postNoticeAsStaff(open.db, staffId, mistaken, T0);
    expect(await ballots.cancelBallot(open.db, staffId, mistaken, '  ')).toMatchObject({ ok: false, error: 'err.cancelReason' });
    const res = await ballots.cancelBallot(open.db, staffId, mistaken, '表决事项填错，重新发起');
    expect(res).toMatchObject({ ok: true });
    expect(await statusOf(mistaken)).toBe('cancelled');
    const listed = (await publicBallots(open.db)).find((b) => b.id === mistaken);
    expect(listed).toMatchObject({ status: 'cancelled', cancel_reason: '表决事项填错，重新发起' });
    const notice = await open.db
      .selectFrom('notices')
      .select('body')
      .where('id', '=', res.ok ? res.noticeId! : 0)
      .executeTakeFirstOrThrow();
    expect(notice.body).toContain('表决事项填错，重新发起');
    expect(await ballots.cancelBallot(open.db, staffId, ballotId, '晚了')).toEqual({ ok: false, error: 'err.ballotState' });
    await expect(open.db.updateTable('ballots').set({ title: '改名' }).where('id', '=', mistaken).execute()).rejects.toThrow(/cancelled/);
    expect((await verifyAudit(open.db)).ok).toBe(true);
  });

  it.runIf(kind === 'postgres')('never lets a cast interleave with a close: a cast waits for the close, then finds the vote closed', async () => {
    const id = await create('并发关闭');
    await postNoticeAsStaff(open.db, staffId, id, T0);
    await ballots.openBallot(open.db, staffId, id, new Date(T0.getTime() + 16 * DAY));
    // staff close the vote in a transaction that has not committed yet
    const closing = await open.db.startTransaction().execute();
    await closing.updateTable('ballots').set({ status: 'closed', closed_at: DURING }).where('id', '=', id).execute();
    const cast = castOnline(open.db, { ballotId: id, userId: owners[0]!.userId, choices: { m1: 'agree', m2: 'agree' } }, DURING);
    // either the cast finishes while the close is still uncommitted (it interleaved), or it waits on the close's lock
    let stop = false;
    const waiting = (async () => {
      while (!stop) {
        const w = await sql<{
          n: number;
        }>`select count(*)::integer as n from pg_locks where locktype = 'advisory' and not granted and classid = 7500 and objid = ${id}`.execute(open.db);
        if (w.rows[0]!.n > 0) return 'waiting' as const;
        await new Promise((r) => setTimeout(r, 20));
      }
      return 'stopped' as const;
    })();
    const first = await Promise.race([cast.then(() => 'cast finished' as const), waiting]);
    stop = true;
    await closing.commit().execute();
    expect(first).toBe('waiting');
    expect(await cast).toMatchObject({ ok: false, error: 'err.ballotNotOpen' });
    expect(await open.db.selectFrom('ballot_casts').select('id').where('ballot_id', '=', id).execute()).toEqual([]);
  });

  it('keeps both dates of a meeting notice, posted on the board and published here, with the photo of the posted sheet', async () => {
    const id = await create('补登的会议通知');
    const b = (await ballotDetail(open.db, id))!;
    const postedAt = new Date('2026-04-01T00:00:00+08:00');
    const now = new Date('2026-04-03T10:00:00+08:00');
    expect(await postMeetingNotice(open.db, staffId, b, postedAt, 'https://gz.test', now, 'photo-key')).toMatchObject({ ok: true });
    const row = await open.db
      .selectFrom('ballots')
      .select(['notice_published_at', 'notice_online_at', 'notice_photo_key'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ notice_published_at: postedAt, notice_online_at: now, notice_photo_key: 'photo-key' });
    const entry = await open.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'ballot.notice')
      .where('target', '=', `ballot:${id}`)
      .executeTakeFirstOrThrow();
    expect(entry.detail).toMatchObject({ postedOn: '2026-04-01', publishedOn: '2026-04-03', photo: true });
    const notice = await open.db
      .selectFrom('notices')
      .select('body')
      .where('id', '=', (entry.detail as { noticeId: number }).noticeId)
      .executeTakeFirstOrThrow();
    expect(notice.body).toContain('本通知于 2026-04-01 在小区公告栏张贴，2026-04-03 在本网站发布');
  });

  it('opens only with an explicit confirmation while a flat of the electorate has no owner, and records which', async () => {
    const id = await create('无业主房屋');
    await postNoticeAsStaff(open.db, staffId, id, T0);
    // a flat of nobody in this suite loses its owners on the register
    const mine = new Set(owners.map((o) => o.unitId));
    const flat = await open.db
      .selectFrom('units')
      .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
      .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
      .where('units.developer_held', '=', false)
      .where('buildings.estate_id', '=', estateId)
      .select(['units.id', 'buildings.label as building', 'entrances.label as entrance', 'units.room'])
      .orderBy('units.id', 'desc')
      .execute();
    const lost = flat.find((f) => !mine.has(f.id))!;
    await open.db.deleteFrom('unit_owners').where('unit_id', '=', lost.id).execute();
    const at = new Date(T0.getTime() + 16 * DAY);
    expect(await ballots.openBallot(open.db, staffId, id, at)).toEqual({ ok: false, error: 'err.confirmUnowned', field: 'confirmUnowned', unowned: 1 });
    expect(await statusOf(id)).toBe('noticed');
    expect(await ballots.openBallot(open.db, staffId, id, at, { confirmUnowned: true })).toMatchObject({ ok: true });
    const entry = await open.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'ballot.open')
      .where('target', '=', `ballot:${id}`)
      .executeTakeFirstOrThrow();
    expect(entry.detail).toMatchObject({ unownedFlats: 1, unowned: [`${lost.building}-${lost.entrance}-${lost.room}`] });
  });
});
