import { config } from '../lib/config.ts';
import { openPglite, openPostgres, type OpenDatabase } from '../lib/db/open.ts';
import { migrateToLatest } from '../lib/db/migrate.ts';
import { DataDirLockedError } from '../lib/db/data-dir-lock.ts';

/** CLI commands open the database like the server does, and refuse while a server holds it. */
export async function openForCli(): Promise<OpenDatabase> {
  const cfg = config();
  try {
    const open = cfg.databaseUrl ? openPostgres(cfg.databaseUrl) : await openPglite(cfg.dataDir);
    await migrateToLatest(open.db);
    return open;
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      process.exit(3);
    }
    throw error;
  }
}
