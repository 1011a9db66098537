import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';

type DB = Kysely<Database>;

/** A register import (preview or past) and the estate it is for, for the policy. */
export async function importResource(db: DB, importId: number): Promise<{ importId: number; estateId: number } | null> {
  const row = await db.selectFrom('register_imports').select(['id', 'estate_id']).where('id', '=', importId).executeTakeFirst();
  return row ? { importId: row.id, estateId: row.estate_id } : null;
}
