import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { postNoticeAsStaff } from '../support/ballot-notice.ts';
import { fixture } from '../support/fixtures.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { readCsv } from '../../src/features/register/read-table.ts';
import { parseRegister } from '../../src/features/register/parse-rows.ts';
import { prepareRows } from '../../src/features/register/prepare.ts';
import { applyImport } from '../../src/features/register/import-service.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import * as ballots from '../../src/features/ballots/service.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';
import { recordProxy } from '../../src/features/ballots/proxies-service.ts';
import { QUIET_MINUTES, SETTLE_MS, sweepCastNotices } from '../../src/features/ballots/cast-notices.ts';
import { outboxSender } from '../../src/features/accounts/sms.ts';

// The other owners of a household are told when a ballot is cast for it: by text, from a
// sweep beside the server, once per household and sweep, never to the person who cast it.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 9).toString('base64')}`);
const DAY = 86_400_000;
const T0 = new Date('2026-06-01T00:00:00Z');
const DURING = new Date(T0.getTime() + 16 * DAY);
const later = (ms: number) => new Date(DURING.getTime() + ms);

describe.each(BACKENDS)('telling co-owners about a cast on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let ballotId: number;
  // the real outbox, written in the sweep's transaction (on PGlite a write through the outer
  // handle would wait for that transaction forever: the server hung this way once)
  const via = (trx: Parameters<typeof outboxSender>[0]) => outboxSender(trx, () => {});
  let seen = 0;
  const sent: { phone: string; body: string }[] = [];
  async function outbox() {
    const rows = await open.db.selectFrom('sms_outbox').select(['id', 'phone', 'body']).where('id', '>', seen).orderBy('id').execute();
    for (const r of rows) sent.push({ phone: r.phone, body: r.body });
    seen = rows.at(-1)?.id ?? seen;
    return sent;
  }
  let coOwners: { id: number; phone: string }[] = [];
  let single: { id: number; phone: string; voter: string };

  async function account(phone: string, unitId: number, ownerId: number) {
    const u = await open.db.insertInto('users').values({ phone, password_hash: 'x', display_name: phone }).returning(['id', 'phone']).executeTakeFirstOrThrow();
    await open.db
      .insertInto('owner_verifications')
      .values({ user_id: u.id, unit_id: unitId, register_owner_id: ownerId, status: 'verified', method: 'auto', claimed_name: 'x' })
      .execute();
    return u;
  }

  beforeAll(async () => {
    open = await freshDatabase(kind);
    let subId: number, estateId: number;
    ({ subId, estateId, staffId } = await hebinEstate(open.db));
    const imp = await open.db
      .insertInto('register_imports')
      .values({ estate_id: estateId, user_id: staffId, file_name: 'f', sha256: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await applyImport(open.db, {
      estateId,
      importId: imp.id,
      actorUserId: staffId,
      flats: prepareRows(parseRegister(readCsv(fs.readFileSync(fixture('register-sample.csv')))).rows, KEY),
    });
    const links = await open.db.selectFrom('unit_owners').select(['unit_id', 'owner_id']).orderBy('unit_id').orderBy('owner_id').execute();
    const byUnit = new Map<number, number[]>();
    for (const l of links) byUnit.set(l.unit_id, [...(byUnit.get(l.unit_id) ?? []), l.owner_id]);
    const ownersOf = (o: number) => links.filter((l) => l.owner_id === o).length;
    const [sharedUnit, sharedOwners] = [...byUnit.entries()].find(([, os]) => os.length === 2 && os.every((o) => ownersOf(o) === 1))!;
    const [soleUnit, [soleOwner]] = [...byUnit.entries()].find(([, os]) => os.length === 1 && ownersOf(os[0]!) === 1)!;
    coOwners = [await account('13720000001', sharedUnit, sharedOwners[0]!), await account('13720000002', sharedUnit, sharedOwners[1]!)];
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
      matters: [{ title: '改造方案', item: 7 }],
    });
    if (!created.ok) throw new Error(created.error);
    ballotId = created.ballotId;
    await postNoticeAsStaff(open.db, staffId, ballotId, T0);
    await ballots.openBallot(open.db, staffId, ballotId, new Date(T0.getTime() + 15 * DAY));
    const s = await account('13720000003', soleUnit, soleOwner!);
    single = { ...s, voter: (await ballots.votersFor(open.db, ballotId, s.id))[0]!.code };
  });
  afterAll(() => open.close());

  it('texts the other co-owner once the cast has settled, once per household, and never twice', async () => {
    for (const choice of ['agree', 'oppose', 'abstain'] as const) {
      expect(await castOnline(open.db, { ballotId, userId: coOwners[0]!.id, choices: { m1: choice } }, DURING)).toMatchObject({ ok: true });
    }
    expect(await sweepCastNotices(open.db, via, later(SETTLE_MS - 1_000))).toEqual({ casts: 0, texts: 0 });
    expect(await sweepCastNotices(open.db, via, later(SETTLE_MS + 1_000))).toEqual({ casts: 3, texts: 1 });
    await outbox();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.phone).toBe(coOwners[1]!.phone);
    expect(sent[0]!.body).toContain('改造方案表决');
    expect(sent[0]!.body).toContain('另一位业主');
    const receipt = await open.db
      .selectFrom('ballot_voters')
      .innerJoin('ballot_choices', 'ballot_choices.voter_id', 'ballot_voters.id')
      .select('receipt')
      .executeTakeFirstOrThrow();
    expect(sent[0]!.body).toContain(receipt.receipt);
    expect(await sweepCastNotices(open.db, via, later(SETTLE_MS + 60_000))).toEqual({ casts: 0, texts: 0 });
  });

  it('tells the owner about a ballot their proxy or the office cast, and concurrent sweeps text once', async () => {
    sent.length = 0;
    const proxy = await open.db
      .insertInto('users')
      .values({ phone: '13720000009', password_hash: 'x', display_name: 'p' })
      .returning(['id', 'phone'])
      .executeTakeFirstOrThrow();
    const grantor = await open.db
      .selectFrom('ballot_voter_owners')
      .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_voter_owners.voter_id')
      .where('ballot_voters.code', '=', single.voter)
      .where('ballot_voters.ballot_id', '=', ballotId)
      .select('register_owner_id')
      .executeTakeFirstOrThrow();
    await recordProxy(
      open.db,
      staffId,
      {
        ballotId,
        voterCode: single.voter,
        proxyPhone: proxy.phone,
        grantedByOwnerId: grantor.register_owner_id,
        mandate: '委托书',
        scanStorageKey: 'b'.repeat(64),
      },
      DURING,
    );
    expect(await castOnline(open.db, { ballotId, userId: proxy.id, choices: { m1: 'agree' } }, later(1_000))).toMatchObject({ ok: true });
    const [a, b] = await Promise.all([sweepCastNotices(open.db, via, later(SETTLE_MS + 2_000)), sweepCastNotices(open.db, via, later(SETTLE_MS + 2_000))]);
    expect(a.texts + b.texts).toBe(1);
    expect(await outbox()).toEqual([{ phone: single.phone, body: expect.stringContaining('受托人') }]);

    const voter = await open.db
      .selectFrom('ballot_voters')
      .select('id')
      .where('ballot_id', '=', ballotId)
      .where('code', '=', single.voter)
      .executeTakeFirstOrThrow();
    // a paper ballot entered a minute later: the household was texted less than QUIET_MINUTES ago
    await ballots.recordCast(
      open.db,
      {
        ballotId,
        voterId: voter.id,
        castBy: staffId,
        channel: 'paper',
        choices: { m1: 'oppose' },
        mandate: '纸质票',
        scanStorageKey: 'c'.repeat(64),
        overrideReason: '业主到办公室改投纸质票',
      },
      later(60_000),
    );
    expect(await sweepCastNotices(open.db, via, later(SETTLE_MS + 61_000))).toEqual({ casts: 1, texts: 0 });
    await ballots.recordCast(
      open.db,
      { ballotId, voterId: voter.id, castBy: staffId, channel: 'paper', choices: { m1: 'agree' }, mandate: '纸质票', scanStorageKey: 'c'.repeat(64) },
      later(QUIET_MINUTES * 60_000 + 60_000),
    );
    expect(await sweepCastNotices(open.db, via, later(QUIET_MINUTES * 60_000 + SETTLE_MS + 61_000))).toEqual({ casts: 1, texts: 1 });
    expect((await outbox()).at(-1)).toEqual({ phone: single.phone, body: expect.stringContaining('工作人员录入') });
  });

  it('does not text an account whose owner status is held', async () => {
    await open.db.updateTable('users').set({ owner_status_held_since: DURING }).where('id', '=', coOwners[1]!.id).execute();
    const before = (await outbox()).length;
    expect(await castOnline(open.db, { ballotId, userId: coOwners[0]!.id, choices: { m1: 'agree' } }, later(2 * 3_600_000))).toMatchObject({ ok: true });
    expect(await sweepCastNotices(open.db, via, later(2 * 3_600_000 + SETTLE_MS + 1_000))).toEqual({ casts: 1, texts: 0 });
    expect(await outbox()).toHaveLength(before);
    await open.db.updateTable('users').set({ owner_status_held_since: null }).where('id', '=', coOwners[1]!.id).execute();
  });

  it('limits casts per person and household: one co-owner’s 30 casts a minute do not lock the other out, and none exceeds 30 even at once', async () => {
    const t = later(3 * 3_600_000);
    const results = await Promise.all(
      Array.from({ length: 45 }, (_, i) => castOnline(open.db, { ballotId, userId: coOwners[0]!.id, choices: { m1: i % 2 ? 'agree' : 'oppose' } }, t)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(30);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error === 'err.rateLimited')).toBe(true);
    expect(await castOnline(open.db, { ballotId, userId: coOwners[1]!.id, choices: { m1: 'abstain' } }, t)).toMatchObject({ ok: true });
    expect(await castOnline(open.db, { ballotId, userId: coOwners[0]!.id, choices: { m1: 'agree' } }, later(3 * 3_600_000 + 61_000))).toMatchObject({
      ok: true,
    });
  });
});
