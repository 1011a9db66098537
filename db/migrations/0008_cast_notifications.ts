import { sql, type Kysely } from 'kysely';

// Frozen once landed. "The last ballot cast counts, and the other co-owners are told": a
// sweep outside the casting hot path texts the other owners of a household after a ballot
// is cast for it. It walks ballot_casts in id order from a high-water mark kept here (one
// row, locked while a sweep runs, so several server instances never text twice), which
// costs the cast itself nothing.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ballot_cast_notices')
    .addColumn('singleton', 'boolean', (c) =>
      c
        .primaryKey()
        .defaultTo(true)
        .check(sql`singleton`),
    )
    .addColumn('last_cast_id', 'bigint', (c) => c.notNull())
    .addColumn('swept_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // casts made before this migration are not announced now
  await sql`insert into ballot_cast_notices (singleton, last_cast_id) select true, coalesce(max(id), 0) from ballot_casts`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ballot_cast_notices').ifExists().execute();
}
