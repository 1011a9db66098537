import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
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
    const name = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    open = openPostgres(url.toString(), 4);
  }
  await migrateToLatest(open.db);
  return open;
}

/** The backends an integration suite runs on: PostgreSQL only where one is available. */
export const BACKENDS = (postgresUrl ? ['pglite', 'postgres'] : ['pglite']) as ('pglite' | 'postgres')[];
