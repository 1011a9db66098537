import path from 'node:path';
import { Kysely, PostgresDialect, PGliteDialect } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { typeParsers } from './type-parsers.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { Database } from './schema.ts';
import { StripNulPlugin } from './strip-nul-plugin.ts';

const plugins = [new StripNulPlugin()];

export interface OpenDatabase {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

function pgTypes() {
  return {
    getTypeParser: (oid: number, format?: string) => typeParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text'),
  };
}

// The pg pool behind each Kysely instance on PostgreSQL, for the one hot path that sends a
// named prepared statement itself (the online cast: src/features/ballots/fast-cast.ts).
// A transaction is another Kysely instance and is not here: it keeps its own connection.
const pools = new WeakMap<Kysely<Database>, pg.Pool>();

/** The pg pool of a Kysely instance opened by openPostgres; undefined for PGlite and for transactions. */
export function pgPoolOf(db: Kysely<Database>): pg.Pool | undefined {
  return pools.get(db);
}

export function openPostgres(connectionString: string, max = Number(process.env.DATABASE_POOL_SIZE) || 10): OpenDatabase {
  const pool = new pg.Pool({ connectionString, max, types: pgTypes() as pg.CustomTypesConfig });
  // An idle connection dropped by the server (restart, failover) must not crash the process;
  // the pool replaces it on the next query.
  pool.on('error', (error) => console.error(`[数据库 / database] idle connection lost: ${error.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
  pools.set(db, pool);
  return { db, kind: 'postgres', close: () => db.destroy() };
}

/** The embedded database: one process per data directory, enforced by a lock file. */
export async function openPglite(dataDir: string): Promise<OpenDatabase> {
  const release = lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create({ dataDir: path.join(dataDir, 'pglite'), parsers: typeParsers });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins });
    return {
      db,
      kind: 'pglite',
      async close() {
        await db.destroy();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** In-memory PGlite for tests: no directory, no lock. */
export async function openPgliteInMemory(): Promise<OpenDatabase> {
  const pglite = await PGlite.create({ parsers: typeParsers });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins });
  return { db, kind: 'pglite', close: () => db.destroy() };
}
