// `npm start`: opens the database (lock, migrations, demo seed) before the built server
// listens, so that a second process on the same data directory fails here, clearly.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startDatabase } from '../lib/db/index.ts';
import { config } from '../lib/config.ts';
import { DataDirLockedError } from '../lib/db/data-dir-lock.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { idKey } from '../lib/id-key.ts';

process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const cfg = config();
try {
  const open = await startDatabase(async (o) => {
    if (cfg.demo) await seedDatabase(o, cfg.dataDir, 24, console.log, idKey());
  });
  console.log(`数据库 / database: ${open.kind === 'pglite' ? `PGlite ${cfg.dataDir}` : 'PostgreSQL'}${cfg.demo ? ' · 演示模式 / demo mode' : ''}`);
} catch (error) {
  if (error instanceof DataDirLockedError) {
    console.error(error.message);
    process.exit(3);
  }
  throw error;
}
const entry = pathToFileURL(path.resolve('dist/server/entry.mjs')).href;
const server = await import(entry);
server.startServer();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(0));
}
