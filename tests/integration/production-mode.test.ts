import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/temp-postgres.ts';
import { waitForServer } from '../support/wait-for-server.ts';
import { openPglite } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { createSession, generateSessionToken } from '../../src/features/accounts/session.ts';
import { hebinEstate } from '../support/estate-fixture.ts';

// The built server in production mode (GONGZHI_DEMO=0) on the embedded database: no demo
// data, no demo accounts, no SMS outbox page; and a second server on the same data
// directory is refused. Needs the build that `npm test` makes first.
const built = fs.existsSync('dist/server/entry.mjs');
if (!built && process.env.CI) throw new Error('dist/ is missing: npm test builds it before running vitest');

describe.skipIf(!built)('the built server in production mode', () => {
  let server: ChildProcess;
  let base: string;
  let dataDir: string;
  let log = '';
  // the outbox as the provider outside demo mode: messages stored, never logged
  const env = (port: number) => ({
    ...process.env,
    DATABASE_URL: '',
    GONGZHI_DEMO: '0',
    GONGZHI_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    GONGZHI_ID_KEY: '',
    GONGZHI_SMS: 'outbox',
  });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-prod-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['src/cli/serve.ts'], { env: env(port), stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (b) => (log += String(b)));
    server.stderr!.on('data', (b) => (log += String(b)));
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

  it('keeps every SMS body and code out of the log outside demo mode', async () => {
    const form = new FormData();
    form.set('phone', '13712345678');
    form.set('displayName', '测试');
    form.set('password', 'a long enough secret');
    const res = await fetch(`${base}/_actions/accounts.signUp`, { method: 'POST', body: form, headers: { origin: base } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('request');
    await new Promise((r) => setTimeout(r, 200)); // let the log line arrive
    expect(log).toContain('SMS outbox');
    expect(log).not.toMatch(/验证码|\b\d{6}\b|13712345678/);
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

describe.skipIf(!built)('the built server on a host other than loopback, with nothing optional set', () => {
  const residentToken = generateSessionToken();
  const staffToken = generateSessionToken();
  let estateId: number;
  let server: ChildProcess;
  let base: string;
  let dataDir: string;
  let log = '';

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-open-'));
    // a resident with a session, to reach the claim form
    const open = await openPglite(dataDir);
    await migrateToLatest(open.db);
    const user = await open.db
      .insertInto('users')
      .values({ phone: '13711112222', password_hash: 'x', display_name: '居民', phone_verified_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await createSession(open.db, residentToken, user.id);
    let staffId: number;
    ({ estateId, staffId } = await hebinEstate(open.db));
    await createSession(open.db, staffToken, staffId);
    await open.close();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: '', GONGZHI_DATA_DIR: dataDir, PORT: String(port), HOST: '0.0.0.0' };
    for (const unset of ['GONGZHI_DEMO', 'GONGZHI_ID_KEY', 'GONGZHI_SMS', 'PUBLIC_BASE_URL', 'TRUST_PROXY']) delete env[unset];
    server = spawn(process.execPath, ['src/cli/serve.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (b) => (log += String(b)));
    server.stderr!.on('data', (b) => (log += String(b)));
    await waitForServer(base);
  });
  afterAll(() => {
    server?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is not in demo mode, and its start-up log says why and what is missing, in both languages', async () => {
    expect((await fetch(`${base}/dev/sms-outbox`)).status).toBe(404);
    expect(await (await fetch(`${base}/`)).text()).not.toContain('演示数据');
    expect(log).toContain('演示模式已关闭');
    expect(log).toContain('Demo mode off');
    for (const name of ['GONGZHI_SMS', 'GONGZHI_ID_KEY', 'PUBLIC_BASE_URL']) {
      expect(log).toContain(`缺少设置 ${name}`);
      expect(log).toContain(`Missing setting ${name}`);
    }
  });

  it('serves every public page', async () => {
    for (const page of ['/', '/notices', '/open-data', '/account/login', '/account/signup', '/account/reset', '/robots.txt'])
      expect((await fetch(`${base}${page}`)).status, page).toBe(200);
  });

  it('refuses texting features with a clear message instead of failing', async () => {
    expect(await (await fetch(`${base}/account/signup`)).text()).toContain('本站尚未开通短信服务');
    const form = new FormData();
    form.set('phone', '13712345678');
    form.set('displayName', '测试');
    form.set('password', 'a long enough secret');
    const res = await fetch(`${base}/_actions/accounts.signUp`, { method: 'POST', body: form, headers: { origin: base } });
    expect(await res.text()).toContain('err.smsUnavailable');
    const reset = new FormData();
    reset.set('phone', '13712345678');
    expect(await (await fetch(`${base}/_actions/accounts.resetStart`, { method: 'POST', body: reset, headers: { origin: base } })).text()).toContain(
      'err.smsUnavailable',
    );
  });

  it('refuses owner claims without GONGZHI_ID_KEY with a clear message', async () => {
    const cookie = { cookie: `gz_session=${residentToken}` };
    const page = await (await fetch(`${base}/account/claim`, { headers: cookie })).text();
    expect(page).toContain('本站尚未设置证件号码密钥');
    expect(page).not.toContain('name="idNumber"');
    const form = new FormData();
    for (const [k, v] of Object.entries({
      estateId: String(estateId),
      building: '1',
      entrance: '1',
      room: '101',
      name: '居民',
      idType: 'resident_id',
      idNumber: '110101199003074514',
      consentIdNumber: 'yes',
    }))
      form.set(k, v);
    const res = await fetch(`${base}/_actions/verification.claim`, { method: 'POST', body: form, headers: { origin: base, ...cookie } });
    const body = await res.text();
    // a form error the claim page shows translated (form-errors.ts), not a server error
    expect(res.status).toBe(200);
    expect(body).toContain('err.idKeyMissing');
  });

  it('refuses register imports and owners added on a legal basis without GONGZHI_ID_KEY with a form error', async () => {
    const cookie = { cookie: `gz_session=${staffToken}` };
    const preview = new FormData();
    preview.set('estateId', String(estateId));
    preview.set('file', new File(['楼栋,单元,房号\n1,1,101\n'], 'r.csv', { type: 'text/csv' }));
    const res = await fetch(`${base}/_actions/register.preview`, { method: 'POST', body: preview, headers: { origin: base, ...cookie } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('err.idKeyMissing');
    const owner = new FormData();
    for (const [k, v] of Object.entries({
      estateId: String(estateId),
      building: '1',
      entrance: '1',
      room: '101',
      name: '业主',
      idType: 'resident_id',
      idNumber: '110101199003074514',
      basis: 'inheritance',
    }))
      owner.set(k, v);
    owner.set('proof', new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'p.png', { type: 'image/png' }));
    const added = await fetch(`${base}/_actions/register.addOwner`, { method: 'POST', body: owner, headers: { origin: base, ...cookie } });
    expect(added.status).toBe(200);
    expect(await added.text()).toContain('err.idKeyMissing');
  });
});
