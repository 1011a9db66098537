import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { prepareVote } from '../support/vote-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';
import { sessionIdOf } from '../../src/features/accounts/session.ts';
import { closeAccount, personalData, privacySweep, setProofDispute, CHALLENGE_PERIOD_DAYS } from '../../src/features/privacy/service.ts';

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
