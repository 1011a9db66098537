import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { StoredFile } from './storage.ts';

/** About 1 MB: a 50 MB drawing is written and read fifty rows at a time, never whole twice. */
export const CHUNK_SIZE = 1024 * 1024;

export type StoreName = 'public' | 'private';

/** Stored bytes whose sha256 is not their key (or whose chunks are missing): never served. */
export class FileCorruptError extends Error {
  readonly key: string;
  constructor(key: string, why: string) {
    super(`文件 ${key} 已损坏（${why}），拒绝读取 / file ${key} is corrupt (${why}); not served`);
    this.name = 'FileCorruptError';
    this.key = key;
  }
}

const checkKey = (key: string) => {
  if (!/^[0-9a-f]{64}$/.test(key)) throw new RangeError('invalid storage key');
};

const asBuffer = (b: Uint8Array) => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Cuts a stream of byte arrays into pieces of exactly `size` bytes (the last one shorter), copying at most one piece. */
async function* rechunk(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const part of source) {
    let b = asBuffer(part);
    while (b.byteLength > 0) {
      if (pendingBytes === 0 && b.byteLength >= size) {
        yield b.subarray(0, size);
        b = b.subarray(size);
        continue;
      }
      const take = Math.min(size - pendingBytes, b.byteLength);
      pending.push(b.subarray(0, take));
      pendingBytes += take;
      b = b.subarray(take);
      if (pendingBytes === size) {
        yield Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}

/**
 * Uploaded files in PostgreSQL (tables of migration 0052), shared by every instance on one
 * DATABASE_URL. Content-addressed: the key is the sha256 of the bytes, the same bytes are
 * stored once, and a read whose bytes do not hash to the key fails instead of serving them.
 */
export function databaseFileStore(getDb: () => Promise<Kysely<any>> | Kysely<any>, store: StoreName, chunkSize = CHUNK_SIZE) {
  /** Writes chunks of a file whose sha256 and size are known; the hash is checked again while writing. */
  async function putChunks(sha256: string, size: number, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<StoredFile> {
    const db = await getDb();
    await db.transaction().execute(async (trx) => {
      const created = await sql<{ sha256: string }>`
        insert into file_blobs (store, sha256, size, chunk_size) values (${store}, ${sha256}, ${size}, ${chunkSize})
        on conflict (store, sha256) do nothing returning sha256`.execute(trx);
      if (created.rows.length === 0) return; // already stored: the same bytes, nothing to write
      const hash = createHash('sha256');
      let n = 0;
      let written = 0;
      for await (const chunk of rechunk(source, chunkSize)) {
        hash.update(chunk);
        await sql`insert into file_chunks (store, sha256, n, bytes) values (${store}, ${sha256}, ${n}, ${chunk})`.execute(trx);
        n += 1;
        written += chunk.byteLength;
      }
      if (written !== size || hash.digest('hex') !== sha256) throw new Error(`file ${sha256} changed while it was stored`);
    });
    return { key: sha256, sha256, size };
  }

  /** The chunks of one file, each checked for its length, the whole checked against the key at the end. */
  async function* chunks(db: Kysely<any>, key: string, size: number, storedChunkSize: number): AsyncGenerator<Buffer> {
    const count = Math.ceil(size / storedChunkSize);
    const hash = createHash('sha256');
    for (let n = 0; n < count; n++) {
      const row = (await sql<{ bytes: Uint8Array }>`select bytes from file_chunks where store = ${store} and sha256 = ${key} and n = ${n}`.execute(db)).rows[0];
      const expected = n < count - 1 ? storedChunkSize : size - storedChunkSize * (count - 1);
      if (!row) throw new FileCorruptError(key, `chunk ${n} missing`);
      if (row.bytes.byteLength !== expected) throw new FileCorruptError(key, `chunk ${n} has ${row.bytes.byteLength} bytes, not ${expected}`);
      hash.update(row.bytes);
      yield asBuffer(row.bytes);
    }
    const extra = await sql<{ n: number }>`select count(*)::int as n from file_chunks where store = ${store} and sha256 = ${key} and n >= ${count}`.execute(db);
    if (extra.rows[0]!.n > 0) throw new FileCorruptError(key, 'extra chunks');
    if (hash.digest('hex') !== key) throw new FileCorruptError(key, 'sha256 differs');
  }

  async function blob(db: Kysely<any>, key: string) {
    return (
      await sql<{ size: string | number; chunk_size: number }>`select size, chunk_size from file_blobs where store = ${store} and sha256 = ${key}`.execute(db)
    ).rows[0];
  }

  /** Runs `fn` on one snapshot (a file removed meanwhile is read whole or not at all). */
  async function snapshot<T>(fn: (db: Kysely<any>) => Promise<T>): Promise<T> {
    const db = await getDb();
    if (db.isTransaction) return fn(db);
    return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
  }

  return {
    async put(bytes: Uint8Array): Promise<StoredFile> {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      return putChunks(sha256, bytes.byteLength, [bytes]);
    },
    /**
     * Stores a file from disk in two passes (hash, then chunks), never holding it whole.
     * With `expected`, a file that does not hash to it is refused (FileCorruptError) and nothing is stored.
     */
    async putFile(file: string, expected?: string): Promise<StoredFile> {
      const hash = createHash('sha256');
      let size = 0;
      for await (const part of fs.createReadStream(file, { highWaterMark: chunkSize })) {
        hash.update(part as Buffer);
        size += (part as Buffer).byteLength;
      }
      const sha256 = hash.digest('hex');
      if (expected !== undefined && sha256 !== expected) throw new FileCorruptError(expected, 'sha256 differs');
      return putChunks(sha256, size, fs.createReadStream(file, { highWaterMark: chunkSize }));
    },
    /** Stores bytes that arrive piece by piece, whose sha256 and size are known beforehand (a restore); refused if they differ. */
    putStream(sha256: string, size: number, source: AsyncIterable<Uint8Array>): Promise<StoredFile> {
      checkKey(sha256);
      return putChunks(sha256, size, source);
    },
    /** The whole file, in one buffer filled chunk by chunk; null when there is none; FileCorruptError when its bytes are not its key. */
    async get(key: string): Promise<Buffer | null> {
      checkKey(key);
      return snapshot(async (db) => {
        const b = await blob(db, key);
        if (!b) return null;
        const size = Number(b.size);
        const out = Buffer.allocUnsafe(size);
        let at = 0;
        for await (const chunk of chunks(db, key, size, b.chunk_size)) {
          if (at + chunk.byteLength > size) throw new FileCorruptError(key, 'longer than recorded');
          chunk.copy(out, at);
          at += chunk.byteLength;
        }
        return out;
      });
    },
    /** The file's chunks one by one (for copying it elsewhere); the last step throws FileCorruptError on a mismatch. Call inside a transaction. */
    async *stream(key: string): AsyncGenerator<Buffer> {
      checkKey(key);
      const db = await getDb();
      const b = await blob(db, key);
      if (!b) throw new FileCorruptError(key, 'missing');
      yield* chunks(db, key, Number(b.size), b.chunk_size);
    },
    /** Every stored file of this store. */
    async list(): Promise<{ sha256: string; size: number }[]> {
      const db = await getDb();
      const rows = await sql<{ sha256: string; size: string | number }>`select sha256, size from file_blobs where store = ${store} order by sha256`.execute(db);
      return rows.rows.map((r) => ({ sha256: r.sha256, size: Number(r.size) }));
    },
    /** Deletes a file; a missing file is not an error. */
    async remove(key: string): Promise<void> {
      checkKey(key);
      const db = await getDb();
      await sql`delete from file_blobs where store = ${store} and sha256 = ${key}`.execute(db);
    },
  };
}
