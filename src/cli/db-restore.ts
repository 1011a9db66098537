// npm run db:restore -- DIR — loads a backup made by db:backup into an empty database (the
// embedded one in GONGZHI_DATA_DIR, or DATABASE_URL), on either engine whichever made it.
// Refuses, before writing anything: a database that is not empty, a backup newer than this
// code, an ID-number key that is not the backup's, a missing or wrong passphrase.
import { config } from '../lib/config.ts';
import { migrateToLatest } from '../lib/db/migrate.ts';
import { checkBackup, configuredIdKey, restore } from '../lib/ops/backup.ts';
import { directoryArgument, openDatabase, passphrase, progress, reportRefusal, seconds } from './backup-cli.ts';
import { fail } from './json-file-cli.ts';

const dir = directoryArgument({ zh: '用法：npm run db:restore -- 目录', en: 'usage: npm run db:restore -- DIR' });
if (dir) await run(dir);

async function run(dir: string) {
  const cfg = config();
  const started = Date.now();
  const secret = passphrase();
  let target;
  try {
    target = configuredIdKey(process.env, cfg.dataDir);
  } catch (error) {
    fail('证件号码密钥格式不对', 'the ID-number key is malformed', [(error as Error).message]);
    return;
  }
  let checked;
  try {
    checked = await checkBackup({ dir, passphrase: secret, targetKey: target?.key ?? null });
  } catch (error) {
    reportRefusal(error);
    return;
  }
  const open = await openDatabase({ zh: '恢复', en: 'restore' });
  if (!open) return;
  try {
    const manifest = checked.manifest;
    const res = await restore(open, manifest, { dir, key: checked.key, dataDir: cfg.dataDir, progress });
    const later = await migrateToLatest(open.db);
    console.log(
      `恢复完成：${manifest.tables.length} 个表 ${res.rows} 行，${res.files} 个文件，已逐表核对 sha256，用时 ${seconds(started)} 秒\n` +
        `restore done: ${manifest.tables.length} tables, ${res.rows} rows, ${res.files} files, every table checked against its sha256, in ${seconds(started)} s`,
    );
    if (later.length) console.log(`已升级到本程序的结构：${later.join('、')}\nmigrated on to this code's schema: ${later.join(', ')}`);
    if (res.keyWritten)
      console.log(
        `证件号码密钥已写入 ${res.keyWritten}（演示模式使用）；正式运行请把 GONGZHI_ID_KEY 设为该文件的内容\n` +
          `the ID-number key was written to ${res.keyWritten} (used in demo mode); in production set GONGZHI_ID_KEY to its content`,
      );
  } catch (error) {
    reportRefusal(error);
  } finally {
    await open.close();
  }
}
