// npm run db:backup / db:restore driven as an operator runs them (the CLI, in a child
// process), on the embedded engine and on real PostgreSQL. Every table is compared row by
// row (each row's text, sorted, hashed by this test) and every uploaded file by its sha256.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../support/databases.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { openPglite, openPostgres } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { lockDataDir } from '../../src/lib/db/data-dir-lock.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { appendAudit } from '../../src/features/audit/service.ts';
import { fileStore } from '../../src/lib/files/storage.ts';
import { databaseFileStore } from '../../src/lib/files/database-store.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { DEMO_ADMIN_PHONE } from '../../db/seed/demo-accounts.ts';

const KEY = `v1:${randomBytes(32).toString('base64')}`;
const OTHER_KEY = `v2:${randomBytes(32).toString('base64')}`;
const PASSPHRASE = 'correct horse battery staple 共治';
const SLOW = 900_000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-backup-test-'));
const scratches: ScratchDatabase[] = [];
afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const s of scratches) await s.drop().catch(() => {});
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
function cli(script: string, args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, DATABASE_URL: '', GONGZHI_ID_KEY: '', GONGZHI_BACKUP_PASSPHRASE: '', ...env } as NodeJS.ProcessEnv,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}
const backupCli = (dir: string, env: Record<string, string | undefined>) => cli('src/cli/db-backup.ts', [dir], env);
const restoreCli = (dir: string, env: Record<string, string | undefined>) => cli('src/cli/db-restore.ts', [dir], env);

/** Every table's rows as text, sorted and hashed here; the counts too. */
async function tableSnapshot(db: Kysely<any>): Promise<Record<string, { rows: number; sha256: string }>> {
  return db.transaction().execute(async (trx) => {
    await sql`set local timezone = 'UTC'`.execute(trx);
    const tables = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and c.relname not in ('kysely_migration', 'kysely_migration_lock', 'file_blobs', 'file_chunks')`.execute(
      trx,
    );
    const out: Record<string, { rows: number; sha256: string }> = {};
    for (const { name } of tables.rows) {
      const rows = (await sql<{ r: string }>`select t::text as r from ${sql.table(name)} as t`.execute(trx)).rows.map((x) => x.r).sort();
      out[name] = { rows: rows.length, sha256: createHash('sha256').update(rows.join('\n')).digest('hex') };
    }
    return out;
  });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Every stored file: store/sha256 → the sha256 of the bytes as read back. */
async function fileSnapshot(where: { dataDir: string } | { db: Kysely<any> }): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const store of ['public', 'private'] as const) {
    if ('dataDir' in where) {
      const local = fileStore(store === 'public' ? where.dataDir : path.join(where.dataDir, 'private'));
      for (const key of await local.list()) out[`${store}/${key}`] = sha(fs.readFileSync(local.pathOf(key)));
    } else {
      const remote = databaseFileStore(() => where.db, store);
      for (const f of await remote.list()) out[`${store}/${f.sha256}`] = sha((await remote.get(f.sha256))!);
    }
  }
  return out;
}

const listFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? [path.join(dir, e.name), ...listFiles(path.join(dir, e.name))] : [path.join(dir, e.name)]));

describe('backup and restore', () => {
  const source = path.join(tmp, 'source');
  const encrypted = path.join(tmp, 'backup-encrypted');
  let before: Awaited<ReturnType<typeof tableSnapshot>>;
  let beforeFiles: Record<string, string>;
  let scan: Buffer;

  beforeAll(async () => {
    // the demo data, the demo accounts and register (ID numbers hashed with KEY), audit entries and a private scan
    const open = await openPglite(source);
    try {
      await migrateToLatest(open.db);
      await seedDatabase(open, source, 3, () => {}, parseIdKey(KEY));
      for (let i = 0; i < 3; i++)
        await open.db.transaction().execute((trx) => appendAudit(trx, { actorUserId: null, action: 'test.entry', target: `t:${i}`, detail: { i } }));
      scan = randomBytes(1024 * 1024 + 1);
      await fileStore(path.join(source, 'private')).put(scan);
      before = await tableSnapshot(open.db);
    } finally {
      await open.close();
    }
    beforeFiles = await fileSnapshot({ dataDir: source });
    expect(Object.keys(beforeFiles).length).toBeGreaterThan(3);
    expect(before.audit_log!.rows).toBeGreaterThanOrEqual(3);
    expect(before.register_owners!.rows).toBeGreaterThan(0);
  }, SLOW);

  it(
    'refuses to back up the embedded database while a server holds it',
    async () => {
      const release = lockDataDir(source);
      try {
        const res = await backupCli(path.join(tmp, 'locked'), { GONGZHI_DATA_DIR: source });
        expect(res.status).toBe(3);
        expect(res.stderr).toContain('须先停止服务');
        expect(res.stderr).toContain('stop the server before the backup');
        expect(fs.existsSync(path.join(tmp, 'locked', 'manifest.json'))).toBe(false);
      } finally {
        release();
      }
    },
    SLOW,
  );

  it(
    'writes an encrypted backup readable by nobody else, without the residents’ numbers in the clear',
    async () => {
      const res = await backupCli(encrypted, { GONGZHI_DATA_DIR: source, GONGZHI_ID_KEY: KEY, GONGZHI_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(res.stderr).not.toContain('error');
      expect(res.status).toBe(0);
      expect(res.stdout).toContain('backup done');
      expect(res.stderr).toMatch(/table \d+\/\d+ audit_log: \d+ rows/);
      for (const f of [encrypted, ...listFiles(encrypted)]) {
        const mode = fs.statSync(f).mode & 0o777;
        expect(mode, f).toBe(fs.statSync(f).isDirectory() ? 0o700 : 0o600);
        if (fs.statSync(f).isFile()) {
          const bytes = fs.readFileSync(f);
          expect(bytes.includes(DEMO_ADMIN_PHONE), f).toBe(false);
          expect(bytes.includes(scan.subarray(0, 64)), f).toBe(false);
        }
      }
      const manifest = JSON.parse(fs.readFileSync(path.join(encrypted, 'manifest.json'), 'utf8'));
      expect(manifest.idKey).toMatchObject({ version: 1, file: 'id-key' });
      expect(manifest.tables.find((t: { name: string }) => t.name === 'audit_log').rows).toBe(before.audit_log!.rows);
    },
    SLOW,
  );

  it(
    'refuses a missing or wrong passphrase, another ID key, and a backup newer than the code, writing nothing',
    async () => {
      const target = path.join(tmp, 'refused');
      const cases: [Record<string, string>, string, string][] = [
        [{ GONGZHI_ID_KEY: KEY }, '此备份已加密', 'this backup is encrypted'],
        [{ GONGZHI_ID_KEY: KEY, GONGZHI_BACKUP_PASSPHRASE: 'wrong' }, '口令不对', 'wrong passphrase'],
        [{ GONGZHI_ID_KEY: OTHER_KEY, GONGZHI_BACKUP_PASSPHRASE: PASSPHRASE }, '证件号码密钥不符', 'ID-number key mismatch'],
      ];
      for (const [env, zh, en] of cases) {
        const res = await restoreCli(encrypted, { GONGZHI_DATA_DIR: target, ...env });
        expect(res.status).toBe(2);
        expect(res.stderr).toContain(zh);
        expect(res.stderr).toContain(en);
      }
      const newer = path.join(tmp, 'backup-newer');
      fs.cpSync(encrypted, newer, { recursive: true });
      const manifest = JSON.parse(fs.readFileSync(path.join(newer, 'manifest.json'), 'utf8'));
      manifest.migrations.push('9999_from_the_future');
      fs.writeFileSync(path.join(newer, 'manifest.json'), JSON.stringify(manifest));
      const res = await restoreCli(newer, { GONGZHI_DATA_DIR: target, GONGZHI_ID_KEY: KEY, GONGZHI_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(res.status).toBe(2);
      expect(res.stderr).toContain('备份来自更新的程序版本');
      expect(res.stderr).toContain('9999_from_the_future');
      expect(fs.existsSync(path.join(target, 'pglite'))).toBe(false);

      // one byte changed in an encrypted table file: its authentication tag fails, nothing is committed
      const tampered = path.join(tmp, 'backup-tampered');
      fs.cpSync(encrypted, tampered, { recursive: true });
      const tableFile = path.join(tampered, manifest.tables.find((t: { name: string }) => t.name === 'audit_log').file);
      const bytes = fs.readFileSync(tableFile);
      bytes[bytes.length - 20]! ^= 1;
      fs.writeFileSync(tableFile, bytes);
      const broken = await restoreCli(tampered, { GONGZHI_DATA_DIR: target, GONGZHI_ID_KEY: KEY, GONGZHI_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(broken.status).toBe(2);
      expect(broken.stderr).toContain('无法解密备份文件');
      const open = await openPglite(target);
      try {
        expect((await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(open.db)).rows[0]!.n).toBe(0);
      } finally {
        await open.close();
      }
    },
    SLOW,
  );

  it(
    'restores onto the wiped embedded engine: every table, every file, the audit chain; then refuses a second restore',
    async () => {
      const copy = path.join(tmp, 'source-kept');
      fs.cpSync(source, copy, { recursive: true });
      fs.rmSync(source, { recursive: true, force: true }); // wipe
      const env = { GONGZHI_DATA_DIR: source, GONGZHI_ID_KEY: KEY, GONGZHI_BACKUP_PASSPHRASE: PASSPHRASE };
      const res = await restoreCli(encrypted, env);
      expect(res.stderr).not.toContain('error');
      expect(res.status).toBe(0);
      expect(res.stdout).toContain('restore done');
      const open = await openPglite(source);
      try {
        expect(await tableSnapshot(open.db)).toEqual(before);
      } finally {
        await open.close();
      }
      expect(await fileSnapshot({ dataDir: source })).toEqual(beforeFiles);
      const audit = await cli('src/cli/audit-verify.ts', [], { GONGZHI_DATA_DIR: source });
      expect(audit.stdout).toContain('audit chain intact');
      expect(audit.status).toBe(0);

      const again = await restoreCli(encrypted, env);
      expect(again.status).toBe(2);
      expect(again.stderr).toContain('目标数据库不是空的');
      expect(again.stderr).toContain('the target database is not empty');
    },
    SLOW,
  );

  it.skipIf(!postgresUrl)(
    'moves the embedded district to PostgreSQL, then backs PostgreSQL up online and restores it onto a wiped database',
    async () => {
      const first = await scratchDatabase(postgresUrl!, 'restore');
      scratches.push(first);
      const env = { DATABASE_URL: first.url, GONGZHI_DATA_DIR: path.join(tmp, 'pg-data'), GONGZHI_ID_KEY: KEY };
      const res = await restoreCli(encrypted, { ...env, GONGZHI_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(res.stderr).not.toContain('error');
      expect(res.status).toBe(0);
      let open = openPostgres(first.url, 2);
      try {
        expect(await tableSnapshot(open.db)).toEqual(before);
        expect(await fileSnapshot({ db: open.db })).toEqual(beforeFiles);
        // the sequences stand where they stood: a new audit entry follows on
        await open.db.transaction().execute((trx) => appendAudit(trx, { actorUserId: null, action: 'test.after-restore', target: 't:pg' }));
      } finally {
        await open.close();
      }
      const audit = await cli('src/cli/audit-verify.ts', [], env);
      expect(audit.stdout).toContain('audit chain intact');
      expect(audit.status).toBe(0);

      // online backup of PostgreSQL (no passphrase: plain files, still 0600), wipe, restore
      open = openPostgres(first.url, 2);
      const pgBefore = await tableSnapshot(open.db);
      const pgFiles = await fileSnapshot({ db: open.db });
      await open.close();
      const plain = path.join(tmp, 'backup-postgres');
      const made = await backupCli(plain, env);
      expect(made.status).toBe(0);
      expect(made.stderr).toContain('the backup is not encrypted');
      await first.drop(); // wipe
      const second = await scratchDatabase(postgresUrl!, 'restore');
      scratches.push(second);
      const back = await restoreCli(plain, { ...env, DATABASE_URL: second.url });
      expect(back.stderr).not.toContain('error');
      expect(back.status).toBe(0);
      open = openPostgres(second.url, 2);
      try {
        expect(await tableSnapshot(open.db)).toEqual(pgBefore);
        expect(await fileSnapshot({ db: open.db })).toEqual(pgFiles);
      } finally {
        await open.close();
      }
      const audit2 = await cli('src/cli/audit-verify.ts', [], { ...env, DATABASE_URL: second.url });
      expect(audit2.status).toBe(0);
    },
    SLOW,
  );
});
