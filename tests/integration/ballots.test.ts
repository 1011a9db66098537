import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { postNoticeAsStaff } from '../support/ballot-notice.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import * as ballots from '../../src/features/ballots/service.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';
import { ballotResults, buildBulletin, publishBulletin } from '../../src/features/ballots/results-service.ts';
import { recount, bulletinSchema } from '../../src/features/ballots/bulletin.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 5).toString('base64')}`);
const DAY = 86_400_000;
const T0 = new Date('2026-03-01T00:00:00Z');

describe.each(BACKENDS)('owners’ ballots on %s', (kind) => {
  let open: OpenDatabase;
  let estateId: number;
  let subId: number;
  let staffId: number;
  let ballotId: number;
  const owners: { userId: number; unitId: number }[] = [];

  beforeAll(async () => {
    open = await freshDatabase(kind);
    ({ subId, estateId, staffId } = await hebinEstate(open.db));
    await importSampleRegister(open.db, estateId, staffId, KEY);
    // three residents verified as owners of three different flats
    owners.push(...(await verifiedOwners(open.db, 3, '1360000000')));
  });
  afterAll(() => open.close());

  it('creates a ballot, publishes its notice and refuses to open it before 15 days', async () => {
    const created = await ballots.createBallot(open.db, staffId, {
      subdistrictId: subId,
      projectId: null,
      title: '加装电梯与改造方案表决',
      explanation: '',
      convener: 'subdistrict',
      noticeDays: 15,
      opensAt: new Date(T0.getTime() + 15 * DAY),
      closesAt: new Date(T0.getTime() + 25 * DAY),
      scopes: [{ estateId, building: null, entrance: null }],
      matters: [
        { title: '改造方案', item: 7 },
        { title: '选聘物业', item: 4 },
        { title: '使用维修资金', item: 5 },
      ],
    });
    if (!created.ok) throw new Error(created.error);
    ballotId = created.ballotId;
    expect(await ballots.openBallot(open.db, staffId, ballotId, T0)).toMatchObject({ ok: false, error: 'err.ballotState' });
    expect(await postNoticeAsStaff(open.db, staffId, ballotId, T0)).toMatchObject({ ok: true });
    expect(await ballots.openBallot(open.db, staffId, ballotId, new Date(T0.getTime() + 15 * DAY - 1))).toMatchObject({
      ok: false,
      error: 'err.noticeTooRecent',
    });
  });

  it('freezes the roll at opening as previewed: co-owners one voter, developer flats one voter', async () => {
    const preview = await ballots.previewRoll(open.db, ballotId);
    const opened = await ballots.openBallot(open.db, staffId, ballotId, new Date(T0.getTime() + 15 * DAY));
    expect(opened).toEqual({ ok: true, voters: preview.voters.length });
    const frozen = await open.db
      .selectFrom('ballot_voters')
      .select(['code', 'area_cm2', 'developer'])
      .where('ballot_id', '=', ballotId)
      .orderBy('code')
      .execute();
    expect(frozen.map((v) => v.code)).toEqual(preview.voters.map((v) => v.id));
    expect(frozen.filter((v) => v.developer)).toHaveLength(1);
    expect(frozen.length).toBeLessThan(72); // owners of several flats and co-owners merge
    const units = await open.db
      .selectFrom('ballot_voter_units')
      .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_voter_units.voter_id')
      .where('ballot_voters.ballot_id', '=', ballotId)
      .select('unit_id')
      .execute();
    expect(units).toHaveLength(72);
  });

  it('refuses any change to matters, electorate or roll once open', async () => {
    await expect(open.db.updateTable('ballot_matters').set({ kind: 'ordinary' }).where('ballot_id', '=', ballotId).execute()).rejects.toThrow(/cannot change/);
    await expect(
      open.db.insertInto('ballot_scopes').values({ ballot_id: ballotId, estate_id: estateId, building: '1', entrance: null }).execute(),
    ).rejects.toThrow(/cannot change/);
    await expect(open.db.updateTable('ballot_voters').set({ area_cm2: 1 }).where('ballot_id', '=', ballotId).execute()).rejects.toThrow(/cannot change/);
    await expect(open.db.updateTable('ballots').set({ opens_at: T0 }).where('id', '=', ballotId).execute()).rejects.toThrow(/cannot change/);
  });

  it('lets a verified owner cast and change a ballot: the last counts, the receipt stays, every cast is kept', async () => {
    const now = new Date(T0.getTime() + 16 * DAY);
    const [voter] = await ballots.votersFor(open.db, ballotId, owners[0]!.userId);
    expect(voter).toBeDefined();
    const first = await ballots.recordCast(
      open.db,
      { ballotId, voterId: voter!.id, castBy: owners[0]!.userId, channel: 'online', choices: { m1: 'agree', m2: 'agree', m3: 'oppose' } },
      now,
    );
    const second = await ballots.recordCast(
      open.db,
      { ballotId, voterId: voter!.id, castBy: owners[0]!.userId, channel: 'online', choices: { m1: 'oppose', m2: 'abstain', m3: 'agree' } },
      now,
    );
    expect(first.ok && second.ok && first.receipt === second.receipt).toBe(true);
    const counted = await open.db.selectFrom('ballot_choices').select(['choice']).where('voter_id', '=', voter!.id).execute();
    expect(counted.map((c) => c.choice).sort()).toEqual(['abstain', 'agree', 'oppose']);
    expect(await open.db.selectFrom('ballot_casts').select('id').where('voter_id', '=', voter!.id).execute()).toHaveLength(2);
    expect(
      await ballots.recordCast(open.db, { ballotId, voterId: voter!.id, castBy: owners[0]!.userId, channel: 'online', choices: { m1: 'agree' } }, now),
    ).toMatchObject({ ok: false, error: 'err.everyMatter' });
    // the database itself refuses a second counted choice for the same voter and matter
    const m1 = await open.db.selectFrom('ballot_matters').select('id').where('ballot_id', '=', ballotId).where('code', '=', 'm1').executeTakeFirstOrThrow();
    await expect(
      open.db
        .insertInto('ballot_choices')
        .values({ ballot_id: ballotId, voter_id: voter!.id, matter_id: m1.id, choice: 'agree', cast_id: first.ok ? first.castId : 0 })
        .execute(),
    ).rejects.toThrow();
  });

  it('casts through the fast path: one statement, the counted choices upserted, concurrent casts never counted twice', async () => {
    const now = new Date(T0.getTime() + 16 * DAY);
    const u = owners[0]!.userId;
    expect(await castOnline(open.db, { ballotId, userId: u, choices: { m1: 'agree' } }, now)).toEqual({ ok: false, error: 'err.everyMatter' });
    expect(await castOnline(open.db, { ballotId, userId: u, choices: { m1: 'agree', m2: 'agree', m9: 'agree' } }, now)).toEqual({
      ok: false,
      error: 'err.everyMatter',
    });
    const casts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        castOnline(open.db, { ballotId, userId: u, choices: { m1: i % 2 ? 'agree' : 'oppose', m2: 'agree', m3: 'abstain' } }, now),
      ),
    );
    expect(casts.every((c) => c.ok)).toBe(true);
    expect(new Set(casts.map((c) => (c.ok ? c.receipt : '')))).toHaveProperty('size', 1);
    const [voter] = await ballots.votersFor(open.db, ballotId, u);
    const counted = await open.db.selectFrom('ballot_choices').select(['matter_id', 'cast_id']).where('voter_id', '=', voter!.id).execute();
    expect(counted).toHaveLength(3);
    const lastCast = await open.db.selectFrom('ballot_casts').select('id').where('voter_id', '=', voter!.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(counted.every((c) => Number(c.cast_id) <= Number(lastCast.id))).toBe(true);
    const stranger = await open.db
      .insertInto('users')
      .values({ phone: '13622222222', password_hash: 'x', display_name: 's' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await castOnline(open.db, { ballotId, userId: stranger.id, choices: { m1: 'agree', m2: 'agree', m3: 'agree' } }, now)).toEqual({
      ok: false,
      error: 'err.notAVoter',
    });
    expect(await castOnline(open.db, { ballotId, userId: u, choices: { m1: 'agree', m2: 'agree', m3: 'agree' } }, new Date(T0.getTime() + 30 * DAY))).toEqual({
      ok: false,
      error: 'err.ballotNotOpen',
    });
    // the owner's final choice for the later tests
    expect(await castOnline(open.db, { ballotId, userId: u, choices: { m1: 'oppose', m2: 'abstain', m3: 'agree' } }, now)).toMatchObject({ ok: true });
  });

  it('gives no voter to someone who is not a verified owner, or whose status is held', async () => {
    const stranger = await open.db
      .insertInto('users')
      .values({ phone: '13611111111', password_hash: 'x', display_name: 's' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await ballots.votersFor(open.db, ballotId, stranger.id)).toEqual([]);
    await open.db.updateTable('users').set({ owner_status_held_since: new Date() }).where('id', '=', owners[2]!.userId).execute();
    expect(await ballots.votersFor(open.db, ballotId, owners[2]!.userId)).toEqual([]);
  });

  it('takes a paper ballot from staff with its mandate into the audit chain, and shows only turnout while open', async () => {
    const [voter] = await ballots.votersFor(open.db, ballotId, owners[1]!.userId);
    const paper = await ballots.recordCast(
      open.db,
      {
        ballotId,
        voterId: voter!.id,
        castBy: staffId,
        channel: 'paper',
        choices: { m1: 'agree', m2: 'agree' },
        mandate: '纸质表决票第 12 号',
        scanStorageKey: 'd'.repeat(64),
      },
      new Date(T0.getTime() + 17 * DAY),
    );
    expect(paper.ok).toBe(true);
    const live = await ballotResults(open.db, ballotId, new Date(T0.getTime() + 17 * DAY));
    expect(live).toMatchObject({ status: 'open', turnout: { voters: 2 } });
    expect(JSON.stringify(live)).not.toMatch(/agree|oppose|abstain/);
  });

  it('closes at its end time, refuses later ballots, and publishes results that equal a recount of the bulletin', async () => {
    const after = new Date(T0.getTime() + 26 * DAY);
    const [voter] = await ballots.votersFor(open.db, ballotId, owners[0]!.userId);
    expect(
      await ballots.recordCast(
        open.db,
        { ballotId, voterId: voter!.id, castBy: owners[0]!.userId, channel: 'online', choices: { m1: 'agree', m2: 'agree', m3: 'agree' } },
        after,
      ),
    ).toMatchObject({ ok: false, error: 'err.ballotNotOpen' });
    const closed = await ballotResults(open.db, ballotId, after);
    if (!closed || closed.status !== 'closed') throw new Error('not closed');
    const bulletin = bulletinSchema.parse(await buildBulletin(open.db, ballotId, 1));
    expect(recount(bulletin)).toEqual(closed.results);
    expect(closed.results.matters.every((m) => m.quorumMet === false && m.passed === false)).toBe(true); // 2 voters of many
    expect(bulletin.voters.filter((v) => v.receipt !== null)).toHaveLength(2);
    // per-building figures only where 5 voters or more of the building took part, not where 5 are on the roll:
    // buildings of 5 or more on the frozen roll, with the 2 ballots cast, are hidden like the rest
    const rows = await open.db
      .selectFrom('ballot_voter_units')
      .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_voter_units.voter_id')
      .where('ballot_voters.ballot_id', '=', ballotId)
      .select(['ballot_voter_units.building', 'ballot_voter_units.voter_id'])
      .execute();
    const votersIn = new Map<string, Set<number>>();
    for (const r of rows) votersIn.set(r.building, (votersIn.get(r.building) ?? new Set()).add(r.voter_id));
    expect([...votersIn.values()].some((v) => v.size >= 5)).toBe(true);
    expect(closed.byBuilding).toEqual([]);
    expect(closed.hiddenBuildings).toBe(votersIn.size);
    const v1 = await publishBulletin(open.db, staffId, ballotId, 'preliminary');
    expect(await publishBulletin(open.db, staffId, ballotId, 'final')).toMatchObject({ ok: false, error: 'err.objectionPeriod' });
    const afterObjections = new Date(Date.now() + 8 * DAY); // objection period: 7 days by default
    const v2 = await publishBulletin(open.db, staffId, ballotId, 'final', afterObjections);
    expect(v1).toMatchObject({ ok: true, version: 1 });
    expect(v2).toMatchObject({ ok: true, version: 2 });
    expect(await publishBulletin(open.db, staffId, ballotId, 'final', afterObjections)).toMatchObject({ ok: false, error: 'err.alreadyFinal' });
    const audit = await open.db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'ballot.%').execute();
    expect(audit.map((a) => a.action)).toEqual([
      'ballot.create',
      'ballot.notice',
      'ballot.open',
      'ballot.paper',
      'ballot.bulletin.preliminary',
      'ballot.bulletin.final',
    ]);
    expect(audit.at(-1)!.detail).toMatchObject({ version: 2, sha256: (v2 as { sha256: string }).sha256 });
    expect((await verifyAudit(open.db)).ok).toBe(true);
    await expect(open.db.updateTable('ballots').set({ status: 'open' }).where('id', '=', ballotId).execute()).rejects.toThrow(/closed/);
  });
});
