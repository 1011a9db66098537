// What npm run db:backup and db:restore share: the directory argument, the passphrase, how
// the database is opened (the embedded one only while no server holds it), and how a
// refusal is printed (Chinese, then English, on stderr; exit code 2).
import { config } from '../lib/config.ts';
import { openPglite, openPostgres, type OpenDatabase } from '../lib/db/open.ts';
import { DataDirLockedError } from '../lib/db/data-dir-lock.ts';
import { BackupPassphraseError, BackupRefusal, type Progress } from '../lib/ops/backup.ts';
import { fail } from './json-file-cli.ts';

export function directoryArgument(usage: { zh: string; en: string }): string | null {
  const dir = process.argv[2];
  if (!dir || dir.startsWith('-') || process.argv.length > 3) {
    fail(usage.zh, usage.en);
    return null;
  }
  return dir;
}

export const passphrase = (): string | null => process.env.GONGZHI_BACKUP_PASSPHRASE || null;

export const progress: Progress = (zh, en) => process.stderr.write(`  ${zh} / ${en}\n`);

/** Opens the database without migrating it; on the embedded engine refuses (exit 3) while a server holds the data directory. */
export async function openDatabase(what: { zh: string; en: string }): Promise<OpenDatabase | null> {
  const cfg = config();
  try {
    return cfg.databaseUrl ? openPostgres(cfg.databaseUrl, 2) : await openPglite(cfg.dataDir);
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    process.stderr.write(
      `错误：嵌入式数据库（${error.dir}）正被进程 ${error.pid} 使用：${what.zh}须先停止服务（使用 PostgreSQL 时可在服务运行中备份）\n` +
        `error: the embedded database (${error.dir}) is in use by process ${error.pid}: stop the server before the ${what.en} (on PostgreSQL a backup runs while the server does)\n`,
    );
    process.exitCode = 3;
    return null;
  }
}

/** Prints a refusal or a wrong passphrase as a refusal (exit 2); anything else is thrown on. */
export function reportRefusal(error: unknown): void {
  if (error instanceof BackupRefusal) fail(error.zh, error.en);
  else if (error instanceof BackupPassphraseError)
    fail(
      `无法解密备份文件（口令不对，或文件已被改动）：${error.message}`,
      `cannot decrypt a backup file (wrong passphrase, or the file was changed): ${error.message}`,
    );
  else throw error;
}

export const seconds = (since: number): string => ((Date.now() - since) / 1000).toFixed(1);
