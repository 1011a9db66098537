import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase, postgresUrl } from '../support/databases.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { databaseFileStore, FileCorruptError, CHUNK_SIZE } from '../../src/lib/files/database-store.ts';
import { fileStore } from '../../src/lib/files/storage.ts';
import { openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const opened: OpenDatabase[] = [];
afterAll(async () => {
  for (const o of opened) await o.close();
});

describe.each(BACKENDS)('uploaded files in the database (%s)', (kind) => {
  const open = async () => {
    const o = await freshDatabase(kind);
    opened.push(o);
    return o;
  };
  const chunkRows = async (o: OpenDatabase, key: string) =>
    (await sql<{ n: number; len: number }>`select n, length(bytes) as len from file_chunks where sha256 = ${key} order by n`.execute(o.db)).rows;

  it('stores, serves and removes files at the chunk boundaries: 0 bytes, exactly one chunk, one chunk and one byte', async () => {
    const o = await open();
    const store = databaseFileStore(() => o.db, 'public');
    for (const size of [0, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE - 7]) {
      const bytes = randomBytes(size);
      const stored = await store.put(bytes);
      expect(stored).toEqual({ key: sha(bytes), sha256: sha(bytes), size });
      const chunks = await chunkRows(o, stored.key);
      expect(chunks.length).toBe(Math.ceil(size / (1024 * 1024)));
      expect(chunks.every((c, i) => c.n === i && c.len <= 1024 * 1024)).toBe(true);
      const back = await store.get(stored.key);
      expect(back && Buffer.compare(back, bytes)).toBe(0);
      await store.remove(stored.key);
      expect(await store.get(stored.key)).toBeNull();
      expect(await chunkRows(o, stored.key)).toEqual([]);
    }
    await store.remove('0'.repeat(64)); // missing: not an error
  });

  it('stores the same bytes once, and keeps public and private apart', async () => {
    const o = await open();
    const pub = databaseFileStore(() => o.db, 'public', 10);
    const priv = databaseFileStore(() => o.db, 'private', 10);
    const bytes = Buffer.from('the same drawing, uploaded twice at once');
    const [a, b] = await Promise.all([pub.put(bytes), pub.put(bytes)]);
    expect(a.key).toBe(b.key);
    await priv.put(bytes);
    const blobs = await sql<{ store: string; n: number }>`select store, count(*)::int as n from file_blobs group by store order by store`.execute(o.db);
    expect(blobs.rows).toEqual([
      { store: 'private', n: 1 },
      { store: 'public', n: 1 },
    ]);
    await priv.remove(a.key);
    expect((await pub.get(a.key))?.toString()).toBe(bytes.toString());
    expect(await priv.get(a.key)).toBeNull();
  });

  it('refuses to serve bytes that do not hash to their key: a changed byte, a missing chunk, a shortened chunk', async () => {
    const o = await open();
    const store = databaseFileStore(() => o.db, 'private', 16);
    const cases = [
      sql`update file_chunks set bytes = overlay(bytes placing '\\x00'::bytea from 3 for 1) where n = 1`,
      sql`delete from file_chunks where n = 2`,
      sql`update file_chunks set bytes = substring(bytes from 1 for 15) where n = 0`,
    ];
    for (const corrupt of cases) {
      const bytes = Buffer.from(`a scanned ballot paper, fifty bytes long or so ${randomBytes(4).toString('hex')}`);
      const { key } = await store.put(bytes);
      expect((await store.get(key))?.equals(bytes)).toBe(true);
      await corrupt.execute(o.db);
      await expect(store.get(key)).rejects.toBeInstanceOf(FileCorruptError);
      await store.remove(key);
    }
  });
});

describe.skipIf(!postgresUrl)('npm run files:migrate', () => {
  it('moves the local files into PostgreSQL, skips a corrupt one, and runs again without copying twice', async () => {
    const scratch = await scratchDatabase(postgresUrl!, 'filesmig');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-filesmig-'));
    let o: OpenDatabase | undefined;
    try {
      const pub = fileStore(dataDir);
      const priv = fileStore(path.join(dataDir, 'private'));
      const drawing = randomBytes(CHUNK_SIZE + 1);
      const proof = Buffer.from('a proof of ownership');
      const d = await pub.put(drawing);
      const p = await priv.put(proof);
      const bad = await priv.put(Buffer.from('a scan that will rot'));
      fs.writeFileSync(priv.pathOf(bad.key), 'rotten');
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ['src/cli/files-migrate.ts', ...args], {
          env: { ...process.env, DATABASE_URL: scratch.url, GONGZHI_DATA_DIR: dataDir },
          encoding: 'utf8',
        });
      const first = run();
      expect(first.stdout).toContain('copied 2 files, 0 already in the database');
      expect(first.stdout).toContain('已复制 2 个文件');
      expect(first.stderr).toContain(bad.key);
      expect(first.status).toBe(1);

      o = openPostgres(scratch.url, 2);
      const pg = o.db;
      await migrateToLatest(pg);
      expect((await databaseFileStore(() => pg, 'public').get(d.key))?.equals(drawing)).toBe(true);
      expect((await databaseFileStore(() => pg, 'private').get(p.key))?.equals(proof)).toBe(true);
      expect(await databaseFileStore(() => pg, 'private').get(bad.key)).toBeNull();

      fs.rmSync(priv.pathOf(bad.key));
      const again = run();
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('copied 0 files, 2 already in the database');
      const remove = run('--remove-local');
      expect(remove.status).toBe(0);
      expect(remove.stdout).toContain('2 local copies removed');
      expect(await pub.list()).toEqual([]);
      expect(await priv.list()).toEqual([]);
      const count = await sql<{ n: number }>`select count(*)::int as n from file_blobs`.execute(pg);
      expect(count.rows[0]!.n).toBe(2);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await o?.close();
      await scratch.drop().catch(() => {});
    }
  });
});
