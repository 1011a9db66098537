import { sql, type Kysely } from 'kysely';
import { functionSql } from '../functions/load.ts';

// Frozen once landed. The search box (`q`) matched code, titles and the estates' names and
// addresses with `ilike '%…%'`, which reads every project and estate: 0.3–1 s a search at
// 250,000 projects. GIN indexes on each row's characters and pairs of characters
// (db/functions/gz_search_grams.sql, gz_search_key.sql) find the rows that hold every pair of the query; the
// `ilike` then keeps the exact matches. Pairs rather than pg_trgm's triples: two-character
// Chinese names (建设) are the common search, and no extension is needed on either engine.
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(await functionSql('gz_search_grams')).execute(db);
  await sql.raw(await functionSql('gz_search_key')).execute(db);
  await sql`create index projects_search_idx on projects using gin (gz_search_grams(code, title, title_en))`.execute(db);
  await sql`create index estates_search_idx on estates using gin (gz_search_grams(name, name_en, address))`.execute(db);
  await sql`create index notices_search_idx on notices using gin (gz_search_grams(title))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists notices_search_idx`.execute(db);
  await sql`drop index if exists estates_search_idx`.execute(db);
  await sql`drop index if exists projects_search_idx`.execute(db);
  await sql`drop function if exists gz_search_key(text)`.execute(db);
  await sql`drop function if exists gz_search_grams(text[])`.execute(db);
}
