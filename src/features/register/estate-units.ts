import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';

/** Every flat of an estate with its building and entrance labels: what imports compare against and exports write. */
export function estateUnits(db: Kysely<Database> | Transaction<Database>, estateId: number) {
  return db
    .selectFrom('units')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .where('buildings.estate_id', '=', estateId)
    .select([
      'units.id',
      'units.floor',
      'units.room',
      'units.area_cm2',
      'units.area_source',
      'units.developer_held',
      'entrances.label as entrance',
      'buildings.label as building',
    ])
    .execute();
}
