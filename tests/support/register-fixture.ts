import fs from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { readCsv } from '../../src/features/register/read-table.ts';
import { parseRegister } from '../../src/features/register/parse-rows.ts';
import { prepareRows, type PreparedFlat } from '../../src/features/register/prepare.ts';
import { applyImport } from '../../src/features/register/import-service.ts';
import type { IdKey } from '../../src/lib/id-key.ts';
import { fixture } from './fixtures.ts';

/** The shared synthetic household register (72 flats, co-owners, developer flats), imported into an estate. */
export async function importSampleRegister(db: Kysely<Database>, estateId: number, staffId: number, key: IdKey): Promise<PreparedFlat[]> {
  const flats = prepareRows(parseRegister(readCsv(fs.readFileSync(fixture('register-sample.csv')))).rows, key);
  const imp = await db
    .insertInto('register_imports')
    .values({ estate_id: estateId, user_id: staffId, file_name: 'register-sample.csv', sha256: 'x' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await applyImport(db, { estateId, importId: imp.id, actorUserId: staffId, flats });
  return flats;
}

/** Accounts verified as the first `n` distinct register owners, in flat order; phones `${phonePrefix}0`, `${phonePrefix}1`… */
export async function verifiedOwners(db: Kysely<Database>, n: number, phonePrefix: string): Promise<{ userId: number; unitId: number }[]> {
  const links = await db.selectFrom('unit_owners').select(['unit_id', 'owner_id']).orderBy('unit_id').execute();
  const owners: { userId: number; unitId: number }[] = [];
  const seen = new Set<number>();
  for (const l of links) {
    if (owners.length === n) break;
    if (seen.has(l.owner_id)) continue;
    seen.add(l.owner_id);
    const u = await db
      .insertInto('users')
      .values({ phone: `${phonePrefix}${owners.length}`, password_hash: 'x', display_name: 'o' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('owner_verifications')
      .values({ user_id: u.id, unit_id: l.unit_id, register_owner_id: l.owner_id, status: 'verified', method: 'auto', claimed_name: 'o' })
      .execute();
    owners.push({ userId: u.id, unitId: l.unit_id });
  }
  return owners;
}
