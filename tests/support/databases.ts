import { inject } from 'vitest';
import { scratchDatabase } from './scratch-database.ts';
import { openPgliteInMemory, openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';

export const postgresUrl = inject('postgresUrl');

/** A fresh, migrated database of either kind: in-memory PGlite, or a new PostgreSQL database. */
export async function freshDatabase(kind: 'pglite' | 'postgres'): Promise<OpenDatabase> {
  let open: OpenDatabase;
  if (kind === 'pglite') {
    open = await openPgliteInMemory();
  } else {
    if (!postgresUrl) throw new Error('no PostgreSQL available');
    open = openPostgres((await scratchDatabase(postgresUrl, 't')).url, 4);
  }
  await migrateToLatest(open.db);
  return open;
}

/** The backends an integration suite runs on: PostgreSQL only where one is available. */
export const BACKENDS = (postgresUrl ? ['pglite', 'postgres'] : ['pglite']) as ('pglite' | 'postgres')[];
