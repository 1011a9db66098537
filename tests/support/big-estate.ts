import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { createBallot } from '../../src/features/ballots/service.ts';
import { postNoticeAsStaff } from './ballot-notice.ts';

// One estate of any size with its register, verified accounts and a noticed ballot, seeded
// set-wise (a handful of statements whatever the size): the big-vote bench
// (tests/bench/bigvote.ts) and the big-vote integration test. See seedBigEstate.

type DB = Kysely<Database>;
const DAY = 86_400_000;

export type BigEstate = {
  ballotId: number;
  estateId: number;
  adminId: number;
  /** the admin's district and its subdistricts, as a session carries them (src/features/policy/can.ts) */
  district: { id: number; subdistrictIds: number[] };
  households: number;
  matters: number;
  seedMs: number;
};
const ITEMS = [4, 5, 7, 8, 9] as const; // Art. 278 items: a mix of major and ordinary matters

export async function seedBigEstate(db: DB, opts: { households: number; matters: number; verifiedShare?: number }): Promise<BigEstate> {
  const t0 = performance.now();
  const n = opts.households;
  const verified = Math.round((opts.verifiedShare ?? 0.7) * 100);
  const community = await db
    .selectFrom('communities')
    .innerJoin('subdistricts', 'subdistricts.id', 'communities.subdistrict_id')
    .select(['communities.id', 'communities.subdistrict_id', 'subdistricts.district_id'])
    .orderBy('communities.id')
    .executeTakeFirstOrThrow();
  const subdistrictIds = (await db.selectFrom('subdistricts').select('id').where('district_id', '=', community.district_id).execute()).map((r) => r.id);
  const tag = `big${Date.now().toString(36)}`;
  const estate = await db
    .insertInto('estates')
    .values({
      community_id: community.id,
      name: `大型小区${tag}`,
      address: 'bench',
      build_year: 1998,
      building_count: Math.ceil(n / 250),
      household_count: n,
      floor_area_cm2: n * 9000,
      lat: 33.7,
      lng: 113.3,
      eligibility: JSON.stringify({}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const e = estate.id;
  const admin = await db
    .insertInto('users')
    .values({
      phone: `1${tag}`,
      password_hash: 'x',
      display_name: 'bench admin',
      role: 'district_admin',
      district_id: community.district_id,
      phone_verified_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`insert into buildings (estate_id, label) select ${e}, b::text from generate_series(1, ${Math.ceil(n / 250)}) b`.execute(db);
  await sql`insert into entrances (building_id, label) select b.id, en::text from buildings b cross join generate_series(1, 5) en where b.estate_id = ${e}`.execute(
    db,
  );
  await sql`insert into units (entrance_id, floor, room, area_cm2, developer_held)
    select en.id, (i % 50) / 2 + 1, (((i % 50) / 2 + 1) * 100 + i % 2 + 1)::text, 4500 + (i * 7919) % 9000, i % 500 = 499
    from generate_series(0, ${n - 1}) i
    join buildings b on b.estate_id = ${e} and b.label = (i / 250 + 1)::text
    join entrances en on en.building_id = b.id and en.label = ((i % 250) / 50 + 1)::text`.execute(db);
  // one register owner a flat not held by the developer, a co-owner on every 20th
  await sql`insert into register_owners (estate_id, name, id_type, id_hash, id_key_version, id_last4)
    select ${e}, '业主' || u.id, 'resident_id', ${tag} || '-' || u.id || '-' || k, 1, '0000'
    from units u join entrances en on en.id = u.entrance_id join buildings b on b.id = en.building_id
    cross join generate_series(1, 2) k
    where b.estate_id = ${e} and not u.developer_held and (k = 1 or u.id % 20 = 0)`.execute(db);
  await sql`insert into unit_owners (unit_id, owner_id)
    select split_part(ro.id_hash, '-', 2)::integer, ro.id from register_owners ro where ro.estate_id = ${e}`.execute(db);
  // every 100th owner also holds the next flat: one voter with both flats and their owners
  await sql`insert into unit_owners (unit_id, owner_id)
    select u2.id, ro.id from register_owners ro
    join units u2 on u2.id = split_part(ro.id_hash, '-', 2)::integer + 1 and not u2.developer_held
    where ro.estate_id = ${e} and split_part(ro.id_hash, '-', 3) = '1' and split_part(ro.id_hash, '-', 2)::integer % 100 = 0
    on conflict do nothing`.execute(db);
  await sql`insert into users (phone, password_hash, display_name, phone_verified_at)
    select 'b' || ro.id, 'x', '业主', now() from register_owners ro where ro.estate_id = ${e} and ro.id % 100 < ${verified}`.execute(db);
  await sql`insert into owner_verifications (user_id, unit_id, register_owner_id, status, method, claimed_name)
    select us.id, split_part(ro.id_hash, '-', 2)::integer, ro.id, 'verified', 'staff', 'x'
    from register_owners ro join users us on us.phone = 'b' || ro.id
    where ro.estate_id = ${e}`.execute(db);
  await sql`analyze units, register_owners, unit_owners, users, owner_verifications`.execute(db);

  const now = new Date();
  const ballot = await createBallot(db, admin.id, {
    subdistrictId: community.subdistrict_id,
    projectId: null,
    title: `${n} 户业主大会表决`,
    explanation: '',
    convener: 'subdistrict',
    noticeDays: 15,
    opensAt: new Date(now.getTime() - DAY),
    closesAt: new Date(now.getTime() + 10 * DAY),
    scopes: [{ estateId: e, building: null, entrance: null }],
    matters: Array.from({ length: opts.matters }, (_, i) => ({ title: `事项${i + 1}`, item: ITEMS[i % ITEMS.length]! })),
  });
  if (!ballot.ok) throw new Error(ballot.error);
  const noticed = await postNoticeAsStaff(db, admin.id, ballot.ballotId, new Date(now.getTime() - 20 * DAY));
  if (!noticed.ok) throw new Error(noticed.error);
  return {
    ballotId: ballot.ballotId,
    estateId: e,
    adminId: admin.id,
    district: { id: community.district_id, subdistrictIds },
    households: n,
    matters: opts.matters,
    seedMs: performance.now() - t0,
  };
}

/**
 * Casts for the voters whose roll id ends (mod 100) in 1 … share − 1 set-wise, every matter,
 * choices spread over agree/oppose/abstain by voter and matter: the volume of a big vote
 * without 50,000 round trips (voters ending in 00 are left for casts through the real path).
 */
export async function castSetWise(db: DB, ballotId: number, castBy: number, share: number) {
  await sql`with v as (
      select bv.id as voter_id, m.id as matter_id, m.code, (array['agree','oppose','abstain'])[1 + (bv.id * 7 + m.id) % 3] as choice
      from ballot_voters bv join ballot_matters m on m.ballot_id = bv.ballot_id
      where bv.ballot_id = ${ballotId} and not bv.developer and bv.id % 100 between 1 and ${share - 1}
    ), c as (
      insert into ballot_casts (ballot_id, voter_id, cast_by, channel, cast_right, choices)
      select ${ballotId}, voter_id, ${castBy}, 'online', 'owner', jsonb_object_agg(code, choice) from v group by voter_id
      returning id, voter_id
    )
    insert into ballot_choices (ballot_id, voter_id, matter_id, choice, cast_id)
    select ${ballotId}, v.voter_id, v.matter_id, v.choice, c.id from v join c on c.voter_id = v.voter_id`.execute(db);
}
