// npm run files:migrate [-- --remove-local] — copies the uploaded files of the local data
// directory (DATA_DIR/files, DATA_DIR/private/files) into PostgreSQL (DATABASE_URL), where
// every instance serves them. Re-runnable: a file already there is skipped. A local file whose
// bytes no longer hash to its name is reported and not copied. With --remove-local each local
// file is deleted once the database holds it (read back and checked); without it they stay.
import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { config } from '../lib/config.ts';
import { openForCli } from './open-for-cli.ts';
import { fileStore } from '../lib/files/storage.ts';
import { databaseFileStore, FileCorruptError, type StoreName } from '../lib/files/database-store.ts';
import { localStoreRoot } from '../lib/files/private-store.ts';

const { values } = parseArgs({ options: { 'remove-local': { type: 'boolean', default: false } } });
const cfg = config();
if (!cfg.databaseUrl) {
  console.error(
    '未设置 DATABASE_URL：嵌入式数据库的文件本就保存在数据目录中，无需迁移\nDATABASE_URL is not set: with the embedded database files stay in the data directory; nothing to move',
  );
  process.exit(2);
}

const open = await openForCli();
let copied = 0;
let present = 0;
let removed = 0;
const corrupt: string[] = [];
try {
  for (const store of ['public', 'private'] as StoreName[]) {
    const local = fileStore(localStoreRoot(cfg.dataDir, store));
    const remote = databaseFileStore(() => open.db, store);
    const keys = await local.list();
    const already = new Set((await remote.list()).map((f) => f.sha256));
    let done = 0;
    for (const key of keys) {
      if (already.has(key)) present++;
      else {
        try {
          await remote.putFile(local.pathOf(key), key);
        } catch (error) {
          if (!(error instanceof FileCorruptError)) throw error;
          corrupt.push(local.pathOf(key));
          continue;
        }
        copied++;
      }
      if (values['remove-local']) {
        if ((await remote.get(key)) === null) throw new Error(`file ${key} not found after copying`);
        await fs.rm(local.pathOf(key), { force: true });
        removed++;
      }
      done++;
      if (done % 50 === 0 || done === keys.length) process.stderr.write(`  ${store}: ${done}/${keys.length}\n`);
    }
  }
  console.log(
    `已复制 ${copied} 个文件，${present} 个已在数据库中${values['remove-local'] ? `，已删除本地副本 ${removed} 个` : '（本地副本保留）'}\n` +
      `copied ${copied} files, ${present} already in the database${values['remove-local'] ? `, ${removed} local copies removed` : ' (local copies kept)'}`,
  );
  if (corrupt.length) {
    console.error(
      `以下 ${corrupt.length} 个本地文件内容与文件名（sha256）不符，未复制：\n${corrupt.length} local files do not hash to their name (sha256) and were not copied:\n` +
        corrupt.map((f) => `  ${f}`).join('\n'),
    );
    process.exitCode = 1;
  }
} finally {
  await open.close();
}
