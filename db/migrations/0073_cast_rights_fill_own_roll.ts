import { sql, type Kysely } from 'kysely';
import { functionSql } from '../functions/load.ts';

// Frozen once landed. Opening a vote fills its cast rights reading its own roll only: every
// read of the roll tables is bounded by the span of the ballot's voter ids
// (gz_cast_voters_span, which gz_cast_voters_all now calls), an index range, where the hash
// joins of 0070 read the roll rows of every vote ever held. Loaded again from
// db/functions/gz_cast_rights.sql.
export async function up(db: Kysely<any>): Promise<void> {
  // one function a statement (PGlite takes one command at a time)
  for (const fn of (await functionSql('gz_cast_rights')).split(/\n(?=create or replace function)/).filter((t) => t.includes('create or replace function'))) {
    await sql.raw(fn).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('0073_cast_rights_fill_own_roll cannot be undone: restore a backup');
}
