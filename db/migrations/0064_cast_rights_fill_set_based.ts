import { sql, type Kysely } from 'kysely';
import { functionSql } from '../functions/load.ts';

// Frozen once landed. Opening a ballot fills ballot_cast_rights in one statement over the
// whole roll (gz_cast_voters_all, the rule for every account at once) instead of asking
// gz_cast_voters once per account that could have a right: a 50,000-household vote opens
// within seconds. The triggers and the rule itself are unchanged; the functions are loaded
// again from db/functions/gz_cast_rights.sql.
export async function up(db: Kysely<any>): Promise<void> {
  // one function a statement (PGlite takes one command at a time)
  for (const fn of (await functionSql('gz_cast_rights')).split(/\n(?=create or replace function)/).filter((t) => t.includes('create or replace function'))) {
    await sql.raw(fn).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('0064_cast_rights_fill_set_based cannot be undone: restore a backup');
}
