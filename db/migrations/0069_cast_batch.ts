import { sql, type Kysely } from 'kysely';
import { functionSql } from '../functions/load.ts';

// Frozen once landed. gz_cast_batch (db/functions/gz_cast_batch.sql): several online casts,
// each gz_cast's, in one call and one commit, for the peak of a vote.
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(await functionSql('gz_cast_batch')).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists gz_cast_batch(integer[], text[], integer[], text[], jsonb[], integer[], integer[], text[], integer, integer)`.execute(db);
}
