import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { postNoticeAsStaff } from '../support/ballot-notice.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { applyImport } from '../../src/features/register/import-service.ts';
import type { PreparedFlat, PreparedOwner } from '../../src/features/register/prepare.ts';
import * as ballots from '../../src/features/ballots/service.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';
import { ballotResults, publishBulletin } from '../../src/features/ballots/results-service.ts';
import { bulletinSchema, parseAnyBulletin, recount } from '../../src/features/ballots/bulletin.ts';
import { auditInspection, findReceipt, mayInspect, publicBulletinBody, rollOf } from '../../src/features/ballots/web-queries.ts';
import type { SessionUser } from '../../src/features/accounts/session.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';
import { zhanhe } from '../support/districts.ts';

// A vote over two estates (a merged project): someone who owns a flat in each is one owner
// with all their area (SPC interpretation Art. 9), although the register keeps a row per
// estate; verified in either estate, they cast that one ballot.

const DAY = 86_400_000;
const T0 = new Date('2026-07-01T00:00:00Z');
const owner = (name: string, hash: string): PreparedOwner => ({ name, idType: 'resident_id', idHash: hash, keyVersion: 1, last4: '0000' });
const flat = (room: string, owners: PreparedOwner[], areaCm2 = 8000): PreparedFlat => ({
  line: 2,
  estate: null,
  building: '1',
  entrance: '1',
  floor: 1,
  room,
  areaCm2,
  areaSource: 'registered',
  owners,
  phone: null,
  developerHeld: false,
});

describe.each(BACKENDS)('a roll across estates on %s', (kind) => {
  let open: OpenDatabase;
  let ballotId: number;
  let rows: { estateA: number; estateB: number };
  let staffUser: SessionUser;
  let ownerUser: SessionUser;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const { subId, communityId, estateId, staffId } = await hebinEstate(open.db);
    staffUser = { id: staffId, displayName: '街道', phone: '13700000001', role: 'staff', subdistrictId: subId, communityId: null, ownerStatusHeld: false };
    const second = await open.db
      .insertInto('estates')
      .values({
        community_id: communityId,
        name: '建设小区二期',
        address: 'b',
        build_year: 1992,
        building_count: 1,
        household_count: 2,
        floor_area_cm2: 1,
        lat: 33.7,
        lng: 113.3,
        eligibility: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const both = owner('两处业主', 'hash-both');
    for (const [estate, flats] of [
      [estateId, [flat('101', [both], 8000), flat('102', [owner('甲', 'hash-a')], 9000)]],
      [second.id, [flat('101', [both], 6000)]],
    ] as const) {
      const imp = await open.db
        .insertInto('register_imports')
        .values({ estate_id: estate, user_id: staffId, file_name: 'f', sha256: 'x' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await applyImport(open.db, { estateId: estate, importId: imp.id, actorUserId: staffId, flats: [...flats] });
    }
    const ids = await open.db.selectFrom('register_owners').select(['id', 'estate_id']).where('id_hash', '=', 'hash-both').orderBy('id').execute();
    rows = { estateA: ids.find((r) => r.estate_id === estateId)!.id, estateB: ids.find((r) => r.estate_id === second.id)!.id };
    const created = await ballots.createBallot(open.db, staffId, {
      subdistrictId: subId,
      projectId: null,
      title: '合并项目改造方案表决',
      explanation: '',
      convener: 'subdistrict',
      noticeDays: 15,
      opensAt: new Date(T0.getTime() + 15 * DAY),
      closesAt: new Date(T0.getTime() + 25 * DAY),
      scopes: [
        { estateId, building: null, entrance: null },
        { estateId: second.id, building: null, entrance: null },
      ],
      matters: [{ title: '改造方案', item: 7 }],
    });
    if (!created.ok) throw new Error(created.error);
    ballotId = created.ballotId;
    await postNoticeAsStaff(open.db, staffId, ballotId, T0);
    await ballots.openBallot(open.db, staffId, ballotId, new Date(T0.getTime() + 15 * DAY));
  });
  afterAll(() => open.close());

  it('counts the owner of a flat in each estate once, with both flats and all their area', async () => {
    const voters = await open.db.selectFrom('ballot_voters').select(['id', 'code', 'area_cm2']).where('ballot_id', '=', ballotId).orderBy('code').execute();
    expect(voters.map((v) => Number(v.area_cm2)).sort()).toEqual([14000, 9000].sort());
    const theirs = voters.find((v) => Number(v.area_cm2) === 14000)!;
    const units = await open.db.selectFrom('ballot_voter_units').select('unit_id').where('voter_id', '=', theirs.id).execute();
    expect(units).toHaveLength(2);
    const owners = await open.db
      .selectFrom('ballot_voter_owners')
      .select('register_owner_id')
      .where('voter_id', '=', theirs.id)
      .orderBy('register_owner_id')
      .execute();
    expect(owners.map((o) => o.register_owner_id)).toEqual([rows.estateA, rows.estateB].sort((a, b) => a - b));
  });

  it('lets them cast that one ballot when verified in either estate', async () => {
    const u = await open.db
      .insertInto('users')
      .values({ phone: '13730000001', password_hash: 'x', display_name: '两处业主' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const unit = await open.db.selectFrom('unit_owners').select('unit_id').where('owner_id', '=', rows.estateB).executeTakeFirstOrThrow();
    await open.db
      .insertInto('owner_verifications')
      .values({ user_id: u.id, unit_id: unit.unit_id, register_owner_id: rows.estateB, status: 'verified', method: 'auto', claimed_name: '两处业主' })
      .execute();
    const [mine] = await ballots.votersFor(open.db, ballotId, u.id);
    expect(mine).toMatchObject({ cast_right: 'owner' });
    expect(await castOnline(open.db, { ballotId, userId: u.id, choices: { m1: 'agree' } }, new Date(T0.getTime() + 16 * DAY))).toMatchObject({
      ok: true,
      voter: mine!.code,
    });
    ownerUser = { id: u.id, displayName: '两处业主', phone: '13730000001', role: 'resident', subdistrictId: null, communityId: null, ownerStatusHeld: false };
  });

  it('closes and publishes although both estates have a 1-1-101: each flat carries its estate, and the public form recounts the same', async () => {
    const closed = await ballotResults(open.db, ballotId, new Date(T0.getTime() + 26 * DAY));
    if (!closed || closed.status !== 'closed') throw new Error('not closed');
    const published = await publishBulletin(open.db, staffUser.id, ballotId, 'preliminary');
    expect(published).toMatchObject({ ok: true, version: 1 });

    // the stored full form: the owner of both flats is one voter with 1-1-101 of each estate
    const stored = await open.db.selectFrom('ballot_bulletins').select(['body', 'sha256']).where('ballot_id', '=', ballotId).executeTakeFirstOrThrow();
    const full = bulletinSchema.parse(JSON.parse(stored.body));
    const flats = full.voters.flatMap((v) => v.units.map((u) => `${u.estate} ${u.building}-${u.entrance}-${u.room} ${u.areaM2}`)).sort();
    expect(flats).toEqual(['建设小区 1-1-101 80.00', '建设小区 1-1-102 90.00', '建设小区二期 1-1-101 60.00']);

    // worked out by hand: eligible 80 + 60 + 90 = 230.00 m², 2 voters; the owner of both
    // (140.00 m²) agreed, so 1 of 2 voters and 140.00 of 230.00 m² took part: under 2/3, no quorum
    const expected = {
      id: 'm1',
      quorumMet: false,
      passed: false,
      eligible: { areaM2: '230.00', owners: 2 },
      participating: { areaM2: '140.00', owners: 1 },
      agree: { areaM2: '140.00', owners: 1 },
      oppose: { areaM2: '0.00', owners: 0 },
      abstain: { areaM2: '0.00', owners: 0 },
    };
    expect(closed.results.matters).toEqual([expected]);
    expect(recount(full).matters).toEqual([expected]);

    // the public form: by receipt, area and choices only; its own sha256, recorded when published
    const pub = await publicBulletinBody(open.db, ballotId, 1);
    const receipt = (
      await open.db.selectFrom('ballot_voters').select('receipt').where('ballot_id', '=', ballotId).where('area_cm2', '=', 14000).executeTakeFirstOrThrow()
    ).receipt;
    expect(JSON.parse(pub!.body).voters).toEqual([
      { receipt, areaM2: '140.00', votes: { m1: 'agree' } },
      { receipt: null, areaM2: '90.00', votes: {} },
    ]);
    expect(pub!.body).not.toMatch(/101|102|V000|建设小区/);
    expect(pub!.fullSha256).toBe(stored.sha256);
    expect(pub!.sha256).not.toBe(stored.sha256);
    const parsed = parseAnyBulletin(JSON.parse(pub!.body));
    if (!parsed.success) throw parsed.error;
    expect(recount(parsed.data).matters).toEqual([expected]);
    const entry = await open.db.selectFrom('audit_log').select('detail').where('action', '=', 'ballot.bulletin.preliminary').executeTakeFirstOrThrow();
    expect(entry.detail).toMatchObject({ version: 1, sha256: stored.sha256, publicSha256: pub!.sha256 });
    expect(findReceipt(pub!.body, receipt)).toEqual({ receipt, areaM2: '140.00', votes: { m1: 'agree' } });

    // per-building figures key on estate + building, and groups under 5 voters are not shown
    expect(closed.byBuilding).toEqual([]);
    expect(closed.hiddenBuildings).toBe(2);

    // the flat-labelled roll carries the estate of each flat
    const roll = await rollOf(open.db, ballotId, 'closed');
    expect(roll.voters.flatMap((v) => v.units.map((u) => `${u.estate} ${u.building}-${u.entrance}-${u.room}`)).sort()).toEqual([
      '建设小区 1-1-101',
      '建设小区 1-1-102',
      '建设小区二期 1-1-101',
    ]);
  });

  it('opens the full bulletin and the flat-labelled roll to staff and verified owners of the electorate only, each look recorded', async () => {
    expect(await mayInspect(open.db, ballotId, staffUser)).toBe(true);
    expect(await mayInspect(open.db, ballotId, ownerUser)).toBe(true);
    expect(await mayInspect(open.db, ballotId, { ...ownerUser, ownerStatusHeld: true })).toBe(false);
    expect(await mayInspect(open.db, ballotId, null)).toBe(false);
    const stranger = await open.db
      .insertInto('users')
      .values({ phone: '13730000002', password_hash: 'x', display_name: '路人' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await mayInspect(open.db, ballotId, { ...ownerUser, id: stranger.id, phone: '13730000002' })).toBe(false);
    const otherSub = await open.db
      .insertInto('subdistricts')
      .values({ district_id: await zhanhe(open.db), code: 'beidu', name: '北渡街道', name_en: 'B' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await mayInspect(open.db, ballotId, { ...staffUser, subdistrictId: otherSub.id })).toBe(false);
    await auditInspection(open.db, ownerUser.id, ballotId, 'bulletin', { version: 1 });
    await auditInspection(open.db, staffUser.id, ballotId, 'roll');
    await auditInspection(open.db, staffUser.id, ballotId, 'roll'); // a reload, the same day: not recorded again
    const looks = await open.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'action', 'target'])
      .where('action', 'in', ['ballot.bulletin.download', 'ballot.roll.view'])
      .orderBy('id')
      .execute();
    expect(looks).toEqual([
      { actor_user_id: ownerUser.id, action: 'ballot.bulletin.download', target: `ballot:${ballotId}` },
      { actor_user_id: staffUser.id, action: 'ballot.roll.view', target: `ballot:${ballotId}` },
    ]);
    expect((await verifyAudit(open.db)).ok).toBe(true);
  });
});
