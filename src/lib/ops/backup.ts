// npm run db:backup / db:restore: a portal-level export that moves a district between
// machines and between engines (embedded PGlite, PostgreSQL 17, to a PostgreSQL server 15+).
// A backup directory holds manifest.json (migration level, ID-key version and fingerprint,
// row counts and sha256 of every table and file), tables/NNN_<table>.jsonl and
// files/<public|private>/<sha256>; with a passphrase all but the manifest are encrypted.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { OpenDatabase } from '../db/open.ts';
import { openPgliteInMemory } from '../db/open.ts';
import { migrationProvider } from '../../../db/migrations/index.ts';
import { parseIdKey, type IdKey } from '../id-key.ts';
import { fileStore } from '../files/storage.ts';
import { databaseFileStore, type StoreName } from '../files/database-store.ts';
import { localStoreRoot } from '../files/private-store.ts';
import { backupKey, BackupPassphraseError, linesOf, newSalt, openCheck, openSink, readBackupFile, sealCheck, SCRYPT, type BackupKey } from './backup-file.ts';
import { appliedMigrations, portalTables, sequenceStates, stableOutput, tableDigest, tableLines } from './portal-export.ts';

export const FORMAT = 'gongzhi-backup';

export interface Manifest {
  format: typeof FORMAT;
  version: 1;
  createdAt: string;
  engine: 'postgres' | 'pglite';
  serverVersion: string;
  migrations: string[];
  /** the key that hashed the ID numbers: its version and a fingerprint; `file` when the key itself is in the backup */
  idKey: { version: number; fingerprint: string; file: string | null } | null;
  encryption: { cipher: 'aes-256-gcm'; kdf: 'scrypt+hkdf-sha256'; N: number; r: number; p: number; salt: string; check: string } | null;
  tables: { name: string; columns: string[]; file: string; rows: number; sha256: string }[];
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
  files: { store: StoreName; sha256: string; size: number; file: string }[];
}

/** A refusal with its reason in Chinese and English; nothing was written. */
export class BackupRefusal extends Error {
  readonly zh: string;
  readonly en: string;
  constructor(zh: string, en: string) {
    super(en);
    this.name = 'BackupRefusal';
    this.zh = zh;
    this.en = en;
  }
}

export type Progress = (zh: string, en: string) => void;

export const keyFingerprint = (key: IdKey): string => createHmac('sha256', key.key).update('gongzhi id-key fingerprint').digest('hex').slice(0, 16);

/** The ID-hash key a process would use, without making one: GONGZHI_ID_KEY, else the data directory's key file (demo mode). */
export function configuredIdKey(env: Record<string, string | undefined>, dataDir: string): { key: IdKey; source: 'env' | 'data-dir' } | null {
  const fromEnv = env.GONGZHI_ID_KEY?.trim();
  if (fromEnv) return { key: parseIdKey(fromEnv), source: 'env' };
  const file = path.join(dataDir, 'id-key');
  if (fs.existsSync(file)) return { key: parseIdKey(fs.readFileSync(file, 'utf8')), source: 'data-dir' };
  return null;
}

async function codeMigrations(): Promise<string[]> {
  return Object.keys(await migrationProvider.getMigrations()).sort();
}

function isEmptyDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

// ───────────────────────────── backup ─────────────────────────────

export interface BackupOptions {
  dir: string;
  passphrase: string | null;
  dataDir: string;
  idKey: { key: IdKey; source: 'env' | 'data-dir' } | null;
  progress: Progress;
}

/**
 * Writes a backup of an open database. On PostgreSQL it reads one REPEATABLE READ snapshot
 * while the portal keeps running; the embedded engine is opened by one process only, so the
 * caller holds its lock (the server is stopped).
 */
export async function backup(open: OpenDatabase, o: BackupOptions): Promise<{ manifest: Manifest; rows: number; bytes: number }> {
  if (!isEmptyDir(o.dir))
    throw new BackupRefusal(`备份目录 ${o.dir} 已存在且不是空的：请指定一个新目录`, `the backup directory ${o.dir} exists and is not empty: name a new one`);
  const existed = fs.existsSync(o.dir);
  try {
    return await writeBackup(open, o);
  } catch (error) {
    // an unfinished backup is not left behind to be mistaken for one
    if (existed) for (const entry of fs.readdirSync(o.dir)) fs.rmSync(path.join(o.dir, entry), { recursive: true, force: true });
    else fs.rmSync(o.dir, { recursive: true, force: true });
    throw error;
  }
}

async function writeBackup(open: OpenDatabase, o: BackupOptions): Promise<{ manifest: Manifest; rows: number; bytes: number }> {
  for (const d of [o.dir, path.join(o.dir, 'tables'), path.join(o.dir, 'files'), path.join(o.dir, 'files', 'public'), path.join(o.dir, 'files', 'private')]) {
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    fs.chmodSync(d, 0o700);
  }
  const salt = newSalt();
  const key: BackupKey | null = o.passphrase !== null ? await backupKey(o.passphrase, salt) : null;
  const encryption: Manifest['encryption'] = key
    ? { cipher: 'aes-256-gcm', kdf: 'scrypt+hkdf-sha256', ...SCRYPT, salt: salt.toString('base64'), check: sealCheck(key) }
    : null;
  let totalRows = 0;
  let totalBytes = 0;

  const manifest = await open.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      await stableOutput(trx);
      const serverVersion = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(trx)).rows[0]!.v;
      const migrations = await appliedMigrations(trx);
      const tables = await portalTables(trx);
      const out: Manifest['tables'] = [];
      for (const [i, t] of tables.entries()) {
        const file = `tables/${String(i + 1).padStart(3, '0')}_${t.name}.jsonl`;
        const sink = await openSink(path.join(o.dir, file), key);
        let rows = 0;
        for await (const batch of tableLines(trx, t.name)) {
          await sink.write(batch.join('\n') + '\n');
          rows += batch.length;
        }
        const { sha256, bytes } = await sink.end();
        totalRows += rows;
        totalBytes += bytes;
        out.push({ name: t.name, columns: t.columns, file, rows, sha256 });
        o.progress(`表 ${i + 1}/${tables.length} ${t.name}：${rows} 行`, `table ${i + 1}/${tables.length} ${t.name}: ${rows} rows`);
      }
      const sequences = await sequenceStates(trx);

      // uploaded files: from the database (the same snapshot) and any still in the local directory
      const files: Manifest['files'] = [];
      for (const store of ['public', 'private'] as StoreName[]) {
        const local = fileStore(localStoreRoot(o.dataDir, store));
        const remote = open.kind === 'postgres' ? databaseFileStore(() => trx, store) : null;
        const inDb = new Set(remote ? (await remote.list()).map((f) => f.sha256) : []);
        const keys = [...new Set([...inDb, ...(await local.list())])].sort();
        for (const name of keys) {
          const file = `files/${store}/${name}`;
          const sink = await openSink(path.join(o.dir, file), key);
          const source = inDb.has(name) ? remote!.stream(name) : fs.createReadStream(local.pathOf(name), { highWaterMark: 1024 * 1024 });
          for await (const part of source) await sink.write(part as Buffer);
          const { sha256, bytes } = await sink.end();
          if (sha256 !== name)
            throw new BackupRefusal(
              `文件 ${store}/${name} 已损坏（内容与 sha256 不符），备份中止`,
              `file ${store}/${name} is corrupt (its bytes do not match its sha256); backup stopped`,
            );
          totalBytes += bytes;
          files.push({ store, sha256: name, size: bytes, file });
          if (files.length % 50 === 0) o.progress(`文件 ${files.length} 个`, `${files.length} files`);
        }
      }
      o.progress(`文件共 ${files.length} 个`, `${files.length} files in all`);

      let idKey: Manifest['idKey'] = null;
      if (o.idKey) {
        // the key itself only where it cannot leak more than the data: encrypted, or the demo key file
        const include = key !== null || o.idKey.source === 'data-dir';
        if (include) {
          const sink = await openSink(path.join(o.dir, 'id-key'), key);
          await sink.write(`v${o.idKey.key.version}:${Buffer.from(o.idKey.key.key).toString('base64')}\n`);
          await sink.end();
        }
        idKey = { version: o.idKey.key.version, fingerprint: keyFingerprint(o.idKey.key), file: include ? 'id-key' : null };
      }
      return {
        format: FORMAT,
        version: 1,
        createdAt: new Date().toISOString(),
        engine: open.kind,
        serverVersion,
        migrations,
        idKey,
        encryption,
        tables: out,
        sequences,
        files,
      } satisfies Manifest;
    });
  // the manifest last: a directory without one is an unfinished backup
  fs.writeFileSync(path.join(o.dir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n', { mode: 0o600, flag: 'wx' });
  return { manifest, rows: totalRows, bytes: totalBytes };
}

// ───────────────────────────── restore ─────────────────────────────

export interface RestoreChecks {
  dir: string;
  passphrase: string | null;
  /** the key the target would use (configuredIdKey), or null */
  targetKey: IdKey | null;
}

/** Reads the manifest and refuses, before touching any database, a backup that is not one, is newer than this code, needs another passphrase or another key. */
export async function checkBackup(c: RestoreChecks): Promise<{ manifest: Manifest; key: BackupKey | null }> {
  const file = path.join(c.dir, 'manifest.json');
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch {
    throw new BackupRefusal(`${file} 不存在或无法读取：这不是一个完整的共治备份`, `${file} is missing or unreadable: this is not a complete Gongzhi backup`);
  }
  if (m.format !== FORMAT || m.version !== 1 || !Array.isArray(m.tables) || !Array.isArray(m.migrations))
    throw new BackupRefusal(`${file} 不是共治备份的清单`, `${file} is not the manifest of a Gongzhi backup`);
  const known = new Set(await codeMigrations());
  const unknown = m.migrations.filter((n) => !known.has(n));
  if (unknown.length)
    throw new BackupRefusal(
      `备份来自更新的程序版本（本程序没有迁移 ${unknown.join('、')}）：请先把程序升级到该版本或更新，再恢复`,
      `the backup comes from a newer version of the portal (this code lacks migration ${unknown.join(', ')}): upgrade the code to that version or later, then restore`,
    );
  let key: BackupKey | null = null;
  if (m.encryption) {
    if (c.passphrase === null)
      throw new BackupRefusal(
        '此备份已加密：请设置 GONGZHI_BACKUP_PASSPHRASE 为备份时的口令',
        'this backup is encrypted: set GONGZHI_BACKUP_PASSPHRASE to the passphrase it was made with',
      );
    key = await backupKey(c.passphrase, Buffer.from(m.encryption.salt ?? '', 'base64'));
    if (!openCheck(m.encryption.check, key))
      throw new BackupRefusal(
        '口令不对：GONGZHI_BACKUP_PASSPHRASE 解不开此备份，未写入任何数据',
        'wrong passphrase: GONGZHI_BACKUP_PASSPHRASE does not open this backup; nothing was written',
      );
  }
  if (m.idKey) {
    if (c.targetKey) {
      const fp = keyFingerprint(c.targetKey);
      if (fp !== m.idKey.fingerprint)
        throw new BackupRefusal(
          `证件号码密钥不符：备份中的证件号码用版本 v${m.idKey.version}（指纹 ${m.idKey.fingerprint}）的密钥计算，当前密钥是版本 v${c.targetKey.version}（指纹 ${fp}）。请把 GONGZHI_ID_KEY 设为备份时的密钥再恢复`,
          `ID-number key mismatch: the backup's ID numbers were hashed with key v${m.idKey.version} (fingerprint ${m.idKey.fingerprint}), the key set here is v${c.targetKey.version} (fingerprint ${fp}). Set GONGZHI_ID_KEY to the key the backup was made with, then restore`,
        );
    } else if (!m.idKey.file) {
      throw new BackupRefusal(
        `未设置证件号码密钥：请把 GONGZHI_ID_KEY 设为备份时的密钥（版本 v${m.idKey.version}，指纹 ${m.idKey.fingerprint}）再恢复`,
        `no ID-number key: set GONGZHI_ID_KEY to the key the backup was made with (v${m.idKey.version}, fingerprint ${m.idKey.fingerprint}), then restore`,
      );
    }
  }
  return { manifest: m, key };
}

/** Row counts of a freshly migrated database at this level: the rows the migrations themselves write. */
async function migrationBaseline(level: string, tables: string[]): Promise<Map<string, number>> {
  const mem = await openPgliteInMemory();
  try {
    const res = await new Migrator({ db: mem.db, provider: migrationProvider }).migrateTo(level);
    if (res.error) throw res.error instanceof Error ? res.error : new Error(String(res.error));
    return await rowCounts(mem.db, tables);
  } finally {
    await mem.close();
  }
}

async function rowCounts(db: Kysely<any>, tables: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const t of tables) counts.set(t, (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db)).rows[0]!.n);
  return counts;
}

export interface RestoreOptions {
  dir: string;
  /** the key checkBackup derived, for an encrypted backup */
  key: BackupKey | null;
  dataDir: string;
  progress: Progress;
}

/**
 * Loads a checked backup into an empty database (and its file store): with triggers off
 * (session_replication_role = replica) so that history and audit are written as they were,
 * sequences set as they stood, every table's and file's sha256 checked before the commit.
 * The database ends at the backup's migration level; the caller migrates on from there.
 */
export async function restore(open: OpenDatabase, m: Manifest, o: RestoreOptions): Promise<{ rows: number; files: number; keyWritten: string | null }> {
  const level = m.migrations[m.migrations.length - 1];
  if (!level) throw new BackupRefusal('备份中没有迁移记录', 'the backup records no migration');
  const applied = await appliedMigrations(open.db);
  const beyond = applied.filter((n) => !m.migrations.includes(n));
  if (beyond.length)
    throw new BackupRefusal(
      `目标数据库的结构比备份新（已执行迁移 ${beyond.join('、')}）：请恢复到一个新建的空数据库`,
      `the target database's schema is newer than the backup (migration ${beyond.join(', ')} applied): restore into a newly created, empty database`,
    );
  const migrated = await new Migrator({ db: open.db, provider: migrationProvider }).migrateTo(level);
  if (migrated.error) throw migrated.error instanceof Error ? migrated.error : new Error(String(migrated.error));

  // an empty database: no table holds more rows than the migrations themselves write
  const names = m.tables.map((t) => t.name);
  const counts = await rowCounts(open.db, names);
  const baseline = applied.length === 0 ? counts : await migrationBaseline(level, names);
  const extra = names.filter((t) => counts.get(t)! > baseline.get(t)!);
  const storedFiles = open.kind === 'postgres' ? (await sql<{ n: number }>`select count(*)::int as n from file_blobs`.execute(open.db)).rows[0]!.n : 0;
  if (extra.length || storedFiles > 0) {
    const what = extra.length ? extra.slice(0, 3).map((t) => `${t} (${counts.get(t)})`) : [`file_blobs (${storedFiles})`];
    throw new BackupRefusal(
      `目标数据库不是空的（${what.join('、')} 行）：恢复只写入空数据库，不覆盖已有数据。请新建一个空数据库（或使用空的数据目录）再恢复`,
      `the target database is not empty (rows in ${what.join(', ')}): a restore writes only into an empty database and overwrites nothing. Create an empty database (or use an empty data directory), then restore`,
    );
  }

  // files first (content-addressed, so a failed restore leaves nothing that matters)
  let fileCount = 0;
  for (const f of m.files) {
    const source = readBackupFile(path.join(o.dir, f.file), o.key);
    if (open.kind === 'postgres') {
      await databaseFileStore(() => open.db, f.store).putStream(f.sha256, f.size, source);
    } else {
      const local = fileStore(localStoreRoot(o.dataDir, f.store));
      const target = local.pathOf(f.sha256);
      await fsp.mkdir(path.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      const out = await fsp.open(tmp, 'w');
      const hash = createHash('sha256');
      try {
        for await (const part of source) {
          hash.update(part);
          await out.write(part);
        }
      } finally {
        await out.close();
      }
      if (hash.digest('hex') !== f.sha256) {
        await fsp.rm(tmp, { force: true });
        throw new BackupRefusal(`备份中的文件 ${f.file} 已损坏（sha256 不符）`, `the backup's file ${f.file} is damaged (sha256 differs)`);
      }
      await fsp.rename(tmp, target);
    }
    fileCount++;
    if (fileCount % 50 === 0 || fileCount === m.files.length) o.progress(`文件 ${fileCount}/${m.files.length}`, `files ${fileCount}/${m.files.length}`);
  }

  let rows = 0;
  await open.db.transaction().execute(async (trx) => {
    try {
      await sql`set local session_replication_role = replica`.execute(trx);
    } catch (error) {
      throw new BackupRefusal(
        `无法关闭触发器（session_replication_role）：恢复需要数据库超级用户，或在 PostgreSQL 15 及以上执行 GRANT SET ON PARAMETER session_replication_role TO <用户>（${(error as Error).message}）`,
        `cannot turn triggers off (session_replication_role): a restore needs a database superuser, or on PostgreSQL 15+ GRANT SET ON PARAMETER session_replication_role TO <user> (${(error as Error).message})`,
      );
    }
    await stableOutput(trx);
    // the rows the migrations wrote (one-row clocks and counters) give way to the backup's
    for (const t of [...names].reverse()) if (counts.get(t)! > 0) await sql`delete from ${sql.table(t)}`.execute(trx);
    for (const [i, t] of m.tables.entries()) {
      const cols = sql.join(t.columns.map((c) => sql.id(c)));
      const { lines, digest } = linesOf(readBackupFile(path.join(o.dir, t.file), o.key));
      let batch: string[] = [];
      let batchBytes = 0;
      let loaded = 0;
      const flush = async () => {
        if (!batch.length) return;
        const json = `[${batch.join(',')}]`;
        await sql`insert into ${sql.table(t.name)} (${cols}) overriding system value
          select ${cols} from jsonb_populate_recordset(null::${sql.table(t.name)}, ${json}::jsonb)`.execute(trx);
        loaded += batch.length;
        batch = [];
        batchBytes = 0;
      };
      for await (const line of lines) {
        batch.push(line);
        batchBytes += line.length;
        if (batch.length >= 500 || batchBytes > 4_000_000) await flush();
      }
      await flush();
      const read = digest();
      if (read.sha256 !== t.sha256 || loaded !== t.rows)
        throw new BackupRefusal(
          `备份中的表文件 ${t.file} 已损坏（sha256 或行数不符）`,
          `the backup's table file ${t.file} is damaged (sha256 or row count differs)`,
        );
      rows += loaded;
      o.progress(`表 ${i + 1}/${m.tables.length} ${t.name}：${loaded} 行`, `table ${i + 1}/${m.tables.length} ${t.name}: ${loaded} rows`);
    }
    for (const s of m.sequences) await sql`select setval(${s.name}::regclass, ${s.lastValue}::bigint, ${s.isCalled})`.execute(trx);
    // read back: every table must give the bytes the backup recorded
    for (const t of m.tables) {
      const d = await tableDigest(trx, t.name);
      if (d.sha256 !== t.sha256 || d.rows !== t.rows)
        throw new Error(`restored table ${t.name} differs from the backup (${d.rows} rows, sha256 ${d.sha256}; backup: ${t.rows} rows, ${t.sha256})`);
    }
    o.progress('已核对每个表的 sha256', 'every table checked against its sha256');
  });

  let keyWritten: string | null = null;
  if (m.idKey?.file) {
    const file = path.join(o.dataDir, 'id-key');
    if (!fs.existsSync(file) && !process.env.GONGZHI_ID_KEY?.trim()) {
      const chunks: Buffer[] = [];
      for await (const part of readBackupFile(path.join(o.dir, m.idKey.file), o.key)) chunks.push(part);
      fs.mkdirSync(o.dataDir, { recursive: true });
      fs.writeFileSync(file, Buffer.concat(chunks), { mode: 0o600, flag: 'wx' });
      keyWritten = file;
    }
  }
  return { rows, files: fileCount, keyWritten };
}

export { BackupPassphraseError };
