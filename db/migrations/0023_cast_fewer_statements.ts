import { sql, type Kysely } from 'kysely';
import { functionSql } from '../functions/load.ts';

// Frozen once landed. The online cast, cheaper and with the same rules: gz_cast (loaded
// again from db/functions/gz_cast.sql) writes the evidence row and the counted choices in
// one statement and upserts the choices instead of deleting and re-inserting them (a
// recast then changes three rows in place: no new index entries and no foreign-key checks
// of the ballot, voter and matter, which every cast otherwise took as shared row locks on
// the same few ballot and matter rows); it takes its two advisory locks in one statement
// and asks whether a ballot stands only of a new owner.
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(await functionSql('gz_cast')).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0023_cast_fewer_statements cannot be undone: restore a backup');
}
