import { test, expect, type BrowserContext } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/temp-postgres.ts';
import { waitForServer } from '../support/wait-for-server.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { prepareVote } from '../support/vote-fixture.ts';
import { openPglite } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { hashPassword } from '../../src/features/accounts/password.ts';
import { BallotPage } from './pages/ballot-page.ts';

// "Trust first" #12: the built server behind an HTTPS reverse proxy. A TLS proxy made here
// (a self-signed certificate from openssl, a node https server forwarding to the built
// server over plain HTTP, as nginx would) sits in front; Chromium signs in through it,
// posts a form, and casts a ballot in an open vote. Two ways to tell the server its public
// origin: PUBLIC_BASE_URL, or TRUST_PROXY and the proxy's X-Forwarded-Proto.

const OWNER_PHONE = '15800000000'; // prepareVote's first owner
const OWNER_PASSWORD = 'the owner long secret';

interface Setup {
  name: string;
  env: (proxyOrigin: string) => Record<string, string>;
  forwardHeaders: boolean;
}
const SETUPS: Setup[] = [
  { name: 'TRUST_PROXY and X-Forwarded-Proto', env: () => ({ TRUST_PROXY: '127.0.0.1' }), forwardHeaders: true },
  { name: 'PUBLIC_BASE_URL', env: (origin) => ({ PUBLIC_BASE_URL: origin }), forwardHeaders: false },
];

/** A self-signed certificate for localhost, made now. */
function certificate(dir: string): { key: Buffer; cert: Buffer } {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

/** TLS in front of http://127.0.0.1:upstream, keeping Host; optionally adding X-Forwarded-*. */
function tlsProxy(tls: { key: Buffer; cert: Buffer }, upstream: number, forwardHeaders: boolean): https.Server {
  return https.createServer(tls, (req, res) => {
    const headers = { ...req.headers };
    if (forwardHeaders)
      Object.assign(headers, { 'x-forwarded-proto': 'https', 'x-forwarded-host': req.headers.host, 'x-forwarded-for': req.socket.remoteAddress });
    const up = http.request({ host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
}

for (const setup of SETUPS) {
  test.describe(`behind an HTTPS reverse proxy (${setup.name})`, () => {
    test.describe.configure({ mode: 'serial' });
    let dir: string;
    let server: ChildProcess;
    let proxy: https.Server;
    let proxyOrigin: string;
    let upstreamOrigin: string;
    let ballotId: number;
    let context: BrowserContext;

    test.beforeAll(async ({ browser }) => {
      test.setTimeout(120_000);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-tls-'));
      const dataDir = path.join(dir, 'data');
      // an open vote whose first owner signs in with a password
      const open = await openPglite(dataDir);
      await migrateToLatest(open.db);
      await hebinEstate(open.db);
      ballotId = (await prepareVote(open.db, 2)).ballotId;
      await open.db
        .updateTable('users')
        .set({ password_hash: await hashPassword(OWNER_PASSWORD) })
        .where('phone', '=', OWNER_PHONE)
        .execute();
      await open.close();

      const [upstream, front] = [await freePort(), await freePort()];
      proxyOrigin = `https://localhost:${front}`;
      upstreamOrigin = `http://127.0.0.1:${upstream}`;
      server = spawn(process.execPath, ['src/cli/serve.ts'], {
        env: {
          ...process.env,
          DATABASE_URL: '',
          GONGZHI_DEMO: '0',
          GONGZHI_DATA_DIR: dataDir,
          HOST: '127.0.0.1',
          PORT: String(upstream),
          ASTRO_NODE_LOGGING: 'disabled',
          PUBLIC_BASE_URL: '',
          TRUST_PROXY: '',
          ...setup.env(proxyOrigin),
        },
        stdio: 'ignore',
      });
      await waitForServer(upstreamOrigin, 60);
      proxy = tlsProxy(certificate(dir), upstream, setup.forwardHeaders);
      await new Promise<void>((resolve) => proxy.listen(front, '127.0.0.1', resolve));
      context = await browser.newContext({ baseURL: proxyOrigin, ignoreHTTPSErrors: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    });

    test.afterAll(async () => {
      await context?.close();
      proxy?.close();
      server?.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('an owner signs in over HTTPS (Secure cookies), posts a form and casts a ballot', async () => {
      const page = await context.newPage();
      await page.goto(`/account/login?next=/ballots/${ballotId}`);
      await page.getByLabel('手机号').fill(OWNER_PHONE);
      await page.getByLabel('密码').fill(OWNER_PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await expect(page).toHaveURL(new RegExp(`^${proxyOrigin}/ballots/${ballotId}$`));
      const cookies = await context.cookies(proxyOrigin);
      expect(cookies.find((c) => c.name === 'gz_session')).toMatchObject({ secure: true, httpOnly: true });
      expect(cookies.find((c) => c.name === 'gz_device')).toMatchObject({ secure: true, httpOnly: true });

      // a form post (the language switch is a GET; signing out everywhere and back in is a POST)
      await page.goto('/account');
      await page.getByRole('button', { name: '退出登录', exact: true }).click();
      await expect(page.getByRole('link', { name: '登录' })).toBeVisible();
      await page.goto('/account/login');
      await page.getByLabel('手机号').fill(OWNER_PHONE);
      await page.getByLabel('密码').fill(OWNER_PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await expect(page).toHaveURL(new RegExp(`^${proxyOrigin}/account$`));

      // the ballot, through the page as an owner casts it
      const receipt = await new BallotPage(page, String(ballotId)).vote(['agree', 'oppose', 'abstain']);
      expect(receipt).toMatch(/\S{6,}/);
    });

    test('the casting endpoint answers through the proxy and refuses another origin there', async () => {
      const page = await context.newPage();
      await page.goto(`/ballots/${ballotId}`);
      const cast = (origin: string) =>
        page.request.post(`/api/ballots/${ballotId}/cast`, {
          headers: { origin, 'content-type': 'application/json' },
          data: { choices: { m1: 'agree', m2: 'agree', m3: 'agree' } },
        });
      const ok = await cast(proxyOrigin);
      expect(ok.status()).toBe(200);
      expect(await ok.json()).toMatchObject({ receipt: expect.any(String) });
      expect((await cast('https://evil.example')).status()).toBe(403);
      // the plain-HTTP address behind the proxy is not the site's origin
      expect((await cast(upstreamOrigin.replace('127.0.0.1', 'localhost'))).status()).toBe(403);
    });
  });
}
