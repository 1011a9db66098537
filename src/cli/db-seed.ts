// npm run db:seed [-- --projects N]
import { parseArgs } from 'node:util';
import { openForCli } from './open-for-cli.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { config } from '../lib/config.ts';
import { idKey } from '../lib/id-key.ts';

const { values } = parseArgs({ options: { projects: { type: 'string', default: '24' } } });
const projects = Number(values.projects);
if (!Number.isSafeInteger(projects) || projects < 1 || projects > 200_000) {
  console.error('--projects 必须是 1 到 200000 之间的整数 / --projects must be an integer from 1 to 200000');
  process.exit(2);
}
const open = await openForCli();
try {
  await seedDatabase(open, config().dataDir, projects, console.log, config().demo ? idKey() : undefined);
} finally {
  await open.close();
}
