import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { fileStore } from '../../src/lib/files/storage.ts';
import { databaseFileStore } from '../../src/lib/files/database-store.ts';
import { generateDemo } from './generate.ts';
import { isEmpty, writeSeed } from './write.ts';
import { seedDemoAccounts } from './demo-accounts.ts';
import { seedDemoRatings } from './demo-ratings.ts';
import path from 'node:path';
import type { IdKey } from '../../src/lib/id-key.ts';

/** Seeds the demo set (or `projects` generated projects) into an empty database. */
/** With `accounts`, also the demo accounts and a demo household register (demo mode only). */
export async function seedDatabase(open: OpenDatabase, dataDir: string, projects = 24, log: (line: string) => void = console.log, accounts?: IdKey) {
  if (!(await isEmpty(open.db))) {
    log('数据库已有项目，未写入演示数据 / the database already has projects; nothing seeded');
    return null;
  }
  const started = Date.now();
  const data = generateDemo(projects);
  let lastShown = 0;
  // on PostgreSQL the drawings go where the server reads them: into the database, shared by every instance
  const store = open.kind === 'postgres' ? databaseFileStore(() => open.db, 'public') : fileStore(dataDir);
  const result = await writeSeed(open.db, data, store, (done, total) => {
    const pct = Math.floor((done * 100) / total);
    if (pct - lastShown >= 10 || done === total) {
      lastShown = pct;
      log(`演示数据 / seeding: ${done}/${total} (${pct}%)`);
    }
  });
  if (accounts) {
    await seedDemoAccounts(open.db, accounts);
    log('已创建演示账户（见 README）/ demo accounts created (see README)');
    const admin = await open.db.selectFrom('users').select('id').where('role', '=', 'district_admin').orderBy('id').executeTakeFirstOrThrow();
    const rated = await seedDemoRatings(open.db, accounts, admin.id, fileStore(path.join(dataDir, 'private')));
    log(`已录入 ${rated} 份演示评分问卷 / ${rated} demo rating questionnaires entered`);
  }
  log(
    `已写入 ${result.projects} 个项目、${result.estates} 个小区 / seeded ${result.projects} projects and ${result.estates} estates in ${Date.now() - started} ms`,
  );
  return result;
}
