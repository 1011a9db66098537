import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { readCsv } from '../../src/features/register/read-table.ts';
import { parseRegister } from '../../src/features/register/parse-rows.ts';
import { prepareRows } from '../../src/features/register/prepare.ts';
import { planImport, applyImport } from '../../src/features/register/import-service.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { residentIdCheckChar } from '../../src/features/register/id-numbers.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';
import { fixture } from '../support/fixtures.ts';
import { hebinEstate } from '../support/estate-fixture.ts';

const FIXTURE = fixture('register-sample.csv');
const KEY = parseIdKey(`v1:${Buffer.alloc(32, 7).toString('base64')}`);

describe.each(BACKENDS)('household register import on %s', (kind) => {
  let open: OpenDatabase;
  let estateId: number;
  let staffId: number;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    ({ estateId, staffId } = await hebinEstate(open.db));
  });
  afterAll(() => open.close());

  async function preview(table: string[][]) {
    const parsed = parseRegister(table);
    const flats = prepareRows(parsed.rows, KEY);
    const imp = await open.db
      .insertInto('register_imports')
      .values({ estate_id: estateId, user_id: staffId, file_name: 'f.csv', sha256: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { parsed, flats, importId: imp.id, plan: await planImport(open.db, estateId, flats) };
  }

  it('writes nothing on preview, then imports the 72 good flats of the fixture', async () => {
    const table = readCsv(fs.readFileSync(FIXTURE));
    const p = await preview(table);
    expect(p.parsed.rows).toHaveLength(72);
    expect(p.plan.flats).toEqual({ added: 72, changed: 0, unchanged: 0 });
    expect(await open.db.selectFrom('units').select('id').execute()).toHaveLength(0);
    await applyImport(open.db, { estateId, importId: p.importId, actorUserId: staffId, flats: p.flats });
    expect(await open.db.selectFrom('units').select('id').execute()).toHaveLength(72);
    expect(await open.db.selectFrom('buildings').select('id').execute()).toHaveLength(3);
    expect(await open.db.selectFrom('entrances').select('id').execute()).toHaveLength(6);
    // never an ID number in clear
    const owners = await open.db.selectFrom('register_owners').selectAll().execute();
    const csv = fs.readFileSync(FIXTURE, 'utf8');
    const everyId = csv.match(/\d{17}[\dX]/g)!;
    const stored = JSON.stringify(owners);
    for (const id of everyId) expect(stored).not.toContain(id);
    for (const o of owners) {
      expect(o.id_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(csv).toContain(o.id_last4);
    }
    // one register owner per person, with every flat they own; co-owners are two owners of one flat
    const links = await open.db.selectFrom('unit_owners').select(['unit_id', 'owner_id']).execute();
    const flatsPerOwner = new Map<number, number>();
    for (const l of links) flatsPerOwner.set(l.owner_id, (flatsPerOwner.get(l.owner_id) ?? 0) + 1);
    expect([...flatsPerOwner.values()].some((n) => n > 1)).toBe(true);
    const ownersPerFlat = new Map<number, number>();
    for (const l of links) ownersPerFlat.set(l.unit_id, (ownersPerFlat.get(l.unit_id) ?? 0) + 1);
    expect([...ownersPerFlat.values()].some((n) => n === 2)).toBe(true);
    const developer = await open.db.selectFrom('units').select('id').where('developer_held', '=', true).execute();
    expect(developer.length).toBeGreaterThan(0);
    expect(developer.every((u) => !ownersPerFlat.has(u.id))).toBe(true);
  });

  it('says before confirming which flats an import would leave without owners, and compares the flat count with the estate’s households', async () => {
    // a file that leaves out 1-1-101 and 1-1-102: nothing is written, the preview names them
    const table = readCsv(fs.readFileSync(FIXTURE)).filter((r) => !(r[0] === '1' && r[1] === '1' && (r[3] === '101' || r[3] === '102')));
    const p = await preview(table);
    expect(p.plan.unowned).toEqual({ count: 2, flats: ['1-1-101', '1-1-102'] });
    expect(p.plan.households).toEqual({ inFile: 70, declared: 72 });
    expect((await preview(readCsv(fs.readFileSync(FIXTURE)))).plan.unowned).toEqual({ count: 0, flats: [] });
  });

  it('re-imports by updating, never duplicating, and revokes owners no longer listed', async () => {
    const table = readCsv(fs.readFileSync(FIXTURE)).slice(0, 73); // header + the 72 good lines
    const firstFlat = table[1]!;
    // someone verified as the owner of the first flat
    const unit = await open.db
      .selectFrom('units')
      .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
      .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
      .where('buildings.label', '=', firstFlat[0]!)
      .where('entrances.label', '=', firstFlat[1]!)
      .where('units.room', '=', firstFlat[3]!)
      .select('units.id')
      .executeTakeFirstOrThrow();
    const owner = await open.db.selectFrom('unit_owners').where('unit_id', '=', unit.id).select('owner_id').executeTakeFirstOrThrow();
    const resident = await open.db
      .insertInto('users')
      .values({ phone: '13700000002', password_hash: 'x', display_name: '业主' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await open.db
      .insertInto('owner_verifications')
      .values({ user_id: resident.id, unit_id: unit.id, register_owner_id: owner.owner_id, status: 'verified', method: 'auto', claimed_name: firstFlat[5]! })
      .execute();
    // the flat was sold: a new owner on the register, and a corrected area elsewhere
    const changed = table.map((r) => [...r]);
    const body = '41041119900101123';
    changed[1] = [...firstFlat.slice(0, 5), '新业主', body + residentIdCheckChar(body), '', '否'];
    changed[2]![4] = '60.00';
    const p = await preview(changed);
    const ownsOtherFlats = (await open.db.selectFrom('unit_owners').where('owner_id', '=', owner.owner_id).select('unit_id').execute()).length > 1;
    expect(p.parsed.faults).toEqual([]);
    expect(p.plan.flats).toEqual({ added: 0, changed: 1, unchanged: 71 });
    await applyImport(open.db, { estateId, importId: p.importId, actorUserId: staffId, flats: p.flats });
    expect(await open.db.selectFrom('units').select('id').execute()).toHaveLength(72);
    const status = (await open.db.selectFrom('owner_verifications').select('status').where('user_id', '=', resident.id).executeTakeFirstOrThrow()).status;
    expect(status).toBe(ownsOtherFlats ? 'verified' : 'revoked');
    const area = await open.db.selectFrom('units').select('area_cm2').where('room', '=', table[2]![3]!).where('floor', '=', Number(table[2]![2])).execute();
    expect(area.map((a) => a.area_cm2)).toContain(6000);
    expect((await verifyAudit(open.db)).ok).toBe(true);
    const audit = await open.db.selectFrom('audit_log').select(['action', 'target']).execute();
    expect(audit.filter((a) => a.action === 'register.import')).toHaveLength(2);
  });

  it('refuses to confirm the same preview twice', async () => {
    const p = await preview(readCsv(fs.readFileSync(FIXTURE)).slice(0, 5));
    await applyImport(open.db, { estateId, importId: p.importId, actorUserId: staffId, flats: p.flats });
    await expect(applyImport(open.db, { estateId, importId: p.importId, actorUserId: staffId, flats: p.flats })).rejects.toThrow(/already/);
  });
});
