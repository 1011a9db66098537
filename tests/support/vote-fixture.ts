import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { generateSessionToken, sessionIdOf } from '../../src/features/accounts/session.ts';
import { createBallot, openBallot } from '../../src/features/ballots/service.ts';
import { postNoticeAsStaff } from './ballot-notice.ts';
import { schemaHasDistricts, zhanhe } from './districts.ts';

// An open 3-matter vote of N verified owners with sessions, each owning one flat of building
// B of the first estate: for the casting bench, the load and fault test and HTTP tests.

const BATCH = 500;
const DAY = 86_400_000;

/** Returns the ballot and one session token per owner. */
export async function prepareVote(db: Kysely<Database>, owners: number) {
  const voters = await prepareVoters(db, owners);
  const ballotId = await openVote(db, voters);
  return { ballotId, tokens: voters.tokens };
}

/** The owners alone (flats, register rows, verifications, sessions), and the staff member who will run their vote. */
export async function prepareVoters(db: Kysely<Database>, owners: number) {
  const estate = await db
    .selectFrom('estates')
    .innerJoin('communities', 'communities.id', 'estates.community_id')
    .select(['estates.id', 'communities.subdistrict_id'])
    .orderBy('estates.id')
    .executeTakeFirstOrThrow();
  const admin = await db
    .insertInto('users')
    .values({
      phone: '13999999999',
      password_hash: 'x',
      display_name: 'bench',
      role: 'district_admin',
      ...((await schemaHasDistricts(db)) ? { district_id: await zhanhe(db) } : {}),
      phone_verified_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const building = await db.insertInto('buildings').values({ estate_id: estate.id, label: 'B' }).returning('id').executeTakeFirstOrThrow();
  const entrance = await db.insertInto('entrances').values({ building_id: building.id, label: '1' }).returning('id').executeTakeFirstOrThrow();
  const tokens: string[] = [];
  for (let start = 0; start < owners; start += BATCH) {
    const n = Math.min(BATCH, owners - start);
    const idx = Array.from({ length: n }, (_, i) => start + i);
    const units = await db
      .insertInto('units')
      .values(idx.map((i) => ({ entrance_id: entrance.id, floor: 1 + (i % 30), room: `R${i}`, area_cm2: 6000 + (i % 5000) })))
      .returning('id')
      .execute();
    const regs = await db
      .insertInto('register_owners')
      .values(
        idx.map((i) => ({
          estate_id: estate.id,
          name: `业主${i}`,
          id_type: 'resident_id' as const,
          id_hash: `bench${i}`,
          id_key_version: 1,
          id_last4: '0000',
        })),
      )
      .returning('id')
      .execute();
    await db
      .insertInto('unit_owners')
      .values(idx.map((_, k) => ({ unit_id: units[k]!.id, owner_id: regs[k]!.id })))
      .execute();
    const users = await db
      .insertInto('users')
      .values(idx.map((i) => ({ phone: `158${String(i).padStart(8, '0')}`, password_hash: 'x', display_name: `u${i}`, phone_verified_at: new Date() })))
      .returning('id')
      .execute();
    await db
      .insertInto('owner_verifications')
      .values(
        idx.map((_, k) => ({
          user_id: users[k]!.id,
          unit_id: units[k]!.id,
          register_owner_id: regs[k]!.id,
          status: 'verified' as const,
          method: 'staff' as const,
          claimed_name: 'x',
        })),
      )
      .execute();
    const batchTokens = idx.map(() => generateSessionToken());
    await db
      .insertInto('sessions')
      .values(batchTokens.map((t, k) => ({ id: sessionIdOf(t), user_id: users[k]!.id, expires_at: new Date(Date.now() + 30 * DAY) })))
      .execute();
    tokens.push(...batchTokens);
  }
  return { adminId: admin.id, estate, tokens };
}

/**
 * The open 3-matter vote of building B: its meeting notice posted through the staff action's
 * command 20 days ago, opened now. Returns the ballot.
 */
export async function openVote(db: Kysely<Database>, voters: { adminId: number; estate: { id: number; subdistrict_id: number } }) {
  const { adminId, estate } = voters;
  const now = new Date();
  const ballot = await createBallot(db, adminId, {
    subdistrictId: estate.subdistrict_id,
    projectId: null,
    title: 'bench',
    explanation: '',
    convener: 'subdistrict',
    noticeDays: 15,
    opensAt: now,
    closesAt: new Date(now.getTime() + DAY),
    scopes: [{ estateId: estate.id, building: 'B', entrance: null }],
    matters: [
      { title: 'a', item: 7 },
      { title: 'b', item: 4 },
      { title: 'c', item: 5 },
    ],
  });
  if (!ballot.ok) throw new Error(ballot.error);
  const noticed = await postNoticeAsStaff(db, adminId, ballot.ballotId, new Date(now.getTime() - 20 * DAY));
  if (!noticed.ok) throw new Error(noticed.error);
  const opened = await openBallot(db, adminId, ballot.ballotId, now);
  if (!opened.ok) throw new Error(opened.error);
  return ballot.ballotId;
}
