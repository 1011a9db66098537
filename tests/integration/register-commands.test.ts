import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { fixture } from '../support/fixtures.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { hashPassword } from '../../src/features/accounts/password.ts';
import { confirmImport, discardImport, previewImport, REGISTER_MAX_BYTES } from '../../src/features/register/commands/imports.ts';
import { addOwner } from '../../src/features/register/commands/owners.ts';
import { claim, confirmHeld } from '../../src/features/register/commands/verification.ts';
import { closeOwnAccount, CLOSE_LIMIT } from '../../src/features/privacy/commands/close-account.ts';
import { decideVerification } from '../../src/features/register/verification-service.ts';
import { importResource } from '../../src/features/register/queries/imports.ts';
import { subdistrictResource } from '../../src/features/geography/scope.ts';

// The register's commands: what the register and verification actions did in their own
// bodies before (file checks, preview rows, confirm/discard states, consents, the held-owner
// check, closing one's account) now lives in the feature and is tested here, at the command.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 7).toString('base64')}`);
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const SAMPLE = fs.readFileSync(fixture('register-sample.csv'));
const file = (name: string, bytes: Uint8Array<ArrayBuffer> | string) => new File([typeof bytes === 'string' ? Buffer.from(bytes) : bytes], name);

/** A proof store that keeps what it was given, in memory. */
function memoryStore() {
  const put: Uint8Array[] = [];
  return { put, store: { put: async (b: Uint8Array) => (put.push(b), { key: String(put.length).padStart(64, '0') }) } };
}

describe.each(BACKENDS)('register commands on %s', (kind) => {
  let open: OpenDatabase;
  let estate: { estateId: number; name: string };
  let subId: number;
  let staffId: number;
  let phones = 0;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const h = await hebinEstate(open.db);
    ({ subId, staffId } = h);
    estate = { estateId: h.estateId, name: '建设小区' };
  });
  afterAll(() => open.close());

  const resident = async (password = 'resident password 1') =>
    (
      await open.db
        .insertInto('users')
        .values({ phone: `1360000${String(phones++).padStart(4, '0')}`, password_hash: await hashPassword(password), display_name: '居民' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const importRow = (id: number) => open.db.selectFrom('register_imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('refuses an empty, oversized, mistyped or unreadable register file, and writes no preview', async () => {
    const refuse = (f: File) => previewImport(open.db, staffId, { estate, file: f, key: KEY });
    expect(await refuse(file('r.csv', ''))).toEqual({ ok: false, error: 'err.fileEmpty', field: 'file' });
    expect(await refuse(file('r.csv', new Uint8Array(REGISTER_MAX_BYTES + 1).fill(0x31)))).toEqual({ ok: false, error: 'err.fileTooLarge', field: 'file' });
    // a name the reader does not know, a .xlsx that is no zip, a .csv that is a zip or holds NUL
    expect(await refuse(file('r.pdf', '%PDF-1.4'))).toEqual({ ok: false, error: 'err.fileType', field: 'file' });
    expect(await refuse(file('r.xlsx', '楼栋,单元\n1,1\n'))).toEqual({ ok: false, error: 'err.fileType', field: 'file' });
    expect(await refuse(file('r.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])))).toEqual({ ok: false, error: 'err.fileType', field: 'file' });
    expect(await refuse(file('r.txt', 'a,b\u0000c\n'))).toEqual({ ok: false, error: 'err.fileType', field: 'file' });
    // a zip that is not a workbook
    expect(await refuse(file('r.xlsx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 9, 9, 9, 9, 9, 9])))).toEqual({
      ok: false,
      error: 'err.fileUnreadable',
      field: 'file',
    });
    expect(await open.db.selectFrom('register_imports').select('id').execute()).toEqual([]);
  });

  it('keeps a preview of a good file (no ID number in clear), writes nothing to the register, and confirms it once', async () => {
    const res = await previewImport(open.db, staffId, { estate, file: file('登记册.csv', SAMPLE), key: KEY });
    if (!res.ok) throw new Error(res.error);
    const row = await importRow(res.importId);
    expect(row).toMatchObject({ estate_id: estate.estateId, user_id: staffId, file_name: '登记册.csv', status: 'preview' });
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    const summary = JSON.stringify(row.summary);
    expect(summary).not.toContain('410411197006145569');
    expect((row.summary as { plan: { flats: { added: number } } }).plan.flats.added).toBe(72);
    expect(await open.db.selectFrom('units').select('id').execute()).toHaveLength(0);
    expect(await importResource(open.db, res.importId)).toEqual({ importId: res.importId, estateId: estate.estateId });

    const first = await confirmImport(open.db, staffId, { importId: res.importId, estateId: estate.estateId });
    expect(first).toMatchObject({ ok: true, plan: { flats: { added: 72 } } });
    expect(await open.db.selectFrom('units').select('id').execute()).toHaveLength(72);
    expect(await confirmImport(open.db, staffId, { importId: res.importId, estateId: estate.estateId })).toEqual({ ok: false, error: 'err.importDone' });
    // discarding a confirmed import changes nothing
    await discardImport(open.db, staffId, { importId: res.importId });
    expect((await importRow(res.importId)).status).toBe('confirmed');
  });

  it('discards a preview (its contents gone, the row kept as a trace), and a discarded or day-old preview cannot be confirmed', async () => {
    const a = await previewImport(open.db, staffId, { estate, file: file('a.csv', SAMPLE), key: KEY });
    const b = await previewImport(open.db, staffId, { estate, file: file('b.csv', SAMPLE), key: KEY });
    if (!a.ok || !b.ok) throw new Error('preview');
    expect(await discardImport(open.db, staffId, { importId: a.importId })).toEqual({ ok: true });
    const gone = await importRow(a.importId);
    expect(gone.status).toBe('discarded');
    expect(JSON.stringify(gone.summary)).not.toContain('高涛');
    expect(await confirmImport(open.db, staffId, { importId: a.importId, estateId: estate.estateId })).toEqual({ ok: false, error: 'err.importDone' });
    // a day passes (the preview's clock is the database's)
    await open.db
      .updateTable('register_imports')
      .set({ created_at: new Date(Date.now() - 25 * 3_600_000) })
      .where('id', '=', b.importId)
      .execute();
    expect(await confirmImport(open.db, staffId, { importId: b.importId, estateId: estate.estateId })).toEqual({ ok: false, error: 'err.importDone' });
    expect(JSON.stringify((await importRow(b.importId)).summary)).toContain('expired');
    expect(await importResource(open.db, 2147483647)).toBeNull();
  });

  it('adds an owner only with a valid mobile and a proof of an allowed type, kept in the store', async () => {
    const owner = {
      estateId: estate.estateId,
      building: '1',
      entrance: '1',
      room: '101',
      name: '继承人',
      idType: 'resident_id' as const,
      idNumber: '11010519491231002X',
      basis: 'inheritance' as const,
    };
    const m = memoryStore();
    expect(await addOwner(open.db, staffId, { ...owner, proof: file('p.png', PNG), phone: '12345' }, { key: KEY, store: m.store })).toEqual({
      ok: false,
      error: 'err.phone',
      field: 'phone',
    });
    const wrongType = await addOwner(open.db, staffId, { ...owner, proof: file('p.txt', 'not an image') }, { key: KEY, store: m.store });
    expect(wrongType).toMatchObject({ ok: false, field: 'proof' });
    expect(m.put).toHaveLength(0);
    expect(await addOwner(open.db, staffId, { ...owner, proof: file('p.png', PNG), phone: '139 0000 1234' }, { key: KEY, store: m.store })).toMatchObject({
      ok: true,
    });
    expect(m.put).toHaveLength(1);
    const added = await open.db.selectFrom('register_owners').select(['phone', 'legal_basis']).where('name', '=', '继承人').executeTakeFirstOrThrow();
    expect(added).toEqual({ phone: '13900001234', legal_basis: 'inheritance' });
  });

  const flat = { estateId: 0, building: '1', entrance: '1', room: '102', name: '不符', idType: 'resident_id' as const, idNumber: '11010519491231002X' };
  const consents = async (userId: number) =>
    (await open.db.selectFrom('privacy_consents').select('purpose').where('user_id', '=', userId).execute()).map((c) => c.purpose).sort();

  it('takes a claim only with the separate consents, records them before anything else, and keeps the proof', async () => {
    const userId = await resident();
    const m = memoryStore();
    const input = { ...flat, estateId: estate.estateId };
    expect(await claim(open.db, userId, input, { key: KEY, store: m.store })).toEqual({ ok: false, error: 'err.consentIdNumber', field: 'consentIdNumber' });
    expect(await claim(open.db, userId, { ...input, consentIdNumber: 'yes', proof: file('p.png', PNG) }, { key: KEY, store: m.store })).toEqual({
      ok: false,
      error: 'err.consentProof',
      field: 'consentProof',
    });
    expect(await consents(userId)).toEqual([]);
    expect(m.put).toHaveLength(0);
    const res = await claim(
      open.db,
      userId,
      { ...input, consentIdNumber: 'yes', consentProof: 'yes', proof: file('p.png', PNG) },
      { key: KEY, store: m.store },
    );
    expect(res).toMatchObject({ ok: true, status: 'pending' });
    expect(await consents(userId)).toEqual(['id_number', 'proof']);
    expect(m.put).toHaveLength(1);
    // an empty file input is no proof: the ID-number consent is enough to be heard (and, not matching the register, asked for a proof)
    const other = await resident();
    expect(
      await claim(open.db, other, { ...input, room: '201', consentIdNumber: 'yes', proof: file('', new Uint8Array()) }, { key: KEY, store: m.store }),
    ).toEqual({ ok: false, error: 'err.needProof', field: 'proof' });
    expect(await consents(other)).toEqual(['id_number']);
    expect(m.put).toHaveLength(1);
  });

  it('confirms a held owner only for a verified claim, with an audit entry', async () => {
    const userId = await resident();
    const m = memoryStore();
    const res = await claim(
      open.db,
      userId,
      { ...flat, estateId: estate.estateId, room: '202', consentIdNumber: 'yes', consentProof: 'yes', proof: file('p.png', PNG) },
      { key: KEY, store: m.store },
    );
    if (!res.ok) throw new Error(res.error);
    await open.db.updateTable('users').set({ owner_status_held_since: new Date() }).where('id', '=', userId).execute();
    const v = () => open.db.selectFrom('owner_verifications').select(['status', 'user_id']).where('id', '=', res.verificationId).executeTakeFirstOrThrow();
    expect(await confirmHeld(open.db, staffId, { verification: await v() })).toEqual({ ok: false, error: 'err.notVerified' });
    expect(await decideVerification(open.db, staffId, res.verificationId, 'approve', null, 'certificate')).toMatchObject({ ok: true });
    expect(await confirmHeld(open.db, staffId, { verification: await v() })).toEqual({ ok: true });
    const user = await open.db.selectFrom('users').select('owner_status_held_since').where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.owner_status_held_since).toBeNull();
    const audit = await open.db.selectFrom('audit_log').select(['action', 'target']).where('action', '=', 'verification.confirmHeld').execute();
    expect(audit).toEqual([{ action: 'verification.confirmHeld', target: `user:${userId}` }]);
  });

  it('closes one’s own account only when confirmed and with the password, a few attempts an hour', async () => {
    const userId = await resident('the right password');
    const store = { remove: async () => {} };
    expect(await closeOwnAccount(open.db, userId, { password: 'the right password' }, { store })).toEqual({
      ok: false,
      error: 'err.closeConfirm',
      field: 'confirm',
    });
    for (let i = 0; i < CLOSE_LIMIT.max; i++)
      expect(await closeOwnAccount(open.db, userId, { password: 'wrong', confirm: 'yes' }, { store })).toEqual({
        ok: false,
        error: 'err.passwordWrong',
        field: 'password',
      });
    expect(await closeOwnAccount(open.db, userId, { password: 'the right password', confirm: 'yes' }, { store })).toEqual({
      ok: false,
      error: 'err.rateLimited',
    });
    const next = await resident('another right password');
    expect(await closeOwnAccount(open.db, next, { password: 'another right password', confirm: 'yes' }, { store })).toEqual({ ok: true });
    expect((await open.db.selectFrom('users').select('closed_at').where('id', '=', next).executeTakeFirstOrThrow()).closed_at).not.toBeNull();
  });

  it('names a subdistrict for the notice policy, or none', async () => {
    expect(await subdistrictResource(open.db, subId)).toEqual({ subdistrictId: subId, communityId: null });
    expect(await subdistrictResource(open.db, 2147483647)).toBeNull();
  });
});
