import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir, DataDirLockedError } from '../../src/lib/db/data-dir-lock.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A child process that takes the lock and waits; resolves once it holds it. */
function holder(dir: string) {
  const child = spawn(process.execPath, [
    '--input-type=module',
    '-e',
    `import { lockDataDir } from ${JSON.stringify(path.resolve('src/lib/db/data-dir-lock.ts'))}; lockDataDir(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000);`,
  ]);
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b) => String(b).includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return { child, ready };
}

describe('embedded database directory lock', () => {
  it('refuses a second process while the first lives, and takes over after SIGKILL', async () => {
    const dir = tempDir();
    const h = holder(dir);
    await h.ready;
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    try {
      lockDataDir(dir);
    } catch (e) {
      expect((e as Error).message).toContain(String(h.child.pid));
      expect((e as Error).message).toContain('正被进程');
    }
    h.child.kill('SIGKILL');
    await new Promise((r) => h.child.once('exit', r));
    const release = lockDataDir(dir); // stale lock: taken over
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'gongzhi.lock'), 'utf8')).pid).toBe(process.pid);
    release();
    expect(fs.existsSync(path.join(dir, 'gongzhi.lock'))).toBe(false);
  });

  it('makes a CLI command refuse with a clear message while a server holds the directory', async () => {
    const dir = tempDir();
    const h = holder(dir);
    await h.ready;
    const res = spawnSync(process.execPath, ['src/cli/db-migrate.ts'], { env: { ...process.env, GONGZHI_DATA_DIR: dir, DATABASE_URL: '' }, encoding: 'utf8' });
    h.child.kill('SIGKILL');
    expect(res.status).toBe(3);
    expect(res.stderr).toContain('is in use by process');
    expect(res.stderr).toContain('正被进程');
  });

  it('treats an unreadable lock file as stale', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'gongzhi.lock'), '{half');
    const release = lockDataDir(dir);
    release();
  });
});
