// Which store uploaded files go to: PostgreSQL when DATABASE_URL is set (every instance
// serves the same files), else the local data directory of the embedded engine.
import path from 'node:path';
import type { Kysely } from 'kysely';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { fileStore, type FileStore } from './storage.ts';
import { databaseFileStore, type StoreName } from './database-store.ts';

/** The local directory of a store: public documents under DATA_DIR/files, private ones under DATA_DIR/private/files. */
export const localStoreRoot = (dataDir: string, store: StoreName): string => (store === 'public' ? dataDir : path.join(dataDir, 'private'));

export const storeFor = (store: StoreName, database?: Kysely<any>): FileStore =>
  config().databaseUrl ? databaseFileStore(database ? () => database : db, store) : fileStore(localStoreRoot(config().dataDir, store));

/** Proofs live apart from public documents; only staff of the subdistrict can read them. */
export const privateStore = (): FileStore => storeFor('private');

/** Published documents (drawings, notices). */
export const publicStore = (): FileStore => storeFor('public');
