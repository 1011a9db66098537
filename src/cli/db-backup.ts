// npm run db:backup -- DIR — writes a backup of the portal into the new directory DIR: every
// table (in dependency order), the uploaded files, the ID-hash key's version and fingerprint,
// and manifest.json with row counts and sha256 hashes. Files are mode 0600 in a 0700
// directory; with GONGZHI_BACKUP_PASSPHRASE set they are encrypted (AES-256-GCM, scrypt).
// PostgreSQL: online, one REPEATABLE READ snapshot. Embedded engine: with the server stopped.
import { config } from '../lib/config.ts';
import { backup, configuredIdKey } from '../lib/ops/backup.ts';
import { appliedMigrations } from '../lib/ops/portal-export.ts';
import { directoryArgument, openDatabase, passphrase, progress, reportRefusal, seconds } from './backup-cli.ts';
import { fail } from './json-file-cli.ts';

const dir = directoryArgument({ zh: '用法：npm run db:backup -- 目录', en: 'usage: npm run db:backup -- DIR' });
if (dir) await run(dir);

async function run(dir: string) {
  const cfg = config();
  const started = Date.now();
  const secret = passphrase();
  let idKey;
  try {
    idKey = configuredIdKey(process.env, cfg.dataDir);
  } catch (error) {
    fail('证件号码密钥格式不对', 'the ID-number key is malformed', [(error as Error).message]);
    return;
  }
  const open = await openDatabase({ zh: '备份', en: 'backup' });
  if (!open) return;
  try {
    if ((await appliedMigrations(open.db)).length === 0) {
      fail('数据库尚未初始化（没有任何迁移记录），没有可备份的内容', 'the database was never set up (no migration recorded); there is nothing to back up');
      return;
    }
    const res = await backup(open, { dir, passphrase: secret, dataDir: cfg.dataDir, idKey, progress });
    const m = res.manifest;
    const mb = (res.bytes / 1048576).toFixed(1);
    console.log(
      `备份完成：${m.tables.length} 个表 ${res.rows} 行，${m.files.length} 个文件，共 ${mb} MB，用时 ${seconds(started)} 秒 → ${dir}\n` +
        `backup done: ${m.tables.length} tables, ${res.rows} rows, ${m.files.length} files, ${mb} MB in ${seconds(started)} s → ${dir}`,
    );
    if (!secret)
      process.stderr.write(
        '注意：备份未加密（未设置 GONGZHI_BACKUP_PASSPHRASE），其中含个人信息，请妥善保管\nnote: the backup is not encrypted (GONGZHI_BACKUP_PASSPHRASE is not set) and holds personal data; keep it safe\n',
      );
    if (m.idKey && !m.idKey.file)
      process.stderr.write(
        `注意：证件号码密钥（版本 v${m.idKey.version}）不在未加密的备份中，恢复时须另行设置 GONGZHI_ID_KEY\nnote: the ID-number key (v${m.idKey.version}) is not in an unencrypted backup; set GONGZHI_ID_KEY when restoring\n`,
      );
  } catch (error) {
    reportRefusal(error);
  } finally {
    await open.close();
  }
}
