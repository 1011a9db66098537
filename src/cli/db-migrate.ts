import { openForCli } from './open-for-cli.ts';

const open = await openForCli();
console.log('数据库已迁移到最新版本 / database migrated to the latest version');
await open.close();
