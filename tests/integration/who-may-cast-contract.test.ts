import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { postNoticeAsStaff } from '../support/ballot-notice.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { readCsv } from '../../src/features/register/read-table.ts';
import { parseRegister } from '../../src/features/register/parse-rows.ts';
import { prepareRows } from '../../src/features/register/prepare.ts';
import { applyImport } from '../../src/features/register/import-service.ts';
import { residentIdCheckChar } from '../../src/features/register/id-numbers.ts';
import { claimFlat, decideVerification } from '../../src/features/register/verification-service.ts';
import { addOwnerOnBasis } from '../../src/features/register/owner-service.ts';
import * as ballots from '../../src/features/ballots/service.ts';
import { recordProxy, revokeProxy } from '../../src/features/ballots/proxies-service.ts';
import { whyNotVoter } from '../../src/features/ballots/web-queries.ts';
import { whoMayCast, whyNotCast, type CastFacts, type CastVoter, type NotVoterReason } from '../../src/features/ballots/core/who-may-cast.ts';

// "Who may cast" has two forms: gz_cast_voters (SQL, asked by the ballot page and the cast
// itself) and whoMayCast (TypeScript, core/who-may-cast.ts). Both run here on the same
// fixtures — owners verified, under review and pending, staff accounts, proxies valid,
// revoked and lapsed, a flat sold whole and one sold from a two-flat holding, a co-owner
// added during the vote, an owner verified while the vote is open, two estates with the
// same flat label — and must agree with each other and with the answers written by hand.
// A third form is the answer the cast reads (ballot_cast_rights, kept by triggers for open
// ballots, db/functions/gz_cast_rights.sql): after each change during the vote (a mandate
// recorded or revoked, an owner verified, flats sold, an heir added, an account held or
// disabled) it must equal gz_cast_voters for every account.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 9).toString('base64')}`);
const DAY = 86_400_000;
const T0 = new Date('2026-05-01T00:00:00Z');
const DURING = new Date(T0.getTime() + 16 * DAY);

/** A valid resident ID number, the n-th of this test. */
const idNo = (n: number) => {
  const first17 = `41041119700101${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17)!;
};
const HEADER = '楼栋,单元,楼层,房号,专有面积,业主姓名,身份证号,电话,开发商持有';
const row = (room: string, names: string, ids: number[], phone = '', developer = false) =>
  `1,1,${room[0]},${room},80.00,${names},${ids.map(idNo).join(';')},${phone},${developer ? '是' : '否'}`;

// The register of estate A before the vote, and after two flats changed hands during it.
const A_BEFORE = [
  row('101', '甲', [1], '13800000001'),
  row('102', '乙;丙', [2, 3]),
  row('201', '丁', [4]),
  row('202', '戊', [5]),
  row('301', '示例房地产开发有限公司', [], '', true),
  row('302', '己', [6]),
  row('401', '庚', [7]),
  row('402', '壬', [8]),
  row('501', '癸', [9]),
  row('502', '癸', [9]),
  row('601', '张子', [14]),
];
const A_AFTER = A_BEFORE.map((r) => (r.includes(',202,') ? row('202', '买受人', [11]) : r.includes(',501,') ? row('501', '买受人二', [12]) : r));
// Estate B: another estate with a flat labelled 1-1-101 too, owned by someone else.
const B = [row('101', '辛', [10])];

describe.each(BACKENDS)('who may cast: SQL and TypeScript agree on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let estateA: number;
  let estateB: number;
  let ballotA: number;
  let ballotB: number;
  let phones = 0;
  const users: Record<string, number> = {};

  const importRegister = async (estateId: number, lines: string[]) => {
    const flats = prepareRows(parseRegister(readCsv(Buffer.from([HEADER, ...lines].join('\n') + '\n'))).rows, KEY);
    const imp = await open.db
      .insertInto('register_imports')
      .values({ estate_id: estateId, user_id: staffId, file_name: 'r.csv', sha256: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await applyImport(open.db, { estateId, importId: imp.id, actorUserId: staffId, flats });
  };
  const account = async (name: string, opts: { phone?: string; role?: 'resident' | 'staff' } = {}) => {
    const phone = opts.phone ?? `1390000${String(phones++).padStart(4, '0')}`;
    const role = opts.role ?? 'resident';
    users[name] = (
      await open.db
        .insertInto('users')
        .values({
          phone,
          password_hash: 'x',
          display_name: name,
          phone_verified_at: new Date(),
          role,
          ...(role === 'staff' ? { subdistrict_id: (await open.db.selectFrom('subdistricts').select('id').executeTakeFirstOrThrow()).id } : {}),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    return users[name]!;
  };
  /** The person claims the flat as the owner named; with a proof when the register cannot settle it. */
  const claimAs = async (userId: number, estateId: number, room: string, name: string, id: number, withProof = true) =>
    claimFlat(
      open.db,
      KEY,
      userId,
      { estateId, building: '1', entrance: '1', room, name, idType: 'resident_id', idNumber: idNo(id) },
      withProof ? { storageKey: 'a'.repeat(64), mime: 'image/png' } : null,
    );
  /** Claimed, and approved by staff on the owner's certificate. */
  const verifiedAs = async (userId: number, estateId: number, room: string, name: string, id: number) => {
    const c = await claimAs(userId, estateId, room, name, id);
    if (!c.ok || c.status !== 'pending') throw new Error(`claim ${name}: ${JSON.stringify(c)}`);
    const d = await decideVerification(open.db, staffId, c.verificationId, 'approve', null, 'certificate');
    if (!d.ok) throw new Error(`approve ${name}: ${d.error}`);
    return c.verificationId;
  };
  const registerOwner = async (estateId: number, id: number) => {
    const hashes = prepareRows(parseRegister(readCsv(Buffer.from(`${HEADER}\n${row('999', 'x', [id])}\n`))).rows, KEY)[0]!.owners[0]!.idHash;
    return (
      await open.db
        .selectFrom('register_owners')
        .select('id')
        .where('estate_id', '=', estateId)
        .where('id_hash', '=', hashes)
        .where('removed_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).id;
  };
  const voterOf = async (ballotId: number, room: string) =>
    (
      await open.db
        .selectFrom('ballot_voter_units')
        .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_voter_units.voter_id')
        .select(['ballot_voters.id', 'ballot_voters.code'])
        .where('ballot_voters.ballot_id', '=', ballotId)
        .where('ballot_voter_units.room', '=', room)
        .executeTakeFirstOrThrow()
    ).id;
  const newBallot = async (subdistrictId: number, estateId: number, title: string) => {
    const created = await ballots.createBallot(open.db, staffId, {
      subdistrictId,
      projectId: null,
      title,
      explanation: '',
      convener: 'subdistrict',
      noticeDays: 15,
      opensAt: new Date(T0.getTime() + 15 * DAY),
      closesAt: new Date(T0.getTime() + 25 * DAY),
      scopes: [{ estateId, building: null, entrance: null }],
      matters: [{ title: '改造方案', item: 7 }],
    });
    if (!created.ok) throw new Error(created.error);
    await postNoticeAsStaff(open.db, staffId, created.ballotId, T0);
    return created.ballotId;
  };

  // The two forms. SQL: the function itself. TypeScript: the facts read plainly from the tables, then the pure rule.
  const sqlForm = async (ballotId: number, userId: number): Promise<CastVoter[]> => {
    const res = await sql<{ voter_id: number; cast_right: CastVoter['right']; mandate: string | null }>`
      select voter_id, cast_right, mandate from gz_cast_voters(${ballotId}::integer, ${userId}::integer) order by voter_id`.execute(open.db);
    return res.rows.map((r) => ({ voterId: r.voter_id, right: r.cast_right, mandate: r.mandate }));
  };
  const facts = async (ballotId: number): Promise<CastFacts> => {
    const [voters, units, owners, holdings, claims, proxies] = await Promise.all([
      open.db.selectFrom('ballot_voters').select(['id', 'developer']).where('ballot_id', '=', ballotId).execute(),
      open.db.selectFrom('ballot_voter_units').select(['voter_id', 'unit_id']).execute(),
      open.db.selectFrom('ballot_voter_owners').select(['voter_id', 'register_owner_id']).execute(),
      open.db.selectFrom('unit_owners').select(['unit_id', 'owner_id']).execute(),
      open.db.selectFrom('owner_verifications').select(['user_id', 'unit_id', 'register_owner_id', 'status']).execute(),
      open.db
        .selectFrom('ballot_proxies')
        .select(['voter_id', 'proxy_user_id', 'granted_by_owner_id', 'mandate', 'revoked_at'])
        .where('ballot_id', '=', ballotId)
        .execute(),
    ]);
    return {
      voters: voters.map((v) => ({
        id: v.id,
        developer: v.developer,
        unitIds: units.filter((u) => u.voter_id === v.id).map((u) => u.unit_id),
        ownerIds: owners.filter((o) => o.voter_id === v.id).map((o) => o.register_owner_id),
      })),
      holdings: holdings.map((h) => ({ unitId: h.unit_id, ownerId: h.owner_id })),
      claims: claims.map((c) => ({ userId: c.user_id, unitId: c.unit_id, registerOwnerId: c.register_owner_id, status: c.status })),
      proxies: proxies.map((p) => ({
        voterId: p.voter_id,
        proxyUserId: p.proxy_user_id,
        grantedByOwnerId: p.granted_by_owner_id,
        mandate: p.mandate,
        revoked: p.revoked_at !== null,
      })),
    };
  };
  const actorOf = async (userId: number) => {
    const u = await open.db.selectFrom('users').select(['owner_status_held_since', 'disabled_at']).where('id', '=', userId).executeTakeFirstOrThrow();
    return { id: userId, ownerStatusHeld: u.owner_status_held_since !== null, disabled: u.disabled_at !== null };
  };
  // The answer kept ready for the cast (ballot_cast_rights, refreshed by triggers): always the function's.
  const tableForm = async (ballotId: number, userId: number): Promise<CastVoter[]> => {
    const res = await sql<{ voter_id: number; cast_right: CastVoter['right']; mandate: string | null }>`
      select voter_id, cast_right, mandate from ballot_cast_rights where ballot_id = ${ballotId} and user_id = ${userId} order by voter_id`.execute(open.db);
    return res.rows.map((r) => ({ voterId: r.voter_id, right: r.cast_right, mandate: r.mandate }));
  };
  // gz_cast_voters_all: the same rule asked for every account of a ballot at once, read for one account
  const allForm = async (ballotId: number, userId: number): Promise<CastVoter[]> => {
    const res = await sql<{ voter_id: number; cast_right: CastVoter['right']; mandate: string | null }>`
      select voter_id, cast_right, mandate from gz_cast_voters_all(${ballotId}::integer) where user_id = ${userId} order by voter_id`.execute(open.db);
    return res.rows.map((r) => ({ voterId: r.voter_id, right: r.cast_right, mandate: r.mandate }));
  };
  /** After a change: the kept answer equals the function's for every account on both ballots (and someone may cast, so the table is not trivially empty). */
  const keptAnswersHold = async (event: string) => {
    let rows = 0;
    for (const [who, id] of Object.entries(users)) {
      for (const b of [ballotA, ballotB]) {
        const kept = await tableForm(b, id);
        rows += kept.length;
        expect(kept, `${event}: ${who}'s right kept for the cast`).toEqual(await sqlForm(b, id));
        // the rule for every account at once (what fills the table as a ballot opens) gives the same answer
        expect(await allForm(b, id), `${event}: ${who}'s right from gz_cast_voters_all`).toEqual(await sqlForm(b, id));
      }
    }
    expect(rows, event).toBeGreaterThan(0);
  };
  const tsForm = async (ballotId: number, userId: number) => whoMayCast(await facts(ballotId), await actorOf(userId));
  const tsWhy = async (ballotId: number, userId: number) => whyNotCast(await facts(ballotId), await actorOf(userId));

  /** Both forms for one person on one ballot: equal to each other, and to what is expected (room → right, or the reason for none). */
  async function expectBoth(ballotId: number, who: string, expected: [room: string, right: CastVoter['right'], mandate?: string][] | NotVoterReason) {
    const userId = users[who]!;
    const [fromSql, fromTs] = [await sqlForm(ballotId, userId), await tsForm(ballotId, userId)];
    expect(fromTs, `${who}: TypeScript and SQL forms`).toEqual(fromSql);
    expect(await tableForm(ballotId, userId), `${who}: the right kept for the cast (ballot_cast_rights)`).toEqual(fromSql);
    if (typeof expected === 'string') {
      expect(fromSql, `${who}: may cast for nobody`).toEqual([]);
      expect(await tsWhy(ballotId, userId), `${who}: why not`).toBe(expected);
      expect((await whyNotVoter(open.db, ballotId, userId)).reason, `${who}: why not, as the ballot page says`).toBe(expected);
    } else {
      const want = await Promise.all(
        expected.map(async ([room, right, mandate]) => ({ voterId: await voterOf(ballotId, room), right, mandate: mandate ?? null })),
      );
      expect(fromSql, who).toEqual(want.sort((a, b) => a.voterId - b.voterId));
    }
  }

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const h = await hebinEstate(open.db);
    staffId = h.staffId;
    estateA = h.estateId;
    estateB = (
      await open.db
        .insertInto('estates')
        .values({
          community_id: h.communityId,
          name: '幸福小区',
          address: 'b',
          build_year: 1992,
          building_count: 1,
          household_count: 1,
          floor_area_cm2: 1,
          lat: 33.7,
          lng: 113.3,
          eligibility: '{}',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    users.staff = staffId;
    await importRegister(estateA, A_BEFORE);
    await importRegister(estateB, B);

    // before the vote: owners verified (by their mobile on the register, or by staff on a certificate), one under review, one pending
    await account('甲', { phone: '13800000001' });
    expect(await claimAs(users['甲']!, estateA, '101', '甲', 1, false)).toMatchObject({ ok: true, status: 'verified' });
    await verifiedAs(await account('乙'), estateA, '102', '乙', 2);
    await verifiedAs(await account('丙（街道工作人员）', { role: 'staff' }), estateA, '102', '丙', 3);
    await verifiedAs(await account('丁'), estateA, '201', '丁', 4);
    await verifiedAs(await account('戊'), estateA, '202', '戊', 5);
    const pending = await claimAs(await account('己'), estateA, '302', '己', 6);
    expect(pending).toMatchObject({ ok: true, status: 'pending' });
    const review = await claimAs(await account('庚'), estateA, '401', '庚', 7);
    if (!review.ok) throw new Error(review.error);
    // an automatic verification made on name and ID alone, waiting for staff review (migration 0014 put such claims there)
    await open.db.updateTable('owner_verifications').set({ status: 'review' }).where('id', '=', review.verificationId).execute();
    await verifiedAs(await account('癸'), estateA, '501', '癸', 9);
    // a name typed otherwise than on the register: no match, the claim waits for staff with a proof
    expect(await claimAs(await account('张子'), estateA, '601', '张小子', 14)).toMatchObject({ ok: true, status: 'pending' });
    await verifiedAs(await account('辛'), estateB, '101', '辛', 10);
    for (const name of ['代理人', '被撤销的代理人', '失效的代理人', '买受人', '买受人二', '继承人']) await account(name);
    await account('另一位工作人员', { role: 'staff' });

    ballotA = await newBallot(h.subId, estateA, '建设小区改造方案表决');
    ballotB = await newBallot(h.subId, estateB, '幸福小区改造方案表决');
    for (const b of [ballotA, ballotB]) expect(await ballots.openBallot(open.db, staffId, b, new Date(T0.getTime() + 15 * DAY))).toMatchObject({ ok: true });

    // during the vote
    const voterCode = async (room: string) =>
      (
        await open.db
          .selectFrom('ballot_voters')
          .select('code')
          .where('id', '=', await voterOf(ballotA, room))
          .executeTakeFirstOrThrow()
      ).code;
    const phoneOf = async (name: string) => (await open.db.selectFrom('users').select('phone').where('id', '=', users[name]!).executeTakeFirstOrThrow()).phone;
    const proxy = async (room: string, grantorId: number, to: string, mandate: string) => {
      const r = await recordProxy(
        open.db,
        staffId,
        {
          ballotId: ballotA,
          voterCode: await voterCode(room),
          proxyPhone: await phoneOf(to),
          grantedByOwnerId: grantorId,
          mandate,
          scanStorageKey: 'b'.repeat(64),
        },
        DURING,
      );
      if (!r.ok) throw new Error(`proxy ${room}: ${r.error}`);
      return r;
    };
    await keptAnswersHold('the ballots opened');
    await proxy('101', await registerOwner(estateA, 1), '代理人', '甲的授权委托书');
    await keptAnswersHold('a mandate recorded');
    const revoked = await proxy('401', await registerOwner(estateA, 7), '被撤销的代理人', '庚的授权委托书');
    const proxyId = (await open.db.selectFrom('ballot_proxies').select('id').where('proxy_user_id', '=', users['被撤销的代理人']!).executeTakeFirstOrThrow())
      .id;
    expect(revoked).toMatchObject({ ok: true });
    expect(await revokeProxy(open.db, staffId, ballotA, proxyId, DURING)).toMatchObject({ ok: true });
    await keptAnswersHold('a mandate revoked');
    await proxy('202', await registerOwner(estateA, 5), '失效的代理人', '戊的授权委托书');
    // 丁 reset their password: owner status held until staff confirm
    await open.db.updateTable('users').set({ owner_status_held_since: DURING }).where('id', '=', users['丁']!).execute();
    await keptAnswersHold('an owner status held');
  });
  afterAll(() => open.close());

  it('before the sales, the heir and the approval: each person as written by hand', async () => {
    await expectBoth(ballotA, '甲', [['101', 'owner']]);
    await expectBoth(ballotA, '代理人', [['101', 'proxy', '甲的授权委托书']]);
    await expectBoth(ballotA, '乙', [['102', 'owner']]);
    await expectBoth(ballotA, '丙（街道工作人员）', [['102', 'owner']]);
    await expectBoth(ballotA, '丁', 'held');
    await expectBoth(ballotA, '戊', [['202', 'owner']]);
    await expectBoth(ballotA, '失效的代理人', [['202', 'proxy', '戊的授权委托书']]);
    await expectBoth(ballotA, '己', 'pending');
    await expectBoth(ballotA, '张子', 'pending');
    await expectBoth(ballotA, '庚', 'review');
    await expectBoth(ballotA, '被撤销的代理人', 'unverified');
    await expectBoth(ballotA, '癸', [['501', 'owner']]);
    await expectBoth(ballotA, 'staff', 'unverified');
    await expectBoth(ballotA, '另一位工作人员', 'unverified');
    // same flat label, other estate: a vote of one estate only
    await expectBoth(ballotA, '辛', 'notOnRoll');
    await expectBoth(ballotB, '辛', [['101', 'owner']]);
    await expectBoth(ballotB, '甲', 'notOnRoll');
    await expectBoth(ballotB, '代理人', 'unverified');
  });

  it('after: an owner verified while the vote is open votes; a whole holding sold passes the vote; a part sold does not; a mandate lapses; a co-owner added votes', async () => {
    // 己's claim, pending when the roll was frozen, is approved during the vote
    // (and 张子's, whose typed name matched no owner: staff find the owner of record by the ID number)
    for (const who of ['己', '张子']) {
      const c = await open.db.selectFrom('owner_verifications').select('id').where('user_id', '=', users[who]!).executeTakeFirstOrThrow();
      expect(await decideVerification(open.db, staffId, c.id, 'approve', null, 'certificate')).toMatchObject({ ok: true });
      await keptAnswersHold(`${who} verified during the vote`);
    }
    // 202 sold whole (戊 → 买受人), 501 sold out of 癸's two flats (→ 买受人二)
    await importRegister(estateA, A_AFTER);
    await keptAnswersHold('202 and 501 sold during the vote');
    await verifiedAs(users['买受人']!, estateA, '202', '买受人', 11);
    await keptAnswersHold('the buyer of 202 verified');
    await verifiedAs(users['买受人二']!, estateA, '501', '买受人二', 12);
    await keptAnswersHold('the buyer of 501 verified');
    // an heir of 壬 added by staff to 402 with their mobile; their claim then matches at once
    const heirPhone = (await open.db.selectFrom('users').select('phone').where('id', '=', users['继承人']!).executeTakeFirstOrThrow()).phone;
    expect(
      await addOwnerOnBasis(
        open.db,
        KEY,
        staffId,
        {
          estateId: estateA,
          building: '1',
          entrance: '1',
          room: '402',
          name: '继承人',
          idType: 'resident_id',
          idNumber: idNo(13),
          basis: 'inheritance',
          phone: heirPhone,
        },
        'c'.repeat(64),
      ),
    ).toMatchObject({ ok: true });
    await keptAnswersHold('an heir added to 402');
    expect(await claimAs(users['继承人']!, estateA, '402', '继承人', 13, false)).toMatchObject({ ok: true, status: 'verified' });
    await keptAnswersHold('the heir verified');

    await expectBoth(ballotA, '己', [['302', 'owner']]);
    await expectBoth(ballotA, '张子', [['601', 'owner']]);
    await expectBoth(ballotA, '买受人', [['202', 'new_owner']]);
    await expectBoth(ballotA, '戊', 'unverified'); // off the register: the claim is revoked
    await expectBoth(ballotA, '失效的代理人', 'unverified');
    await expectBoth(ballotA, '癸', [['502', 'owner']]);
    await expectBoth(ballotA, '买受人二', 'sellerHolds');
    await expectBoth(ballotA, '继承人', [['402', 'owner']]);
    // unchanged
    await expectBoth(ballotA, '甲', [['101', 'owner']]);
    await expectBoth(ballotA, '代理人', [['101', 'proxy', '甲的授权委托书']]);
    await expectBoth(ballotA, '丁', 'held');
    await expectBoth(ballotA, '辛', 'notOnRoll');
    await expectBoth(ballotB, '辛', [['101', 'owner']]);
  });

  it('never a developer-held voter, never a disabled account', async () => {
    const facts0 = await facts(ballotA);
    const developer = facts0.voters.filter((v) => v.developer);
    expect(developer).toHaveLength(1);
    await open.db.updateTable('users').set({ disabled_at: DURING }).where('id', '=', users['甲']!).execute();
    expect(await sqlForm(ballotA, users['甲']!)).toEqual([]);
    expect(await tsForm(ballotA, users['甲']!)).toEqual([]);
    expect(await tableForm(ballotA, users['甲']!)).toEqual([]);
    await open.db.updateTable('users').set({ disabled_at: null }).where('id', '=', users['甲']!).execute();
    await keptAnswersHold('an account disabled and enabled again');
    // every account against every voter: the two forms agree for all
    for (const [who, id] of Object.entries(users)) {
      for (const b of [ballotA, ballotB]) expect(await tsForm(b, id), who).toEqual(await sqlForm(b, id));
    }
  });

  it('a closed ballot keeps no answer for the cast, and the cast refuses it as closed', async () => {
    const 辛 = users['辛']!;
    expect(await tableForm(ballotB, 辛)).toHaveLength(1);
    expect(await ballots.closeBallot(open.db, staffId, ballotB, new Date(T0.getTime() + 25 * DAY))).toMatchObject({ ok: true });
    expect(await tableForm(ballotB, 辛)).toEqual([]);
    expect(await tableForm(ballotA, users['甲']!)).toHaveLength(1); // the other vote is still open
    const cast = await sql<{ status: string }>`select status from gz_cast(${ballotB}::integer, null::text, ${辛}::integer, null::text,
      '{"m1":"agree"}'::jsonb, array[1]::integer[], array['agree']::text[], ${new Date(T0.getTime() + 26 * DAY)}::timestamptz, 30, 60)`.execute(open.db);
    expect(cast.rows[0]!.status).toBe('not_open');
  });
});
