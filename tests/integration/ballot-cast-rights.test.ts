import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { postNoticeAsStaff } from '../support/ballot-notice.ts';
import { fixture } from '../support/fixtures.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { readCsv } from '../../src/features/register/read-table.ts';
import { parseRegister } from '../../src/features/register/parse-rows.ts';
import { prepareRows, ownerKey, type PreparedFlat, type PreparedOwner } from '../../src/features/register/prepare.ts';
import { applyImport } from '../../src/features/register/import-service.ts';
import { addOwnerOnBasis } from '../../src/features/register/owner-service.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import * as ballots from '../../src/features/ballots/service.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';
import { recordProxy, revokeProxy } from '../../src/features/ballots/proxies-service.ts';
import { generateSessionToken, sessionIdOf } from '../../src/features/accounts/session.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';

// Who may cast a voter's ballot while the vote is open: owners on the frozen roll who still
// hold a flat of the voter, the new owner once the seller's whole holding has moved (unless
// a ballot cast before stands), and an account named in a recorded written mandate. The
// session is checked in the same database call as the cast.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 7).toString('base64')}`);
const DAY = 86_400_000;
const T0 = new Date('2026-05-01T00:00:00Z');
const DURING = new Date(T0.getTime() + 16 * DAY);
const ALL = { m1: 'agree', m2: 'oppose' } as const;

describe.each(BACKENDS)('cast rights on %s', (kind) => {
  let open: OpenDatabase;
  let estateId: number;
  let staffId: number;
  let ballotId: number;
  let flats: PreparedFlat[];
  let imports = 0;
  let phones = 0;
  const flatsOf = (key: string) => flats.filter((f) => f.owners.some((o) => ownerKey(o) === key));

  async function reimport() {
    const imp = await open.db
      .insertInto('register_imports')
      .values({ estate_id: estateId, user_id: staffId, file_name: `f${imports++}`, sha256: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await applyImport(open.db, { estateId, importId: imp.id, actorUserId: staffId, flats });
  }
  async function ownerId(o: PreparedOwner) {
    return (await open.db.selectFrom('register_owners').select('id').where('id_hash', '=', o.idHash).where('removed_at', 'is', null).executeTakeFirstOrThrow())
      .id;
  }
  /** An account verified as this register owner. */
  async function verifiedAccount(o: PreparedOwner) {
    const registerOwnerId = await ownerId(o);
    const unit = await open.db.selectFrom('unit_owners').select('unit_id').where('owner_id', '=', registerOwnerId).executeTakeFirstOrThrow();
    const u = await open.db
      .insertInto('users')
      .values({ phone: `1371000${String(phones++).padStart(4, '0')}`, password_hash: 'x', display_name: o.name })
      .returning(['id', 'phone'])
      .executeTakeFirstOrThrow();
    await open.db
      .insertInto('owner_verifications')
      .values({ user_id: u.id, unit_id: unit.unit_id, register_owner_id: registerOwnerId, status: 'verified', method: 'auto', claimed_name: o.name })
      .execute();
    return u;
  }
  const buyer = (n: number): PreparedOwner => ({ name: `买受人${n}`, idType: 'resident_id', idHash: `buyer-hash-${n}`, keyVersion: 1, last4: '000X' });
  const sell = (flat: PreparedFlat, to: PreparedOwner) => {
    flats = flats.map((f) => (f === flat ? { ...f, owners: [to] } : f));
  };
  const voterCode = async (userId: number) => (await ballots.votersFor(open.db, ballotId, userId)).map((v) => `${v.code}:${v.cast_right}`);

  // owners of the fixture register: one with several flats, and single-flat owners
  let multi: PreparedOwner;
  let singles: PreparedOwner[];

  beforeAll(async () => {
    open = await freshDatabase(kind);
    let subId: number;
    ({ subId, estateId, staffId } = await hebinEstate(open.db));
    flats = prepareRows(parseRegister(readCsv(fs.readFileSync(fixture('register-sample.csv')))).rows, KEY);
    await reimport();
    const byOwner = new Map<string, { o: PreparedOwner; n: number; shared: boolean }>();
    for (const f of flats) {
      if (f.developerHeld) continue;
      for (const o of f.owners) {
        const e = byOwner.get(ownerKey(o)) ?? { o, n: 0, shared: false };
        e.n++;
        e.shared ||= f.owners.length > 1;
        byOwner.set(ownerKey(o), e);
      }
    }
    const sole = [...byOwner.values()].filter((e) => !e.shared);
    multi = sole.find((e) => e.n >= 2)!.o;
    singles = sole
      .filter((e) => e.n === 1)
      .slice(0, 9)
      .map((e) => e.o);
    expect(multi).toBeDefined();
    expect(singles).toHaveLength(9);
    // an heir staff added on a legal basis to the flat of singles[6]
    const heirFlat = flatsOf(ownerKey(singles[6]!))[0]!;
    const added = await addOwnerOnBasis(
      open.db,
      KEY,
      staffId,
      {
        estateId,
        building: heirFlat.building,
        entrance: heirFlat.entrance,
        room: heirFlat.room,
        name: '继承人',
        idType: 'resident_id',
        idNumber: '11010519491231002X',
        basis: 'inheritance',
      },
      'e'.repeat(64),
    );
    expect(added).toMatchObject({ ok: true });

    const created = await ballots.createBallot(open.db, staffId, {
      subdistrictId: subId,
      projectId: null,
      title: '改造方案表决',
      explanation: '',
      convener: 'subdistrict',
      noticeDays: 15,
      opensAt: new Date(T0.getTime() + 15 * DAY),
      closesAt: new Date(T0.getTime() + 25 * DAY),
      scopes: [{ estateId, building: null, entrance: null }],
      matters: [
        { title: '改造方案', item: 7 },
        { title: '选聘物业', item: 4 },
      ],
    });
    if (!created.ok) throw new Error(created.error);
    ballotId = created.ballotId;
    await postNoticeAsStaff(open.db, staffId, ballotId, T0);
    expect(await ballots.openBallot(open.db, staffId, ballotId, new Date(T0.getTime() + 15 * DAY))).toMatchObject({ ok: true });
  });
  afterAll(() => open.close());

  it('keeps the vote with a seller who still holds part of the voter’s flats; the buyer of that flat gets no vote', async () => {
    const seller = await verifiedAccount(multi);
    const [before] = await voterCode(seller.id);
    expect(before).toMatch(/^V\d+:owner$/);
    const [sold] = flatsOf(ownerKey(multi));
    sell(sold!, buyer(1));
    await reimport();
    const newOwner = await verifiedAccount(buyer(1));
    expect(await voterCode(seller.id)).toEqual([before]);
    expect(await voterCode(newOwner.id)).toEqual([]);
    expect(await castOnline(open.db, { ballotId, userId: newOwner.id, choices: ALL }, DURING)).toEqual({ ok: false, error: 'err.notAVoter' });
    expect(await castOnline(open.db, { ballotId, userId: seller.id, choices: ALL }, DURING)).toMatchObject({ ok: true, voter: before!.split(':')[0] });
  });

  it('passes the vote to the new verified owner once the seller’s whole holding moved and no ballot was cast', async () => {
    const seller = await verifiedAccount(singles[0]!);
    const [code] = await voterCode(seller.id);
    sell(flatsOf(ownerKey(singles[0]!))[0]!, buyer(2));
    await reimport();
    expect(await voterCode(seller.id)).toEqual([]); // the register no longer lists the seller
    const newOwner = await verifiedAccount(buyer(2));
    expect(await voterCode(newOwner.id)).toEqual([code!.replace(':owner', ':new_owner')]);
    const first = await castOnline(open.db, { ballotId, userId: newOwner.id, choices: ALL }, DURING);
    expect(first).toMatchObject({ ok: true });
    // the new owner may change their own ballot; the last counts, the receipt stays
    const second = await castOnline(open.db, { ballotId, userId: newOwner.id, choices: { m1: 'abstain', m2: 'abstain' } }, DURING);
    expect(second).toEqual(first.ok ? { ...first } : null);
    const casts = await open.db
      .selectFrom('ballot_casts')
      .select(['cast_by', 'cast_right', 'channel'])
      .where('ballot_id', '=', ballotId)
      .where('cast_by', '=', newOwner.id)
      .execute();
    expect(casts).toEqual([
      { cast_by: newOwner.id, cast_right: 'new_owner', channel: 'online' },
      { cast_by: newOwner.id, cast_right: 'new_owner', channel: 'online' },
    ]);
  });

  it('counts a paper ballot staff enter after the whole holding moved as the new owner’s, who may still change it', async () => {
    const seller = await verifiedAccount(singles[8]!);
    const [code] = (await voterCode(seller.id)).map((c) => c.split(':')[0]!);
    sell(flatsOf(ownerKey(singles[8]!))[0]!, buyer(6));
    await reimport();
    const newOwner = await verifiedAccount(buyer(6));
    const voter = await open.db.selectFrom('ballot_voters').select('id').where('ballot_id', '=', ballotId).where('code', '=', code!).executeTakeFirstOrThrow();
    expect(
      await ballots.recordCast(
        open.db,
        { ballotId, voterId: voter.id, castBy: staffId, channel: 'paper', choices: ALL, mandate: '新业主的纸质票', scanStorageKey: 'f'.repeat(64) },
        DURING,
      ),
    ).toMatchObject({ ok: true });
    const entry = await open.db.selectFrom('ballot_casts').select('cast_right').where('voter_id', '=', voter.id).executeTakeFirstOrThrow();
    expect(entry.cast_right).toBe('new_owner');
    expect(await castOnline(open.db, { ballotId, userId: newOwner.id, choices: { m1: 'abstain', m2: 'abstain' } }, DURING)).toMatchObject({
      ok: true,
      voter: code,
    });
  });

  it('lets a ballot cast before the sale stand: the buyer cannot replace it, the seller can no longer cast', async () => {
    const seller = await verifiedAccount(singles[1]!);
    const cast = await castOnline(open.db, { ballotId, userId: seller.id, choices: { m1: 'agree', m2: 'agree' } }, DURING);
    expect(cast).toMatchObject({ ok: true });
    sell(flatsOf(ownerKey(singles[1]!))[0]!, buyer(3));
    await reimport();
    const newOwner = await verifiedAccount(buyer(3));
    expect(await castOnline(open.db, { ballotId, userId: newOwner.id, choices: { m1: 'oppose', m2: 'oppose' } }, DURING)).toEqual({
      ok: false,
      error: 'err.ballotStands',
    });
    const standing = await open.db
      .selectFrom('ballot_voters')
      .select('id')
      .where('ballot_id', '=', ballotId)
      .where('receipt', '=', cast.ok ? cast.receipt : '')
      .executeTakeFirstOrThrow();
    expect(
      await ballots.recordCast(
        open.db,
        {
          ballotId,
          voterId: standing.id,
          castBy: staffId,
          channel: 'paper',
          choices: { m1: 'oppose', m2: 'oppose' },
          mandate: '买受人的纸质票',
          scanStorageKey: 'f'.repeat(64),
        },
        DURING,
      ),
    ).toEqual({ ok: false, error: 'err.ballotStands' });
    expect(await castOnline(open.db, { ballotId, userId: seller.id, choices: { m1: 'oppose', m2: 'oppose' } }, DURING)).toEqual({
      ok: false,
      error: 'err.notAVoter',
    });
    const voter = await open.db
      .selectFrom('ballot_voters')
      .select('id')
      .where('ballot_id', '=', ballotId)
      .where('receipt', '=', cast.ok ? cast.receipt : '')
      .executeTakeFirstOrThrow();
    const counted = await open.db.selectFrom('ballot_choices').select('choice').where('voter_id', '=', voter.id).execute();
    expect(counted.map((c) => c.choice)).toEqual(['agree', 'agree']);
  });

  it('lets a recorded proxy cast online with the mandate kept, until revoked or the signing owner sells', async () => {
    const owner = await verifiedAccount(singles[2]!);
    const [ownerVoter] = (await voterCode(owner.id)).map((c) => c.split(':')[0]!);
    const proxy = await open.db
      .insertInto('users')
      .values({ phone: '13719990001', password_hash: 'x', display_name: '受托人' })
      .returning(['id', 'phone'])
      .executeTakeFirstOrThrow();
    const grantor = await ownerId(singles[2]!);
    const input = {
      ballotId,
      voterCode: ownerVoter!,
      proxyPhone: proxy.phone,
      grantedByOwnerId: grantor,
      mandate: '授权委托书 2026-05-10',
      scanStorageKey: 'a'.repeat(64),
    };
    expect(await recordProxy(open.db, staffId, { ...input, grantedByOwnerId: await ownerId(singles[3]!) }, DURING)).toMatchObject({
      ok: false,
      error: 'err.grantorNotOwner',
    });
    expect(await recordProxy(open.db, staffId, { ...input, proxyPhone: '13719990999' }, DURING)).toMatchObject({ ok: false, error: 'err.noSuchAccount' });
    expect(await recordProxy(open.db, staffId, input, new Date(T0.getTime() + 26 * DAY))).toMatchObject({ ok: false, error: 'err.ballotNotOpen' });
    const recorded = await recordProxy(open.db, staffId, input, DURING);
    expect(recorded).toMatchObject({ ok: true });
    expect(await recordProxy(open.db, staffId, input, DURING)).toMatchObject({ ok: false, error: 'err.proxyExists' });
    expect(await voterCode(proxy.id)).toEqual([`${ownerVoter}:proxy`]);
    expect(await castOnline(open.db, { ballotId, userId: proxy.id, choices: ALL }, DURING)).toMatchObject({ ok: true, voter: ownerVoter });
    const kept = await open.db
      .selectFrom('ballot_casts')
      .select(['cast_by', 'cast_right', 'mandate'])
      .where('cast_by', '=', proxy.id)
      .executeTakeFirstOrThrow();
    expect(kept).toEqual({ cast_by: proxy.id, cast_right: 'proxy', mandate: input.mandate });

    // a proxy who is also an owner chooses which household they vote for
    const both = await verifiedAccount(singles[3]!);
    const [ownVoter] = (await voterCode(both.id)).map((c) => c.split(':')[0]!);
    expect(await recordProxy(open.db, staffId, { ...input, proxyPhone: both.phone }, DURING)).toMatchObject({ ok: true });
    expect(await castOnline(open.db, { ballotId, userId: both.id, choices: ALL }, DURING)).toEqual({ ok: false, error: 'err.chooseVoter' });
    expect(await castOnline(open.db, { ballotId, userId: both.id, voterCode: ownVoter, choices: ALL }, DURING)).toMatchObject({ ok: true, voter: ownVoter });
    expect(await castOnline(open.db, { ballotId, userId: both.id, voterCode: ownerVoter, choices: ALL }, DURING)).toMatchObject({
      ok: true,
      voter: ownerVoter,
    });

    if (!recorded.ok) throw new Error('unreachable');
    expect(await revokeProxy(open.db, staffId, ballotId, recorded.proxyId, DURING)).toEqual({ ok: true });
    expect(await revokeProxy(open.db, staffId, ballotId, recorded.proxyId, DURING)).toEqual({ ok: false, error: 'err.notFound' });
    expect(await castOnline(open.db, { ballotId, userId: proxy.id, choices: ALL }, DURING)).toEqual({ ok: false, error: 'err.notAVoter' });

    // the signing owner sells the whole holding: the other mandate lapses
    sell(flatsOf(ownerKey(singles[2]!))[0]!, buyer(4));
    await reimport();
    expect(await voterCode(both.id)).toEqual([`${ownVoter}:owner`]);
    expect((await verifyAudit(open.db)).ok).toBe(true);
    const actions = await open.db.selectFrom('audit_log').select('action').where('action', 'like', 'ballot.proxy.%').execute();
    expect(actions.map((a) => a.action).sort()).toEqual(['ballot.proxy.record', 'ballot.proxy.record', 'ballot.proxy.revoke']);
  });

  it('keeps the vote of an owner added on a legal basis when the register is imported again', async () => {
    const heirOwner = await open.db.selectFrom('register_owners').select(['id', 'id_hash']).where('name', '=', '继承人').executeTakeFirstOrThrow();
    const heir = await verifiedAccount({ name: '继承人', idType: 'resident_id', idHash: heirOwner.id_hash, keyVersion: 1, last4: '002X' });
    const [before] = await voterCode(heir.id);
    expect(before).toMatch(/:owner$/);
    await reimport();
    expect(await voterCode(heir.id)).toEqual([before]);
    expect(await castOnline(open.db, { ballotId, userId: heir.id, choices: ALL }, DURING)).toMatchObject({ ok: true });
  });

  it('keeps a person’s place on the roll when an import leaves them out and a later one lists them again', async () => {
    const person = singles[7]!;
    const rowBefore = await ownerId(person);
    const first = await verifiedAccount(person);
    const [code] = await voterCode(first.id);
    const flat = flatsOf(ownerKey(person))[0]!;
    flats = flats.map((f) => (f === flat ? { ...f, owners: [] } : f));
    await reimport(); // a mistaken file: the owner is removed and their verification revoked
    expect(await voterCode(first.id)).toEqual([]);
    flats = flats.map((f) => (f.building === flat.building && f.entrance === flat.entrance && f.room === flat.room ? flat : f));
    await reimport(); // the corrected file
    expect(await ownerId(person)).toBe(rowBefore);
    const again = await verifiedAccount(person); // verified anew
    expect(await voterCode(again.id)).toEqual([code]);
  });

  it('never lets a buyer of a developer-held flat cast the developer’s ballot', async () => {
    const devFlat = flats.find((f) => f.developerHeld)!;
    flats = flats.map((f) => (f === devFlat ? { ...f, developerHeld: false, owners: [buyer(5)] } : f));
    await reimport();
    const newOwner = await verifiedAccount(buyer(5));
    expect(await voterCode(newOwner.id)).toEqual([]);
  });

  it('checks the session in the cast’s own call: valid, sliding, expired, unknown, disabled', async () => {
    const owner = await verifiedAccount(singles[4]!);
    const session = async (expiresInDays: number) => {
      const token = generateSessionToken();
      await open.db
        .insertInto('sessions')
        .values({ id: sessionIdOf(token), user_id: owner.id, expires_at: new Date(DURING.getTime() + expiresInDays * DAY) })
        .execute();
      return sessionIdOf(token);
    };
    const fresh = await session(29);
    expect(await castOnline(open.db, { ballotId, sessionId: fresh, choices: ALL }, DURING)).toMatchObject({ ok: true, sessionExpires: null });
    const old = await session(3);
    const slid = await castOnline(open.db, { ballotId, sessionId: old, choices: ALL }, DURING);
    expect(slid).toMatchObject({ ok: true, sessionExpires: new Date(DURING.getTime() + 30 * DAY) });
    const stored = await open.db.selectFrom('sessions').select('expires_at').where('id', '=', old).executeTakeFirstOrThrow();
    expect(stored.expires_at).toEqual(new Date(DURING.getTime() + 30 * DAY));
    const expired = await session(-1);
    expect(await castOnline(open.db, { ballotId, sessionId: expired, choices: ALL }, DURING)).toEqual({ ok: false, error: 'err.signInFirst' });
    expect(await open.db.selectFrom('sessions').select('id').where('id', '=', expired).execute()).toEqual([]);
    expect(await castOnline(open.db, { ballotId, sessionId: sessionIdOf(generateSessionToken()), choices: ALL }, DURING)).toEqual({
      ok: false,
      error: 'err.signInFirst',
    });
    await open.db.updateTable('users').set({ disabled_at: DURING }).where('id', '=', owner.id).execute();
    expect(await castOnline(open.db, { ballotId, sessionId: fresh, choices: ALL }, DURING)).toEqual({ ok: false, error: 'err.signInFirst' });
  });

  it('holds an owner whose status is held after an SMS reset', async () => {
    const owner = await verifiedAccount(singles[5]!);
    await open.db.updateTable('users').set({ owner_status_held_since: DURING }).where('id', '=', owner.id).execute();
    expect(await voterCode(owner.id)).toEqual([]);
    expect(await castOnline(open.db, { ballotId, userId: owner.id, choices: ALL }, DURING)).toEqual({ ok: false, error: 'err.notAVoter' });
  });
});
