import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { estateUnits } from './estate-units.ts';
import { appendAudit } from '../audit/service.ts';
import { flatKey, ownerKey, type PreparedFlat } from './prepare.ts';

type DB = Kysely<Database>;

export interface ImportPlan {
  flats: { added: number; changed: number; unchanged: number };
  owners: { added: number; removed: number; kept: number };
  verificationsRevoked: number;
  /**
   * Flats of the estate the import would leave without an owner (on the register now, not
   * in the file or refused in it, not developer-held, no owner added on another legal
   * basis): they would silently leave every vote's electorate, so the preview says so.
   * Labels are building-entrance-room, the first 200.
   */
  unowned?: { count: number; flats: string[] };
  /** The file's flat count against the households the estate declares (estates.household_count). */
  households?: { inFile: number; declared: number };
}

async function currentRegister(db: DB | Transaction<Database>, estateId: number) {
  const units = await estateUnits(db, estateId);
  const owners = await db
    .selectFrom('register_owners')
    .where('estate_id', '=', estateId)
    .where('removed_at', 'is', null)
    .select(['id', 'id_type', 'id_hash', 'name', 'legal_basis', 'phone'])
    .execute();
  return { units, owners };
}

/** How long an unconfirmed preview (names, phones, keyed ID hashes of a whole register) is kept. */
export const PREVIEW_TTL_HOURS = 24;

/**
 * Deletes the contents of previews left unconfirmed for more than PREVIEW_TTL_HOURS: the row
 * stays as a trace (who uploaded which file, when: its sha256) but is discarded and its
 * summary — every owner's name and phone — is gone. Run at each import (preview and
 * confirm) and at start-up; there is no job runner. Returns how many were deleted.
 */
export async function discardStalePreviews(db: DB): Promise<number> {
  const res = await db
    .updateTable('register_imports')
    .set({ status: 'discarded', summary: JSON.stringify({ discarded: true, expired: true }) })
    .where('status', '=', 'preview')
    .where('created_at', '<', sql<Date>`now() - make_interval(hours => ${PREVIEW_TTL_HOURS})`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** What confirming would change; nothing is written. */
export async function planImport(db: DB, estateId: number, flats: readonly PreparedFlat[]): Promise<ImportPlan> {
  const { units, owners } = await currentRegister(db, estateId);
  const byKey = new Map(units.map((u) => [flatKey(u), u]));
  let added = 0,
    changed = 0,
    unchanged = 0;
  for (const f of flats) {
    const u = byKey.get(flatKey(f));
    if (!u) added++;
    else if (u.area_cm2 !== f.areaCm2 || u.area_source !== f.areaSource || u.developer_held !== f.developerHeld || u.floor !== f.floor) changed++;
    else unchanged++;
  }
  const incoming = new Set(flats.flatMap((f) => f.owners.map(ownerKey)));
  const existing = new Set(owners.map((o) => ownerKey({ idType: o.id_type, idHash: o.id_hash })));
  // owners added by staff on a legal basis other than the register stay until staff remove them
  const removed = owners.filter((o) => o.legal_basis === 'register' && !incoming.has(ownerKey({ idType: o.id_type, idHash: o.id_hash })));
  const revoked = removed.length
    ? await db
        .selectFrom('owner_verifications')
        .select('id')
        .where('status', '=', 'verified')
        .where(
          'register_owner_id',
          'in',
          removed.map((o) => o.id),
        )
        .execute()
    : [];
  // flats on the register that the file leaves out, and that keep no owner after it
  const inFile = new Set(flats.map((f) => flatKey(f)));
  const left = units.filter((u) => !u.developer_held && !inFile.has(flatKey(u)));
  const keptBy = left.length
    ? new Set(
        (
          await db
            .selectFrom('unit_owners')
            .innerJoin('register_owners', 'register_owners.id', 'unit_owners.owner_id')
            .where(
              'unit_owners.unit_id',
              'in',
              left.map((u) => u.id),
            )
            .where('register_owners.removed_at', 'is', null)
            .where('register_owners.legal_basis', '<>', 'register')
            .select('unit_owners.unit_id')
            .execute()
        ).map((r) => r.unit_id),
      )
    : new Set<number>();
  const unowned = left.filter((u) => !keptBy.has(u.id)).map((u) => `${u.building}-${u.entrance}-${u.room}`);
  const estate = await db.selectFrom('estates').select('household_count').where('id', '=', estateId).executeTakeFirst();
  return {
    flats: { added, changed, unchanged },
    owners: { added: [...incoming].filter((k) => !existing.has(k)).length, removed: removed.length, kept: [...incoming].filter((k) => existing.has(k)).length },
    verificationsRevoked: revoked.length,
    unowned: { count: unowned.length, flats: unowned.slice(0, 200) },
    households: { inFile: flats.length, declared: estate?.household_count ?? 0 },
  };
}

const BATCH = 500;
const chunks = <T>(rows: readonly T[]): T[][] => Array.from({ length: Math.ceil(rows.length / BATCH) }, (_, i) => rows.slice(i * BATCH, (i + 1) * BATCH));

/** Buildings, entrances and flats of the file, created or updated set-wise; returns each flat's unit id. */
async function upsertUnits(trx: Transaction<Database>, estateId: number, flats: readonly PreparedFlat[]): Promise<number[]> {
  const buildingLabels = [...new Set(flats.map((f) => f.building))];
  const buildingId = new Map<string, number>();
  for (const part of chunks(buildingLabels)) {
    const rows = await trx
      .insertInto('buildings')
      .values(part.map((label) => ({ estate_id: estateId, label })))
      .onConflict((oc) => oc.columns(['estate_id', 'label']).doUpdateSet((eb) => ({ label: eb.ref('excluded.label') })))
      .returning(['id', 'label'])
      .execute();
    for (const r of rows) buildingId.set(r.label, r.id);
  }
  const entranceKeys = [...new Map(flats.map((f) => [`${f.building}\u0000${f.entrance}`, f])).values()];
  const entranceId = new Map<string, number>();
  for (const part of chunks(entranceKeys)) {
    const rows = await trx
      .insertInto('entrances')
      .values(part.map((f) => ({ building_id: buildingId.get(f.building)!, label: f.entrance })))
      .onConflict((oc) => oc.columns(['building_id', 'label']).doUpdateSet((eb) => ({ label: eb.ref('excluded.label') })))
      .returning(['id', 'building_id', 'label'])
      .execute();
    for (const r of rows) entranceId.set(`${r.building_id}\u0000${r.label}`, r.id);
  }
  const entranceOf = (f: PreparedFlat) => entranceId.get(`${buildingId.get(f.building)}\u0000${f.entrance}`)!;
  const unitId = new Map<string, number>();
  for (const part of chunks(flats)) {
    const rows = await trx
      .insertInto('units')
      .values(
        part.map((f) => ({
          entrance_id: entranceOf(f),
          floor: f.floor,
          room: f.room,
          area_cm2: f.areaCm2,
          area_source: f.areaSource,
          developer_held: f.developerHeld,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['entrance_id', 'room']).doUpdateSet((eb) => ({
          floor: eb.ref('excluded.floor'),
          area_cm2: eb.ref('excluded.area_cm2'),
          area_source: eb.ref('excluded.area_source'),
          developer_held: eb.ref('excluded.developer_held'),
        })),
      )
      .returning(['id', 'entrance_id', 'room'])
      .execute();
    for (const r of rows) unitId.set(`${r.entrance_id}\u0000${r.room}`, r.id);
  }
  return flats.map((f) => unitId.get(`${entranceOf(f)}\u0000${f.room}`)!);
}

/**
 * Writes a reviewed register in one transaction: flats are created or updated (never
 * duplicated), each flat's owners become exactly the listed ones, register owners no
 * longer listed are removed and their verified accounts lose owner status.
 */
export async function applyImport(
  db: DB,
  input: { estateId: number; importId: number; actorUserId: number; flats: readonly PreparedFlat[] },
): Promise<ImportPlan> {
  const plan = await planImport(db, input.estateId, input.flats);
  await db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('register_imports')
      .set({ status: 'confirmed', confirmed_at: new Date() })
      .where('id', '=', input.importId)
      .where('status', '=', 'preview')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new Error('import already confirmed or discarded');
    const { owners } = await currentRegister(trx, input.estateId);
    const ownerIds = new Map(owners.map((o) => [ownerKey({ idType: o.id_type, idHash: o.id_hash }), o.id]));
    const unitIds = await upsertUnits(trx, input.estateId, input.flats);
    // owners: one row per person (ID type + keyed hash), created once, named as in the file
    // and with their own phone (the first the file gives them): it decides automatic verification
    const firstSeen = new Map<string, { o: PreparedFlat['owners'][number]; phone: string | null }>();
    // (a flat with only a row phone — a preview stored before phones were per owner — gives it
    // to its first owner, as the parser does with a single phone)
    for (const f of input.flats)
      for (const [j, o] of f.owners.entries()) {
        const own = o.phone ?? (j === 0 && !f.owners.some((x) => x.phone) ? f.phone : null);
        const seen = firstSeen.get(ownerKey(o));
        if (!seen) firstSeen.set(ownerKey(o), { o, phone: own });
        else if (seen.phone === null && own) seen.phone = own;
      }
    // a person the register lists again keeps their row (and with it their place on any
    // frozen roll of a vote): the last removed row of that identity comes back
    const returning = [...firstSeen.values()].filter(({ o }) => !ownerIds.has(ownerKey(o)));
    for (const part of chunks(returning)) {
      const rows = await trx
        .selectFrom('register_owners')
        .select(['id', 'id_type', 'id_hash'])
        .where('estate_id', '=', input.estateId)
        .where('removed_at', 'is not', null)
        .where(
          'id_hash',
          'in',
          part.map(({ o }) => o.idHash),
        )
        .orderBy('id')
        .execute();
      const last = new Map<string, number>();
      for (const r of rows)
        if (part.some(({ o }) => ownerKey(o) === ownerKey({ idType: r.id_type, idHash: r.id_hash })))
          last.set(ownerKey({ idType: r.id_type, idHash: r.id_hash }), r.id);
      for (const [k, id] of last) {
        const { o, phone } = firstSeen.get(k)!;
        await trx
          .updateTable('register_owners')
          .set({ removed_at: null, legal_basis: 'register', name: o.name, id_key_version: o.keyVersion, id_last4: o.last4, phone })
          .where('id', '=', id)
          .execute();
        ownerIds.set(k, id);
      }
    }
    const fresh = [...firstSeen.entries()].filter(([k]) => !ownerIds.has(k));
    for (const part of chunks(fresh)) {
      const rows = await trx
        .insertInto('register_owners')
        .values(
          part.map(([, { o, phone }]) => ({
            estate_id: input.estateId,
            name: o.name,
            id_type: o.idType,
            id_hash: o.idHash,
            id_key_version: o.keyVersion,
            id_last4: o.last4,
            phone,
          })),
        )
        .returning(['id', 'id_type', 'id_hash'])
        .execute();
      for (const r of rows) ownerIds.set(ownerKey({ idType: r.id_type, idHash: r.id_hash }), r.id);
    }
    const stored = new Map(owners.map((o) => [o.id, o]));
    for (const [k, { o, phone }] of firstSeen) {
      const before = stored.get(ownerIds.get(k)!);
      if (before && (before.name !== o.name || before.phone !== phone))
        await trx.updateTable('register_owners').set({ name: o.name, phone }).where('id', '=', before.id).execute();
    }
    // each listed flat's register owners become exactly the listed ones; owners staff added
    // on another legal basis (inheritance, a judgment, lawful occupation) keep their flats
    const otherBasis = owners.filter((o) => o.legal_basis !== 'register').map((o) => o.id);
    for (const part of chunks(unitIds)) {
      let del = trx.deleteFrom('unit_owners').where('unit_id', 'in', part);
      if (otherBasis.length) del = del.where('owner_id', 'not in', otherBasis);
      await del.execute();
    }
    const links = input.flats.flatMap((f, i) =>
      [...new Set(f.owners.map((o) => ownerIds.get(ownerKey(o))!))].map((owner_id) => ({ unit_id: unitIds[i]!, owner_id })),
    );
    for (const part of chunks(links))
      await trx
        .insertInto('unit_owners')
        .values(part)
        .onConflict((oc) => oc.doNothing())
        .execute();
    const listed = new Set(links.map((l) => l.owner_id));
    const gone = owners.filter((o) => o.legal_basis === 'register' && !listed.has(o.id)).map((o) => o.id);
    if (gone.length) {
      await trx.updateTable('register_owners').set({ removed_at: new Date() }).where('id', 'in', gone).execute();
      await trx.deleteFrom('unit_owners').where('owner_id', 'in', gone).execute();
      await trx
        .updateTable('owner_verifications')
        .set({ status: 'revoked', reason: 'register.removed', decided_at: new Date() })
        .where('register_owner_id', 'in', gone)
        .where('status', 'in', ['verified', 'review', 'pending'])
        .execute();
    }
    await appendAudit(trx, {
      actorUserId: input.actorUserId,
      action: 'register.import',
      target: `estate:${input.estateId}`,
      detail: {
        importId: input.importId,
        flats: input.flats.length,
        ...plan.flats,
        ownersAdded: plan.owners.added,
        ownersRemoved: plan.owners.removed,
        verificationsRevoked: plan.verificationsRevoked,
      },
    });
  });
  return plan;
}
