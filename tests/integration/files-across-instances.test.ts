// Two built servers on one PostgreSQL, each with a data directory of its own: a drawing
// uploaded through one is served by the other, byte for byte, and neither kept it on disk.
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../support/databases.ts';
import { freePort } from '../support/temp-postgres.ts';
import { waitForServer } from '../support/wait-for-server.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { spawnBuiltServer } from '../support/built-server.ts';
import { openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { sitePlanPng } from '../../db/seed/drawings.ts';
import { rng } from '../../db/seed/random.ts';
import { createSession, generateSessionToken } from '../../src/features/accounts/session.ts';
import { zhanhe } from '../support/districts.ts';

const built = fs.existsSync('dist/server/entry.mjs');

describe.skipIf(!built || !postgresUrl)('uploaded files across two instances', () => {
  const servers: ChildProcess[] = [];
  const dirs: string[] = [];
  const bases: string[] = [];
  let open: OpenDatabase;
  let scratch: ScratchDatabase;
  let token: string;
  let projectId: number;

  beforeAll(async () => {
    scratch = await scratchDatabase(postgresUrl!, 'files_two');
    open = openPostgres(scratch.url, 2);
    await migrateToLatest(open.db);
    const seedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-files-two-seed-'));
    dirs.push(seedDir);
    await seedDatabase(open, seedDir, 1, () => {});
    projectId = (await open.db.selectFrom('projects').select('id').where('published_at', 'is not', null).executeTakeFirstOrThrow()).id;
    const admin = await open.db
      .insertInto('users')
      .values({
        phone: '13700000009',
        password_hash: 'x',
        display_name: '区管理员',
        role: 'district_admin',
        district_id: await zhanhe(open.db),
        phone_verified_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    token = generateSessionToken();
    await createSession(open.db, token, admin.id);
    for (let i = 0; i < 2; i++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gongzhi-files-two-${i}-`));
      dirs.push(dir);
      const port = await freePort();
      bases.push(`http://127.0.0.1:${port}`);
      servers.push(spawnBuiltServer(scratch.url, port, dir));
    }
    await Promise.all(bases.map((b) => waitForServer(b, 60)));
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) s.kill('SIGTERM');
    await open?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    await scratch?.drop().catch(() => {});
  });

  it('serves through the second server a drawing uploaded through the first', async () => {
    const [first, second] = bases as [string, string];
    const png = sitePlanPng(rng(12), 640, 480);
    const form = new FormData();
    form.set('projectId', String(projectId));
    form.set('kind', 'design_drawing');
    form.set('title', '两台服务器之间的图纸');
    form.set('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'drawing.png');
    const res = await fetch(`${first}/_actions/documents.upload`, { method: 'POST', body: form, headers: { origin: first, cookie: `gz_session=${token}` } });
    expect(res.status).toBe(200);
    const doc = await open.db.selectFrom('documents').select(['id', 'sha256']).where('title', '=', '两台服务器之间的图纸').executeTakeFirstOrThrow();
    expect(doc.sha256).toBe(createHash('sha256').update(png).digest('hex'));

    const served = await fetch(`${second}/files/${doc.id}/drawing.png`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await served.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(doc.sha256);
    // neither instance wrote it to its own disk
    for (const d of dirs.slice(1)) expect(fs.existsSync(path.join(d, 'files'))).toBe(false);
  });
});
