import type { Kysely } from 'kysely';
import { config } from '../config.ts';
import { openPglite, openPostgres, type OpenDatabase } from './open.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

export type DB = Kysely<Database>;

type Starter = (open: OpenDatabase) => Promise<void>;

// The process-wide database. It lives on globalThis so that the launcher (which opens
// the database, takes the lock and migrates before listening) and the bundled server
// share one instance even though each carries its own copy of this module.
const KEY = Symbol.for('gongzhi.database');
const holder = globalThis as unknown as { [KEY]?: Promise<OpenDatabase> };

export function startDatabase(onReady?: Starter): Promise<OpenDatabase> {
  holder[KEY] ??= (async () => {
    const cfg = config();
    const open = cfg.databaseUrl ? openPostgres(cfg.databaseUrl) : await openPglite(cfg.dataDir);
    await migrateToLatest(open.db);
    if (onReady) await onReady(open);
    return open;
  })();
  return holder[KEY];
}

export async function db(): Promise<DB> {
  return (await startDatabase()).db;
}

export async function stopDatabase(): Promise<void> {
  const open = holder[KEY];
  delete holder[KEY];
  if (open) await (await open).close();
}
