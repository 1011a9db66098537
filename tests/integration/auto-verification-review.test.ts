import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import { BACKENDS, postgresUrl } from '../support/databases.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { openVote, prepareVoters } from '../support/vote-fixture.ts';
import { openPgliteInMemory, openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { migrationProvider } from '../../db/migrations/index.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';
import { votersFor } from '../../src/features/ballots/service.ts';
import { sessionIdOf } from '../../src/features/accounts/session.ts';
import { decideVerification } from '../../src/features/register/verification-service.ts';
import { claimsForOffice } from '../../src/features/register/verification-queries.ts';
import { whyNotVoter } from '../../src/features/ballots/web-queries.ts';
import { zhanhe } from '../support/districts.ts';

// Automatic verifications made before migration 0014 rested on a name and an ID number, which
// are not secret. The migration holds them for staff review (status 'review'), and every path
// that needs a verified owner — the cast first of all — refuses them until staff approve.

/** The database as it was before migration 0014: every migration named before it. */
const before: MigrationProvider = {
  getMigrations: async () => Object.fromEntries(Object.entries(await migrationProvider.getMigrations()).filter(([name]) => name < '0014')),
};

describe.each(BACKENDS)('automatic verifications under review on %s', (kind) => {
  let open: OpenDatabase;
  let ballotId: number;
  let tokens: string[];
  let staffId: number;
  let subId: number;
  const users: number[] = [];
  const statusOf = async (userId: number) =>
    (await open.db.selectFrom('owner_verifications').select('status').where('user_id', '=', userId).executeTakeFirstOrThrow()).status;

  beforeAll(async () => {
    open = kind === 'pglite' ? await openPgliteInMemory() : openPostgres((await scratchDatabase(postgresUrl!, 'rv')).url, 4);
    const { error } = await new Migrator({ db: open.db, provider: before }).migrateToLatest();
    if (error) throw error;
    ({ staffId, subId } = await hebinEstate(open.db));
    // the owners and their verifications before migration 0014; their vote is run by today's code, after it
    const voters = await prepareVoters(open.db, 3);
    tokens = voters.tokens;
    for (const t of tokens)
      users.push((await open.db.selectFrom('sessions').select('user_id').where('id', '=', sessionIdOf(t)).executeTakeFirstOrThrow()).user_id);
    // owner 0: verified automatically on name and ID number (the old rule)
    // owner 1: verified automatically, and the register holds the account's confirmed mobile
    // owner 2: approved by staff
    await open.db.updateTable('owner_verifications').set({ method: 'auto' }).where('user_id', 'in', [users[0]!, users[1]!]).execute();
    const second = await open.db
      .selectFrom('owner_verifications')
      .innerJoin('users', 'users.id', 'owner_verifications.user_id')
      .select(['owner_verifications.register_owner_id', 'users.phone'])
      .where('users.id', '=', users[1]!)
      .executeTakeFirstOrThrow();
    await open.db.updateTable('register_owners').set({ phone: second.phone }).where('id', '=', second.register_owner_id!).execute();
    await migrateToLatest(open.db);
    ballotId = await openVote(open.db, voters);
  });
  afterAll(() => open.close());

  it('holds automatic verifications made on name and ID number alone, and only those', async () => {
    expect([await statusOf(users[0]!), await statusOf(users[1]!), await statusOf(users[2]!)]).toEqual(['review', 'verified', 'verified']);
  });

  it('refuses their cast and gives them no voter until staff review it', async () => {
    const choices = { m1: 'agree', m2: 'agree', m3: 'agree' } as const;
    expect(await castOnline(open.db, { sessionId: sessionIdOf(tokens[0]!), ballotId, choices })).toMatchObject({ ok: false, error: 'err.notAVoter' });
    expect(await votersFor(open.db, ballotId, users[0]!)).toEqual([]);
    expect(await castOnline(open.db, { sessionId: sessionIdOf(tokens[1]!), ballotId, choices })).toMatchObject({ ok: true });
    // the ballot page says why: awaiting review, not 'not on the roll'
    expect(await whyNotVoter(open.db, ballotId, users[0]!)).toEqual({ reason: 'review', flats: [] });
  });

  it('lists them for staff, who approve with a ground, after which the owner can cast', async () => {
    // the district admin of 湛河区 (this test's one subdistrict is in it since migration 0057)
    const district = { id: await zhanhe(open.db), subdistrictIds: [subId] };
    const admin = { id: staffId, role: 'district_admin' as const, subdistrictId: null, communityId: null, district };
    // many decided claims made since (their proofs still kept) do not push the older review off the list
    const unit = (await open.db.selectFrom('owner_verifications').select('unit_id').where('user_id', '=', users[2]!).executeTakeFirstOrThrow()).unit_id;
    await open.db
      .insertInto('owner_verifications')
      .values(
        Array.from({ length: 250 }, (_, i) => ({
          user_id: users[2]!,
          unit_id: unit,
          status: 'rejected' as const,
          method: 'proof' as const,
          claimed_name: 'x',
          reason: '不符',
          decided_at: new Date(),
          proof_storage_key: String(i).padStart(64, '0'),
          proof_mime: 'image/png',
        })),
      )
      .execute();
    const listed = await claimsForOffice(open.db, admin);
    expect(listed.length).toBeGreaterThan(200);
    const row = listed.find((c) => c.status === 'review');
    expect(row).toBeDefined();
    expect(await decideVerification(open.db, staffId, row!.id, 'approve', null, null)).toMatchObject({ ok: false, error: 'err.groundRequired' });
    // an automatic verification has no uploaded proof to have checked
    expect(await decideVerification(open.db, staffId, row!.id, 'approve', null, 'proof')).toMatchObject({ ok: false, error: 'err.noProof' });
    expect(await decideVerification(open.db, staffId, row!.id, 'approve', null, 'certificate')).toEqual({ ok: true });
    expect(await statusOf(users[0]!)).toBe('verified');
    const choices = { m1: 'oppose', m2: 'agree', m3: 'abstain' } as const;
    expect(await castOnline(open.db, { sessionId: sessionIdOf(tokens[0]!), ballotId, choices })).toMatchObject({ ok: true });
    const audit = await open.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'verification.approve')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ ground: 'certificate' });
  });
});
