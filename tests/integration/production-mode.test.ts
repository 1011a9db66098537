import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/temp-postgres.ts';
import { waitForServer } from '../support/wait-for-server.ts';

// The built server in production mode (GONGZHI_DEMO=0) on the embedded database: no demo
// data, no demo accounts, no SMS outbox page; and a second server on the same data
// directory is refused. Needs the build that `npm test` makes first.
const built = fs.existsSync('dist/server/entry.mjs');
if (!built && process.env.CI) throw new Error('dist/ is missing: npm test builds it before running vitest');

describe.skipIf(!built)('the built server in production mode', () => {
  let server: ChildProcess;
  let base: string;
  let dataDir: string;
  const env = (port: number) => ({ ...process.env, DATABASE_URL: '', GONGZHI_DEMO: '0', GONGZHI_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', GONGZHI_ID_KEY: '' });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-prod-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['src/cli/serve.ts'], { env: env(port), stdio: 'ignore' });
    await waitForServer(base);
  });
  afterAll(() => {
    server?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows an empty portal without the demo banner', async () => {
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain('共 0 个项目');
    expect(html).not.toContain('演示数据');
  });

  it('has no SMS outbox page and no demo accounts', async () => {
    expect((await fetch(`${base}/dev/sms-outbox`)).status).toBe(404);
    const form = new FormData();
    form.set('phone', '13900000000');
    form.set('password', 'gongzhi-demo-2026');
    const res = await fetch(`${base}/_actions/accounts.signIn`, { method: 'POST', body: form, headers: { origin: base } });
    expect(await res.text()).toContain('err.signInFailed');
  });

  it('refuses a second server on the same data directory with a clear message', async () => {
    const second = spawn(process.execPath, ['src/cli/serve.ts'], { env: env(await freePort()) });
    let stderr = '';
    second.stderr!.on('data', (b) => (stderr += String(b)));
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(code).toBe(3);
    expect(stderr).toContain('正被进程');
    expect(stderr).toContain('is in use by process');
  });
});
