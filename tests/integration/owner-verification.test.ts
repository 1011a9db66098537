import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { fixture } from '../support/fixtures.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { readCsv } from '../../src/features/register/read-table.ts';
import { parseRegister } from '../../src/features/register/parse-rows.ts';
import { prepareRows } from '../../src/features/register/prepare.ts';
import { applyImport } from '../../src/features/register/import-service.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { residentIdCheckChar } from '../../src/features/register/id-numbers.ts';
import { claimFlat, decideVerification, CLAIM_LIMITS } from '../../src/features/register/verification-service.ts';
import { addOwnerOnBasis } from '../../src/features/register/owner-service.ts';

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 3).toString('base64')}`);
const table = readCsv(fs.readFileSync(fixture('register-sample.csv')));
// line 2 of the fixture: building 1, entrance 1, room 101, 高涛
const [b, e, , room, , name, idNumber, phone] = table[1]!;

describe.each(BACKENDS)('owner verification on %s', (kind) => {
  let open: OpenDatabase;
  let estateId: number;
  let staffId: number;
  const user = async (phone: string, confirmed = true) =>
    (
      await open.db
        .insertInto('users')
        .values({ phone, password_hash: 'x', display_name: phone, phone_verified_at: confirmed ? new Date() : null })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const claim = (userId: number, over: Partial<Parameters<typeof claimFlat>[3]> = {}, proof: { storageKey: string; mime: string } | null = null) =>
    claimFlat(
      open.db,
      KEY,
      userId,
      { estateId, building: b!, entrance: e!, room: room!, name: name!, idType: 'resident_id', idNumber: idNumber!, ...over },
      proof,
    );

  beforeAll(async () => {
    open = await freshDatabase(kind);
    ({ estateId, staffId } = await hebinEstate(open.db));
    const imp = await open.db
      .insertInto('register_imports')
      .values({ estate_id: estateId, user_id: staffId, file_name: 'f.csv', sha256: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await applyImport(open.db, { estateId, importId: imp.id, actorUserId: staffId, flats: prepareRows(parseRegister(table).rows, KEY) });
  });
  afterAll(() => open.close());

  it("does not verify on a name and an ID number alone: the account's confirmed mobile must be the register's phone for that owner", async () => {
    // the right name and ID number, from another mobile: staff must see proof
    const stranger = await user('13600000009', true);
    expect(await claim(stranger)).toMatchObject({ ok: false, error: 'err.needProof' });
    const held = await claim(stranger, {}, { storageKey: 'd'.repeat(64), mime: 'image/png' });
    expect(held).toMatchObject({ ok: true, status: 'pending' });
    // the register's phone, but never confirmed by a code: not proof either
    const unconfirmed = await user(phone!, false);
    expect(await claim(unconfirmed)).toMatchObject({ ok: false, error: 'err.needProof' });
    await open.db.deleteFrom('users').where('id', '=', unconfirmed).execute();
    // a staff account (its mobile marked confirmed by whoever created it, never by a code) holding the register's phone: proof too
    const office = await open.db.selectFrom('users').select('subdistrict_id').where('id', '=', staffId).executeTakeFirstOrThrow();
    const staff = (
      await open.db
        .insertInto('users')
        .values({
          phone: phone!,
          password_hash: 'x',
          display_name: '街道',
          role: 'staff',
          subdistrict_id: office.subdistrict_id,
          phone_verified_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    expect(await claim(staff, {}, { storageKey: 'e'.repeat(64), mime: 'image/png' })).toMatchObject({ ok: true, status: 'pending' });
    await open.db.deleteFrom('owner_verifications').where('user_id', '=', staff).execute();
    await sql`update rate_limits set hits = hits - 1 where bucket = ${CLAIM_LIMITS.perFlat.bucket}`.execute(open.db); // the later tests count their own claims
    await open.db.deleteFrom('users').where('id', '=', staff).execute();
  });

  it('verifies at once when name, ID number and the confirmed mobile match an owner of that flat', async () => {
    const u = await user(phone!, true);
    expect(await claim(u)).toMatchObject({ ok: true, status: 'verified' });
    expect(await claim(u)).toMatchObject({ ok: false, error: 'err.alreadyClaimed' });
  });

  it('matches each co-owner to their own phone in a ";"-separated list', async () => {
    // line 4 of the fixture: 1-1-201, 杨明;林芳 with no phone; the office corrects the register
    const [, , , , , names, ids] = table[3]!;
    const [yang, lin] = names!.split(';');
    const [yangId, linId] = ids!.split(';');
    const corrected = table.map((r, i) => (i === 3 ? r.map((c, j) => (j === 7 ? '13600000021;13600000022' : c)) : r));
    const imp = await open.db
      .insertInto('register_imports')
      .values({ estate_id: estateId, user_id: staffId, file_name: 'g.csv', sha256: 'y' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await applyImport(open.db, { estateId, importId: imp.id, actorUserId: staffId, flats: prepareRows(parseRegister(corrected).rows, KEY) });
    const linsPhone = await user('13600000022', true);
    expect(await claim(linsPhone, { room: '201', name: yang!, idNumber: yangId! })).toMatchObject({ ok: false, error: 'err.needProof' });
    expect(await claim(linsPhone, { room: '201', name: lin!, idNumber: linId! })).toMatchObject({ ok: true, status: 'verified' });
  });

  it('maps one register owner to at most one verified account', async () => {
    const u = await user('13600000002');
    expect(await claim(u)).toMatchObject({ ok: false, error: 'err.needProof' });
    const pending = await claim(u, {}, { storageKey: 'a'.repeat(64), mime: 'image/png' });
    expect(pending).toMatchObject({ ok: true, status: 'pending' });
    if (!pending.ok) return;
    expect(await decideVerification(open.db, staffId, pending.verificationId, 'approve', null, 'proof')).toEqual({ ok: false, error: 'err.ownerTaken' });
    await expect(open.db.updateTable('owner_verifications').set({ status: 'verified' }).where('id', '=', pending.verificationId).execute()).rejects.toThrow();
    expect(await decideVerification(open.db, staffId, pending.verificationId, 'reject', '')).toMatchObject({ ok: false, error: 'err.reasonRequired' });
    expect(await decideVerification(open.db, staffId, pending.verificationId, 'reject', '已由本人认证')).toEqual({ ok: true });
    expect(await decideVerification(open.db, staffId, pending.verificationId, 'approve', null)).toMatchObject({ ok: false, error: 'err.notPending' });
  });

  it('does not match a wrong name, a wrong ID or another flat, and refuses a malformed ID', async () => {
    const u = await user('13600000003');
    expect(await claim(u, { name: '高滔' })).toMatchObject({ ok: false, error: 'err.needProof' });
    const other = '41041119800101123';
    expect(await claim(u, { idNumber: other + residentIdCheckChar(other) })).toMatchObject({ ok: false, error: 'err.needProof' });
    expect(await claim(u, { room: '102' })).toMatchObject({ ok: false, error: 'err.needProof' });
    expect(await claim(u, { idNumber: '410411197006145560' })).toMatchObject({ ok: false, error: 'err.idNumber' });
    expect(await claim(u, { room: '999' })).toMatchObject({ ok: false, error: 'err.noSuchFlat' });
  });

  it('limits guessing per account and per flat', async () => {
    const u = await user('13600000004');
    const results = [];
    for (let i = 0; i < CLAIM_LIMITS.perAccount.max + 1; i++) results.push(await claim(u, { room: '201', name: `猜${i}` }));
    expect(results.at(-1)).toMatchObject({ ok: false, error: 'err.rateLimited' });
    expect(results.slice(0, -1).every((r) => !r.ok && r.error === 'err.needProof')).toBe(true);
  });

  it('adds someone not on the register on a legal basis when staff approve with one', async () => {
    const u = await user('13600000005');
    const heir = await claim(u, { room: '102', name: '黄小强', idNumber: '11010519491231002X' }, { storageKey: 'b'.repeat(64), mime: 'application/pdf' });
    if (!heir.ok) throw new Error(heir.error);
    expect(await decideVerification(open.db, staffId, heir.verificationId, 'approve', null)).toMatchObject({ ok: false, error: 'err.groundRequired' });
    expect(await decideVerification(open.db, staffId, heir.verificationId, 'approve', null, 'proof')).toMatchObject({ ok: false, error: 'err.basisRequired' });
    expect(await decideVerification(open.db, staffId, heir.verificationId, 'approve', null, 'inheritance')).toEqual({ ok: true });
    const owner = await open.db
      .selectFrom('owner_verifications')
      .innerJoin('register_owners', 'register_owners.id', 'owner_verifications.register_owner_id')
      .where('owner_verifications.id', '=', heir.verificationId)
      .select(['register_owners.legal_basis', 'register_owners.proof_storage_key', 'register_owners.id_last4', 'owner_verifications.status'])
      .executeTakeFirstOrThrow();
    expect(owner).toEqual({ legal_basis: 'inheritance', proof_storage_key: 'b'.repeat(64), id_last4: '002X', status: 'verified' });
    const audit = await open.db.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'verification.approve').execute();
    expect(audit.at(-1)!.detail).toMatchObject({ legalBasis: 'inheritance', ground: 'inheritance' });
  });

  it('lets staff add an heir with a proof and their mobile, whose claim then matches at once', async () => {
    const body = '41041119900202123';
    const heirId = body + residentIdCheckChar(body);
    const added = await addOwnerOnBasis(
      open.db,
      KEY,
      staffId,
      {
        estateId,
        building: b!,
        entrance: e!,
        room: '202',
        name: '赵小敏',
        idType: 'resident_id',
        idNumber: heirId,
        basis: 'inheritance',
        phone: '13600000006',
      },
      'c'.repeat(64),
    );
    expect(added).toEqual({ ok: true });
    const owner = await open.db
      .selectFrom('register_owners')
      .select(['legal_basis', 'proof_storage_key'])
      .where('name', '=', '赵小敏')
      .executeTakeFirstOrThrow();
    expect(owner).toEqual({ legal_basis: 'inheritance', proof_storage_key: 'c'.repeat(64) });
    const other = await user('13600000007');
    expect(await claim(other, { room: '202', name: '赵小敏', idNumber: heirId })).toMatchObject({ ok: false, error: 'err.needProof' });
    const heir = await user('13600000006');
    expect(await claim(heir, { room: '202', name: '赵小敏', idNumber: heirId })).toMatchObject({ ok: true, status: 'verified' });
    // the same owner added again: another mobile is refused (not silently dropped); the one held stays
    expect(
      await addOwnerOnBasis(
        open.db,
        KEY,
        staffId,
        {
          estateId,
          building: b!,
          entrance: e!,
          room: '202',
          name: '赵小敏',
          idType: 'resident_id',
          idNumber: heirId,
          basis: 'inheritance',
          phone: '13600000008',
        },
        'c'.repeat(64),
      ),
    ).toEqual({ ok: false, error: 'err.ownerHasOtherPhone', field: 'phone' });
    expect(await open.db.selectFrom('register_owners').select('phone').where('name', '=', '赵小敏').executeTakeFirstOrThrow()).toEqual({
      phone: '13600000006',
    });
    // an owner on the register without a mobile gets the one typed, audited
    await open.db.updateTable('register_owners').set({ phone: null }).where('name', '=', '赵小敏').execute();
    expect(
      await addOwnerOnBasis(
        open.db,
        KEY,
        staffId,
        {
          estateId,
          building: b!,
          entrance: e!,
          room: '202',
          name: '赵小敏',
          idType: 'resident_id',
          idNumber: heirId,
          basis: 'inheritance',
          phone: '13600000008',
        },
        'c'.repeat(64),
      ),
    ).toEqual({ ok: true });
    expect(await open.db.selectFrom('register_owners').select('phone').where('name', '=', '赵小敏').executeTakeFirstOrThrow()).toEqual({
      phone: '13600000008',
    });
    const entry = await open.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'register.addOwner')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(entry.detail).toMatchObject({ phoneAdded: '136****0008' });
    expect(
      await addOwnerOnBasis(
        open.db,
        KEY,
        staffId,
        { estateId, building: b!, entrance: e!, room: '999', name: 'x', idType: 'resident_id', idNumber: heirId, basis: 'court' },
        'c'.repeat(64),
      ),
    ).toMatchObject({ ok: false, error: 'err.noSuchFlat' });
  });
});
