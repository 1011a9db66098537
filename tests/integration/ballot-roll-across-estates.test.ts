import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { applyImport } from '../../src/features/register/import-service.ts';
import type { PreparedFlat, PreparedOwner } from '../../src/features/register/prepare.ts';
import * as ballots from '../../src/features/ballots/service.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';

// A vote over two estates (a merged project): someone who owns a flat in each is one owner
// with all their area (SPC interpretation Art. 9), although the register keeps a row per
// estate; verified in either estate, they cast that one ballot.

const DAY = 86_400_000;
const T0 = new Date('2026-07-01T00:00:00Z');
const owner = (name: string, hash: string): PreparedOwner => ({ name, idType: 'resident_id', idHash: hash, keyVersion: 1, last4: '0000' });
const flat = (room: string, owners: PreparedOwner[], areaCm2 = 8000): PreparedFlat =>
  ({ line: 2, estate: null, building: '1', entrance: '1', floor: 1, room, areaCm2, areaSource: 'registered', owners, phone: null, developerHeld: false });

describe.each(BACKENDS)('a roll across estates on %s', (kind) => {
  let open: OpenDatabase;
  let ballotId: number;
  let rows: { estateA: number; estateB: number };

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const { subId, communityId, estateId, staffId } = await hebinEstate(open.db);
    const second = await open.db.insertInto('estates').values({
      community_id: communityId, name: '建设小区二期', address: 'b', build_year: 1992, building_count: 1, household_count: 2, floor_area_cm2: 1, lat: 33.7, lng: 113.3, eligibility: '{}',
    }).returning('id').executeTakeFirstOrThrow();
    const both = owner('两处业主', 'hash-both');
    for (const [estate, flats] of [[estateId, [flat('101', [both], 8000), flat('102', [owner('甲', 'hash-a')], 9000)]], [second.id, [flat('101', [both], 6000)]]] as const) {
      const imp = await open.db.insertInto('register_imports').values({ estate_id: estate, user_id: staffId, file_name: 'f', sha256: 'x' }).returning('id').executeTakeFirstOrThrow();
      await applyImport(open.db, { estateId: estate, importId: imp.id, actorUserId: staffId, flats: [...flats] });
    }
    const ids = await open.db.selectFrom('register_owners').select(['id', 'estate_id']).where('id_hash', '=', 'hash-both').orderBy('id').execute();
    rows = { estateA: ids.find((r) => r.estate_id === estateId)!.id, estateB: ids.find((r) => r.estate_id === second.id)!.id };
    const created = await ballots.createBallot(open.db, staffId, {
      subdistrictId: subId, projectId: null, title: '合并项目改造方案表决', explanation: '', convener: 'subdistrict', noticeDays: 15,
      opensAt: new Date(T0.getTime() + 15 * DAY), closesAt: new Date(T0.getTime() + 25 * DAY),
      scopes: [{ estateId, building: null, entrance: null }, { estateId: second.id, building: null, entrance: null }], matters: [{ title: '改造方案', item: 7 }],
    });
    if (!created.ok) throw new Error(created.error);
    ballotId = created.ballotId;
    await ballots.publishNotice(open.db, staffId, ballotId, T0);
    await ballots.openBallot(open.db, staffId, ballotId, new Date(T0.getTime() + 15 * DAY));
  });
  afterAll(() => open.close());

  it('counts the owner of a flat in each estate once, with both flats and all their area', async () => {
    const voters = await open.db.selectFrom('ballot_voters').select(['id', 'code', 'area_cm2']).where('ballot_id', '=', ballotId).orderBy('code').execute();
    expect(voters.map((v) => Number(v.area_cm2)).sort()).toEqual([14000, 9000].sort());
    const theirs = voters.find((v) => Number(v.area_cm2) === 14000)!;
    const units = await open.db.selectFrom('ballot_voter_units').select('unit_id').where('voter_id', '=', theirs.id).execute();
    expect(units).toHaveLength(2);
    const owners = await open.db.selectFrom('ballot_voter_owners').select('register_owner_id').where('voter_id', '=', theirs.id).orderBy('register_owner_id').execute();
    expect(owners.map((o) => o.register_owner_id)).toEqual([rows.estateA, rows.estateB].sort((a, b) => a - b));
  });

  it('lets them cast that one ballot when verified in either estate', async () => {
    const u = await open.db.insertInto('users').values({ phone: '13730000001', password_hash: 'x', display_name: '两处业主' }).returning('id').executeTakeFirstOrThrow();
    const unit = await open.db.selectFrom('unit_owners').select('unit_id').where('owner_id', '=', rows.estateB).executeTakeFirstOrThrow();
    await open.db.insertInto('owner_verifications').values({ user_id: u.id, unit_id: unit.unit_id, register_owner_id: rows.estateB, status: 'verified', method: 'auto', claimed_name: '两处业主' }).execute();
    const [mine] = await ballots.votersFor(open.db, ballotId, u.id);
    expect(mine).toMatchObject({ cast_right: 'owner' });
    expect(await castOnline(open.db, { ballotId, userId: u.id, choices: { m1: 'agree' } }, new Date(T0.getTime() + 16 * DAY))).toMatchObject({ ok: true, voter: mine!.code });
  });
});
