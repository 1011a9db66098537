import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrationProvider } from '../../../db/migrations/index.ts';

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** For GET /readyz: every migration this code knows has been applied (the table is read, nothing is run). */
export async function migrationsCurrent(db: Kysely<any>): Promise<boolean> {
  const known = Object.keys(await migrationProvider.getMigrations());
  const rows = await db.selectFrom('kysely_migration').select('name').execute();
  const applied = new Set(rows.map((r) => String(r.name)));
  return known.every((name) => applied.has(name));
}
