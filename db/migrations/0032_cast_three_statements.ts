import { sql, type Kysely } from 'kysely';
import { functionSql } from '../functions/load.ts';

// Frozen once landed. The online cast, cheaper under load and with the same rules and answers:
// gz_cast (loaded again from db/functions/gz_cast.sql) reads the session and the voters this
// person may cast for in one statement, counts the household's casts in the insert itself
// (checked again only when the insert writes nothing, to tell a limit from a closed ballot)
// and answers from its output variables, so an accepted cast runs three statements, not six.
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(await functionSql('gz_cast')).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0032_cast_three_statements cannot be undone: restore a backup');
}
