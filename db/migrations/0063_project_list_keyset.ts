import { sql, type Kysely } from 'kysely';

// Frozen once landed. The project list pages by keyset (src/features/projects/paging.ts):
// newest batch first, then by code, as a row comparison on (-batch_year, code), so that a
// page deep in 250,000 projects is an index range like the first. Partial on published
// projects (drafts are never listed). With a subdistrict or a stage the same order follows
// that column; with a year the code alone orders the rows (and the CSV and OC4IDS stream by
// code too).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index projects_list_order_idx on projects ((-batch_year), code) where published_at is not null`.execute(db);
  await sql`create index projects_list_subdistrict_idx on projects (subdistrict_id, (-batch_year), code) where published_at is not null`.execute(db);
  await sql`create index projects_list_stage_idx on projects (stage, (-batch_year), code) where published_at is not null`.execute(db);
  await sql`create index projects_list_year_idx on projects (batch_year, code) where published_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['projects_list_order_idx', 'projects_list_subdistrict_idx', 'projects_list_stage_idx', 'projects_list_year_idx'])
    await sql`drop index if exists ${sql.id(name)}`.execute(db);
}
