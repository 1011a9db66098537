import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { flatKey, ownerKey, type PreparedFlat } from './prepare.ts';

type DB = Kysely<Database>;

export interface ImportPlan {
  flats: { added: number; changed: number; unchanged: number };
  owners: { added: number; removed: number; kept: number };
  verificationsRevoked: number;
}

async function currentRegister(db: DB | Transaction<Database>, estateId: number) {
  const units = await db
    .selectFrom('units')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .where('buildings.estate_id', '=', estateId)
    .select(['units.id', 'units.floor', 'units.room', 'units.area_cm2', 'units.area_source', 'units.developer_held', 'entrances.label as entrance', 'buildings.label as building'])
    .execute();
  const owners = await db
    .selectFrom('register_owners')
    .where('estate_id', '=', estateId)
    .where('removed_at', 'is', null)
    .select(['id', 'id_type', 'id_hash', 'name', 'legal_basis'])
    .execute();
  return { units, owners };
}

/** What confirming would change; nothing is written. */
export async function planImport(db: DB, estateId: number, flats: readonly PreparedFlat[]): Promise<ImportPlan> {
  const { units, owners } = await currentRegister(db, estateId);
  const byKey = new Map(units.map((u) => [flatKey(u), u]));
  let added = 0, changed = 0, unchanged = 0;
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
    ? await db.selectFrom('owner_verifications').select('id').where('status', '=', 'verified').where('register_owner_id', 'in', removed.map((o) => o.id)).execute()
    : [];
  return {
    flats: { added, changed, unchanged },
    owners: { added: [...incoming].filter((k) => !existing.has(k)).length, removed: removed.length, kept: [...incoming].filter((k) => existing.has(k)).length },
    verificationsRevoked: revoked.length,
  };
}

async function ensureUnit(trx: Transaction<Database>, estateId: number, f: PreparedFlat, cache: Map<string, number>): Promise<number> {
  const bKey = `b:${f.building}`;
  let buildingId = cache.get(bKey);
  if (buildingId === undefined) {
    buildingId = (await trx.insertInto('buildings').values({ estate_id: estateId, label: f.building })
      .onConflict((oc) => oc.columns(['estate_id', 'label']).doUpdateSet({ label: f.building })).returning('id').executeTakeFirstOrThrow()).id;
    cache.set(bKey, buildingId);
  }
  const eKey = `e:${f.building}\u0000${f.entrance}`;
  let entranceId = cache.get(eKey);
  if (entranceId === undefined) {
    entranceId = (await trx.insertInto('entrances').values({ building_id: buildingId, label: f.entrance })
      .onConflict((oc) => oc.columns(['building_id', 'label']).doUpdateSet({ label: f.entrance })).returning('id').executeTakeFirstOrThrow()).id;
    cache.set(eKey, entranceId);
  }
  const row = await trx
    .insertInto('units')
    .values({ entrance_id: entranceId, floor: f.floor, room: f.room, area_cm2: f.areaCm2, area_source: f.areaSource, developer_held: f.developerHeld })
    .onConflict((oc) => oc.columns(['entrance_id', 'room']).doUpdateSet({ floor: f.floor, area_cm2: f.areaCm2, area_source: f.areaSource, developer_held: f.developerHeld }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Writes a reviewed register in one transaction: flats are created or updated (never
 * duplicated), each flat's owners become exactly the listed ones, register owners no
 * longer listed are removed and their verified accounts lose owner status.
 */
export async function applyImport(db: DB, input: { estateId: number; importId: number; actorUserId: number; flats: readonly PreparedFlat[] }): Promise<ImportPlan> {
  const plan = await planImport(db, input.estateId, input.flats);
  await db.transaction().execute(async (trx) => {
    const claimed = await trx.updateTable('register_imports').set({ status: 'confirmed', confirmed_at: new Date() })
      .where('id', '=', input.importId).where('status', '=', 'preview').executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new Error('import already confirmed or discarded');
    const { owners } = await currentRegister(trx, input.estateId);
    const ownerIds = new Map(owners.map((o) => [ownerKey({ idType: o.id_type, idHash: o.id_hash }), o.id]));
    const cache = new Map<string, number>();
    const listed = new Set<number>();
    for (const f of input.flats) {
      const unitId = await ensureUnit(trx, input.estateId, f, cache);
      const ids: number[] = [];
      for (const o of f.owners) {
        const k = ownerKey(o);
        let id = ownerIds.get(k);
        if (id === undefined) {
          id = (await trx.insertInto('register_owners').values({
            estate_id: input.estateId, name: o.name, id_type: o.idType, id_hash: o.idHash, id_key_version: o.keyVersion, id_last4: o.last4, phone: f.phone,
          }).returning('id').executeTakeFirstOrThrow()).id;
          ownerIds.set(k, id);
        } else {
          await trx.updateTable('register_owners').set({ name: o.name, ...(f.phone ? { phone: f.phone } : {}) }).where('id', '=', id).execute();
        }
        ids.push(id);
        listed.add(id);
      }
      await trx.deleteFrom('unit_owners').where('unit_id', '=', unitId).execute();
      if (ids.length) await trx.insertInto('unit_owners').values([...new Set(ids)].map((owner_id) => ({ unit_id: unitId, owner_id }))).execute();
    }
    const gone = owners.filter((o) => o.legal_basis === 'register' && !listed.has(o.id)).map((o) => o.id);
    if (gone.length) {
      await trx.updateTable('register_owners').set({ removed_at: new Date() }).where('id', 'in', gone).execute();
      await trx.deleteFrom('unit_owners').where('owner_id', 'in', gone).execute();
      await trx.updateTable('owner_verifications').set({ status: 'revoked', reason: 'register.removed', decided_at: new Date() })
        .where('register_owner_id', 'in', gone).where('status', 'in', ['verified', 'pending']).execute();
    }
    await appendAudit(trx, {
      actorUserId: input.actorUserId, action: 'register.import', target: `estate:${input.estateId}`,
      detail: { importId: input.importId, flats: input.flats.length, ...plan.flats, ownersAdded: plan.owners.added, ownersRemoved: plan.owners.removed, verificationsRevoked: plan.verificationsRevoked },
    });
  });
  return plan;
}
