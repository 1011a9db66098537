import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { estateUnits } from './estate-units.ts';
import type { RegisterOwner, RegisterRow } from './model.ts';

type DB = Kysely<Database>;

/**
 * Stands in for an ID number that is not stored (only its keyed hash and last four are):
 * fourteen stars and the last four, so the sheet shows it masked and the parser refuses the
 * file as an export (masked_export) if it is ever uploaded again.
 */
export const maskedIdFromLast4 = (last4: string): string => '*'.repeat(14) + last4;

const byLabel = (a: string, b: string) => a.localeCompare(b, 'zh-CN', { numeric: true });

/**
 * The current register of an estate as RegisterRow[] for writeXlsx: every flat in building /
 * entrance / floor / room order, its current owners (removed ones left out) with their own
 * phones, the first phone on record; developer-held flats with no owners.
 */
export async function registerRowsOfEstate(db: DB, estateId: number): Promise<RegisterRow[]> {
  const estate = await db.selectFrom('estates').select('name').where('id', '=', estateId).executeTakeFirst();
  if (!estate) return [];
  const units = await estateUnits(db, estateId);
  const owners = await db
    .selectFrom('unit_owners')
    .innerJoin('register_owners', 'register_owners.id', 'unit_owners.owner_id')
    .innerJoin('units', 'units.id', 'unit_owners.unit_id')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .where('buildings.estate_id', '=', estateId)
    .where('register_owners.removed_at', 'is', null)
    .select([
      'unit_owners.unit_id',
      'register_owners.id',
      'register_owners.name',
      'register_owners.id_type',
      'register_owners.id_last4',
      'register_owners.phone',
    ])
    .orderBy('register_owners.id')
    .execute();
  const ownersOf = new Map<number, typeof owners>();
  for (const o of owners) {
    const list = ownersOf.get(o.unit_id) ?? [];
    list.push(o);
    ownersOf.set(o.unit_id, list);
  }
  units.sort((a, b) => byLabel(a.building, b.building) || byLabel(a.entrance, b.entrance) || a.floor - b.floor || byLabel(a.room, b.room));
  return units.map((u, i): RegisterRow => {
    const list = ownersOf.get(u.id) ?? [];
    const registerOwners: RegisterOwner[] = list.map((o) => ({
      name: o.name,
      idType: o.id_type,
      idNumber: maskedIdFromLast4(o.id_last4),
      ...(o.phone ? { phone: o.phone } : {}),
    }));
    return {
      line: i + 2,
      estate: estate.name,
      building: u.building,
      entrance: u.entrance,
      floor: u.floor,
      room: u.room,
      areaCm2: u.area_cm2,
      areaSource: u.area_source,
      owners: registerOwners,
      phone: list.find((o) => o.phone)?.phone ?? null,
      developerHeld: u.developer_held,
    };
  });
}
