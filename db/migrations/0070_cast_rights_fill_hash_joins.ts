import { sql, type Kysely } from 'kysely';
import { functionSql } from '../functions/load.ts';

// Frozen once landed. gz_cast_rights_fill plans its one statement over the whole roll without
// nested loops: the roll is written in the same transaction as the opening, before any
// statistics know it, and nested loops over it took minutes. Loaded again from
// db/functions/gz_cast_rights.sql, like 0064.
export async function up(db: Kysely<any>): Promise<void> {
  // one function a statement (PGlite takes one command at a time)
  for (const fn of (await functionSql('gz_cast_rights')).split(/\n(?=create or replace function)/).filter((t) => t.includes('create or replace function'))) {
    await sql.raw(fn).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('0070_cast_rights_fill_hash_joins cannot be undone: restore a backup');
}
