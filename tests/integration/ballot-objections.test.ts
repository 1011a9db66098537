import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { postNoticeAsStaff } from '../support/ballot-notice.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import * as ballots from '../../src/features/ballots/service.ts';
import { ballotResults, publishBulletin } from '../../src/features/ballots/results-service.ts';
import { ballotDetail } from '../../src/features/ballots/web-queries.ts';
import { postResultNotice } from '../../src/features/ballots/meeting-notice.ts';
import {
  cosignaturesOf,
  lodgeObjection,
  objectionCount,
  objectionFlatsFor,
  objectionsOf,
  recordCosignature,
  recordWrittenObjection,
  respondToObjection,
} from '../../src/features/ballots/objections-service.ts';
import { cstDate } from '../../src/lib/calendar.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';
import type { Convener } from '../../src/features/ballots/tables.ts';

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 7).toString('base64')}`);
const DAY = 86_400_000;
const T0 = new Date('2026-03-01T00:00:00Z');

describe.each(BACKENDS)('objections and co-signatures of a ballot’s result on %s', (kind) => {
  let open: OpenDatabase;
  let estateId: number;
  let subId: number;
  let staffId: number;
  let committeeBallot: number;
  let officeBallot: number;
  let strangerId: number;
  const owners: { userId: number; unitId: number }[] = [];

  /** A ballot of the whole estate, noticed, opened and closed in March, with its preliminary result published now. */
  async function closedWithPreliminary(convener: Convener) {
    const created = await ballots.createBallot(open.db, staffId, {
      subdistrictId: subId,
      projectId: null,
      title: `改造方案表决（${convener}）`,
      explanation: '',
      convener,
      noticeDays: 15,
      opensAt: new Date(T0.getTime() + 15 * DAY),
      closesAt: new Date(T0.getTime() + 25 * DAY),
      scopes: [{ estateId, building: null, entrance: null }],
      matters: [{ title: '改造方案', item: 7 }],
    });
    if (!created.ok) throw new Error(created.error);
    await postNoticeAsStaff(open.db, staffId, created.ballotId, T0);
    await ballots.openBallot(open.db, staffId, created.ballotId, new Date(T0.getTime() + 15 * DAY));
    await ballots.closeBallot(open.db, staffId, created.ballotId, new Date(T0.getTime() + 16 * DAY));
    return created.ballotId;
  }

  beforeAll(async () => {
    open = await freshDatabase(kind);
    ({ subId, estateId, staffId } = await hebinEstate(open.db));
    await importSampleRegister(open.db, estateId, staffId, KEY);
    owners.push(...(await verifiedOwners(open.db, 2, '1360000010')));
    strangerId = (
      await open.db.insertInto('users').values({ phone: '13600000199', password_hash: 'x', display_name: 's' }).returning('id').executeTakeFirstOrThrow()
    ).id;
    committeeBallot = await closedWithPreliminary('owners_committee');
    officeBallot = await closedWithPreliminary('subdistrict');
  });
  afterAll(() => open.close());

  it('refuses an objection before any preliminary result is published', async () => {
    const res = await lodgeObjection(open.db, { ballotId: committeeBallot, userId: owners[0]!.userId, version: 1, unitId: null, body: '太早了' });
    expect(res).toEqual({ ok: false, error: 'err.noObjectionPeriod' });
    expect(
      await recordWrittenObjection(open.db, staffId, {
        ballotId: committeeBallot,
        version: 1,
        estateId,
        building: '1',
        entrance: '1',
        room: '101',
        receivedOn: cstDate(new Date()),
        body: '信',
      }),
    ).toEqual({ ok: false, error: 'err.noObjectionPeriod' });
  });

  it('lets a verified owner on the roll object online, for their own flat, during the period only', async () => {
    for (const id of [committeeBallot, officeBallot])
      expect(await publishBulletin(open.db, staffId, id, 'preliminary')).toMatchObject({ ok: true, version: 1 });
    const now = new Date();
    const mine = await objectionFlatsFor(open.db, committeeBallot, owners[0]!.userId);
    expect(mine.map((f) => f.unit_id)).toContain(owners[0]!.unitId);
    const lodged = await lodgeObjection(
      open.db,
      { ballotId: committeeBallot, userId: owners[0]!.userId, version: 1, unitId: owners[0]!.unitId, body: '我家面积应为 85.23 平方米，名册有误。' },
      now,
    );
    expect(lodged).toMatchObject({ ok: true });
    // someone not on the roll, another owner's flat, a final or missing version, after the period
    expect(await lodgeObjection(open.db, { ballotId: committeeBallot, userId: strangerId, version: 1, unitId: owners[0]!.unitId, body: '异议' }, now)).toEqual({
      ok: false,
      error: 'err.notAVoter',
    });
    expect(
      await lodgeObjection(open.db, { ballotId: committeeBallot, userId: owners[0]!.userId, version: 1, unitId: owners[1]!.unitId, body: '异议' }, now),
    ).toEqual({ ok: false, error: 'err.notYourFlat', field: 'unitId' });
    expect(
      await lodgeObjection(open.db, { ballotId: committeeBallot, userId: owners[0]!.userId, version: 9, unitId: owners[0]!.unitId, body: '异议' }, now),
    ).toEqual({ ok: false, error: 'err.noSuchVersion', field: 'version' });
    expect(
      await lodgeObjection(
        open.db,
        { ballotId: committeeBallot, userId: owners[1]!.userId, version: 1, unitId: owners[1]!.unitId, body: '晚了' },
        new Date(now.getTime() + 12 * DAY),
      ),
    ).toEqual({ ok: false, error: 'err.objectionPeriodOver' });
    expect(
      await lodgeObjection(
        open.db,
        { ballotId: committeeBallot, userId: owners[1]!.userId, version: 1, unitId: owners[1]!.unitId, body: '早了' },
        new Date(now.getTime() - DAY),
      ),
    ).toEqual({ ok: false, error: 'err.noObjectionPeriod' });
    const published = await objectionsOf(open.db, committeeBallot);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ version: 1, channel: 'online', received_on: cstDate(now), response: null });
    // identified publicly only by the flat
    expect(Object.keys(published[0]!)).not.toContain('lodged_by');
    expect(Object.keys(published[0]!)).not.toContain('recorded_by');
  });

  it('lets staff record a paper letter received inside the period, even after it ends', async () => {
    const today = cstDate(new Date());
    const flat = await open.db
      .selectFrom('units')
      .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
      .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
      .where('units.id', '=', owners[1]!.unitId)
      .select(['buildings.label as building', 'entrances.label as entrance', 'units.room'])
      .executeTakeFirstOrThrow();
    const letter = { ballotId: committeeBallot, version: 1, estateId, ...flat, body: '书面异议：对第 1 项计票有疑问。' };
    const later = new Date(Date.now() + 30 * DAY);
    expect(await recordWrittenObjection(open.db, staffId, { ...letter, receivedOn: today }, later)).toMatchObject({ ok: true });
    expect(await recordWrittenObjection(open.db, staffId, { ...letter, receivedOn: cstDate(new Date(Date.now() - 2 * DAY)) }, later)).toEqual({
      ok: false,
      error: 'err.receivedOutsidePeriod',
      field: 'receivedOn',
    });
    expect(await recordWrittenObjection(open.db, staffId, { ...letter, receivedOn: cstDate(new Date(Date.now() + 20 * DAY)) }, later)).toEqual({
      ok: false,
      error: 'err.receivedOutsidePeriod',
      field: 'receivedOn',
    });
    expect(await recordWrittenObjection(open.db, staffId, { ...letter, room: '9999', receivedOn: today }, later)).toEqual({
      ok: false,
      error: 'err.noSuchFlat',
      field: 'room',
    });
    const rows = await objectionsOf(open.db, committeeBallot);
    expect(rows.map((r) => r.channel)).toEqual(['online', 'written']);
    expect(rows[1]).toMatchObject({ ...flat, received_on: today });
    expect(await objectionCount(open.db, committeeBallot)).toBe(2);
  });

  it('records the office’s response once, and never lets an objection change or vanish', async () => {
    const [first] = await objectionsOf(open.db, committeeBallot);
    expect(
      await respondToObjection(open.db, staffId, { ballotId: committeeBallot, objectionId: first!.id, response: '已核对不动产登记，面积无误。' }),
    ).toMatchObject({ ok: true });
    expect(await respondToObjection(open.db, staffId, { ballotId: committeeBallot, objectionId: first!.id, response: '改口' })).toEqual({
      ok: false,
      error: 'err.alreadyAnswered',
    });
    expect(await respondToObjection(open.db, staffId, { ballotId: officeBallot, objectionId: first!.id, response: '别的表决' })).toEqual({
      ok: false,
      error: 'err.notFound',
    });
    const [answered] = await objectionsOf(open.db, committeeBallot);
    expect(answered).toMatchObject({ response: '已核对不动产登记，面积无误。' });
    expect(answered!.responded_at).toBeInstanceOf(Date);
    await expect(open.db.updateTable('ballot_objections').set({ body: '改过的' }).where('id', '=', first!.id).execute()).rejects.toThrow(/cannot change/);
    await expect(open.db.updateTable('ballot_objections').set({ response: '改过的' }).where('id', '=', first!.id).execute()).rejects.toThrow(/cannot change/);
    await expect(open.db.deleteFrom('ballot_objections').where('id', '=', first!.id).execute()).rejects.toThrow(/cannot be deleted/);
  });

  it('records co-signatures by owners’ committee members, and refuses them when another body convened the vote', async () => {
    const today = cstDate(new Date());
    const sign = (ballotId: number, memberName: string, extra: Partial<{ version: number; signedOn: string }> = {}) =>
      recordCosignature(open.db, staffId, { ballotId, version: 1, memberName, role: 'chair', signedOn: today, scanStorageKey: null, ...extra });
    expect(await sign(committeeBallot, '王主任')).toMatchObject({ ok: true });
    expect(
      await recordCosignature(open.db, staffId, {
        ballotId: committeeBallot,
        version: 1,
        memberName: '李委员',
        role: 'member',
        signedOn: today,
        scanStorageKey: 'e'.repeat(64),
      }),
    ).toMatchObject({ ok: true });
    expect(await sign(committeeBallot, '王主任')).toEqual({ ok: false, error: 'err.alreadySigned', field: 'memberName' });
    expect(await sign(committeeBallot, '赵委员', { version: 5 })).toEqual({ ok: false, error: 'err.noSuchVersion', field: 'version' });
    expect(await sign(committeeBallot, '赵委员', { signedOn: cstDate(new Date(Date.now() + 3 * DAY)) })).toEqual({
      ok: false,
      error: 'err.dateInFuture',
      field: 'signedOn',
    });
    expect(await sign(officeBallot, '王主任')).toEqual({ ok: false, error: 'err.notOwnersCommittee' });
    // the database refuses it too, whatever code path tries
    await expect(
      open.db
        .insertInto('ballot_cosignatures')
        .values({ ballot_id: officeBallot, version: 1, member_name: '王主任', role: 'chair', signed_on: today, recorded_by: staffId })
        .execute(),
    ).rejects.toThrow(/owners' committee/);
    const signed = await cosignaturesOf(open.db, committeeBallot);
    expect(signed.map((s) => [s.member_name, s.role, s.signed_on, s.hasScan])).toEqual([
      ['王主任', 'chair', today, false],
      ['李委员', 'member', today, true],
    ]);
    expect(await cosignaturesOf(open.db, officeBallot)).toEqual([]);
  });

  it('states in the final result notice how many objections the period brought', async () => {
    // 7 days, to 24:00 of the last, moved past a weekend: over 12 days later whatever the weekday
    const after = new Date(Date.now() + 12 * DAY);
    const final = await publishBulletin(open.db, staffId, committeeBallot, 'final', after);
    if (!final.ok) throw new Error(final.error);
    const [b, results] = await Promise.all([ballotDetail(open.db, committeeBallot), ballotResults(open.db, committeeBallot, after)]);
    if (!b || results?.status !== 'closed') throw new Error('not closed');
    const bulletin = { version: final.version, sha256: final.sha256 };
    const posted = await postResultNotice(
      open.db,
      staffId,
      b,
      results.results,
      { ...bulletin, stage: 'final', objections: await objectionCount(open.db, committeeBallot) },
      'https://gz.test',
    );
    const notice = await open.db.selectFrom('notices').select('body').where('id', '=', posted.noticeId).executeTakeFirstOrThrow();
    expect(notice.body).toContain(`异议期内共收到异议 2 件，每件异议及召集人的答复均已公开：https://gz.test/ballots/${committeeBallot}#objections`);
    const none = await postResultNotice(open.db, staffId, b, results.results, { ...bulletin, stage: 'final', objections: 0 }, 'https://gz.test');
    expect((await open.db.selectFrom('notices').select('body').where('id', '=', none.noticeId).executeTakeFirstOrThrow()).body).toContain(
      '异议期内未收到异议。',
    );
    // an objection to the final announcement is refused, online or on paper
    expect(
      await lodgeObjection(open.db, { ballotId: committeeBallot, userId: owners[0]!.userId, version: final.version, unitId: null, body: '对最终公告' }),
    ).toEqual({ ok: false, error: 'err.objectFinal', field: 'version' });
    // and once the final announcement exists, no objection to the preliminary result is recorded, even a letter received in the period
    const flat = await open.db
      .selectFrom('units')
      .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
      .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
      .where('units.id', '=', owners[1]!.unitId)
      .select(['buildings.label as building', 'entrances.label as entrance', 'units.room'])
      .executeTakeFirstOrThrow();
    expect(
      await recordWrittenObjection(
        open.db,
        staffId,
        { ballotId: committeeBallot, version: 1, estateId, ...flat, body: '迟到的信', receivedOn: cstDate(new Date()) },
        after,
      ),
    ).toEqual({ ok: false, error: 'err.finalPublished' });
    await expect(
      open.db
        .insertInto('ballot_objections')
        .values({
          ballot_id: committeeBallot,
          version: 1,
          received_on: cstDate(new Date()),
          channel: 'written',
          unit_id: owners[1]!.unitId,
          ...flat,
          body: '绕过',
          recorded_by: staffId,
        })
        .execute(),
    ).rejects.toThrow(/final announcement/);
  });

  it('writes every step into the intact audit chain', async () => {
    const audit = await open.db
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id', 'target'])
      .where('action', 'like', 'ballot.%')
      .where('target', '=', `ballot:${committeeBallot}`)
      .execute();
    const actions = audit.map((a) => a.action);
    expect(actions.filter((a) => a.startsWith('ballot.objection') || a === 'ballot.cosign')).toEqual([
      'ballot.objection.lodge',
      'ballot.objection.written',
      'ballot.objection.respond',
      'ballot.cosign',
      'ballot.cosign',
    ]);
    expect(audit.find((a) => a.action === 'ballot.objection.lodge')!.actor_user_id).toBe(owners[0]!.userId);
    expect(audit.find((a) => a.action === 'ballot.objection.written')!.actor_user_id).toBe(staffId);
    expect((await verifyAudit(open.db)).ok).toBe(true);
  });
});
