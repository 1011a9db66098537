import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/temp-postgres.ts';
import { waitForServer } from '../support/wait-for-server.ts';
import { postgresUrl } from '../support/databases.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';

// The built server's health endpoints, request log and graceful shutdown. Needs the build
// that `npm test` makes first.
const built = fs.existsSync('dist/server/entry.mjs');
if (!built && process.env.CI) throw new Error('dist/ is missing: npm test builds it before running vitest');

interface Running {
  child: ChildProcess;
  base: string;
  port: number;
  log: () => string;
  exit: Promise<number | null>;
}

/** `npm run serve` (or `node src/cli/serve.ts`) in a process group of its own, as systemd and docker start it. */
async function start(env: Record<string, string>, viaNpm = false): Promise<Running> {
  const port = await freePort();
  const child = spawn(viaNpm ? 'npm' : process.execPath, viaNpm ? ['run', '--silent', 'serve'] : ['src/cli/serve.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', GONGZHI_DEMO: '0', ASTRO_NODE_LOGGING: 'disabled', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stdout!.on('data', (b) => (log += String(b)));
  child.stderr!.on('data', (b) => (log += String(b)));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  await waitForServer(base, 60);
  return { child, base, port, log: () => log, exit };
}

const json = async (res: Response) => ({ status: res.status, cache: res.headers.get('cache-control'), body: (await res.json()) as Record<string, unknown> });

async function until(check: () => Promise<boolean>, what: string, seconds = 20) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A POST whose body the client sends in two halves: the server holds it in flight in between. */
function slowPost(port: number, urlPath: string, body: string) {
  const half = Math.floor(body.length / 2);
  const req = http.request({
    host: '127.0.0.1',
    port,
    path: urlPath,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), origin: `http://127.0.0.1:${port}` },
  });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, half));
  return { answer, finish: () => req.end(body.slice(half)) };
}

const refused = async (base: string) => {
  try {
    await fetch(`${base}/healthz`);
    return false;
  } catch {
    return true;
  }
};

describe.skipIf(!built)('the built server on the embedded database: health and graceful shutdown', () => {
  let dataDir: string;
  let server: Running | undefined;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-drain-'));
  });
  afterAll(() => {
    if (server?.child.exitCode === null) process.kill(-server.child.pid!, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const env = () => ({ DATABASE_URL: '', GONGZHI_DATA_DIR: dataDir, TRUST_PROXY: '' });

  it('answers /healthz and /readyz as JSON, never cached, and gives every response a fresh request id', async () => {
    server = await start(env(), true);
    const health = await json(await fetch(`${server.base}/healthz`));
    expect(health).toEqual({ status: 200, cache: 'no-store', body: { status: 'ok', inFlight: 0 } });
    const ready = await json(await fetch(`${server.base}/readyz`));
    expect(ready).toEqual({ status: 200, cache: 'no-store', body: { status: 'ready', database: 'ok', migrations: 'current' } });
    // an X-Request-Id from an address that is not a TRUST_PROXY proxy is not believed
    const page = await fetch(`${server.base}/?q=13812345678`, { headers: { 'x-request-id': 'forged-id' } });
    const id = page.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await until(async () => server!.log().includes(id!), 'the request log line');
    const line = JSON.parse(
      server
        .log()
        .split('\n')
        .find((l) => l.includes(id!))!,
    ) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'request', id, method: 'GET', route: '/', status: 200 });
    expect(typeof line.ms).toBe('number');
    expect(server.log()).not.toContain('13812345678');
  });

  it('on SIGTERM to the whole process group, finishes the request in flight, exits 0 and releases the lock', async () => {
    const running = server!;
    const post = slowPost(running.port, '/_actions/accounts.signIn', `phone=13900000000&password=${'x'.repeat(64)}`);
    await until(async () => (await (await fetch(`${running.base}/healthz`)).json()).inFlight === 1, 'the request in flight');
    // npm and node both get the signal (and npm forwards its own): the repeat is ignored
    process.kill(-running.child.pid!, 'SIGTERM');
    await until(() => refused(running.base), 'the server to stop accepting');
    process.kill(-running.child.pid!, 'SIGTERM');
    post.finish();
    const answer = await post.answer;
    expect(answer.status).toBeLessThan(500);
    expect(answer.text).toContain('signInFailed');
    expect(await running.exit).toBe(0);
    expect(running.log()).toContain('"msg":"stopped"');
    // the data directory's lock is gone: a second server opens the same embedded database
    server = await start(env());
    expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    process.kill(-server.child.pid!, 'SIGTERM');
    expect(await server.exit).toBe(0);
  }, 120_000);
});

describe.skipIf(!built || !postgresUrl)('the built server on PostgreSQL: readiness and request ids', () => {
  let scratch: ScratchDatabase;
  let server: Running;
  beforeAll(async () => {
    scratch = await scratchDatabase(postgresUrl!, 'ready');
    server = await start({ DATABASE_URL: scratch.url, GONGZHI_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-ready-')), TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(async () => {
    if (server?.child.exitCode === null) {
      process.kill(-server.child.pid!, 'SIGTERM');
      await server.exit;
    }
    await scratch?.drop().catch(() => {});
  });

  it('is not ready while a migration of this code is missing from the database', async () => {
    expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    try {
      const last = await client.query<{ name: string; timestamp: string }>('select name, timestamp from kysely_migration order by name desc limit 1');
      await client.query('delete from kysely_migration where name = $1', [last.rows[0]!.name]);
      const behind = await json(await fetch(`${server.base}/readyz`));
      expect(behind).toEqual({ status: 503, cache: 'no-store', body: { status: 'unavailable', database: 'ok', migrations: 'behind' } });
      // the process itself is alive
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
      await client.query('insert into kysely_migration (name, timestamp) values ($1, $2)', [last.rows[0]!.name, last.rows[0]!.timestamp]);
      expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    } finally {
      await client.end();
    }
  });

  it('keeps the request id a TRUST_PROXY proxy sends, and logs the route pattern, not the path', async () => {
    const res = await fetch(`${server.base}/projects/NO-SUCH-13812345678?phone=13812345678`, { headers: { 'x-request-id': 'lb-7f3a.1' } });
    expect(res.headers.get('x-request-id')).toBe('lb-7f3a.1');
    await until(async () => server.log().includes('lb-7f3a.1'), 'the request log line');
    const line = JSON.parse(
      server
        .log()
        .split('\n')
        .find((l) => l.includes('lb-7f3a.1'))!,
    ) as Record<string, unknown>;
    // the page for an unknown project answers with the 404 page: either pattern, never the path
    expect(line.route).toMatch(/^\/(404|projects\/\[code\])$/);
    expect(server.log()).not.toContain('13812345678');
  });
});
