import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { freePort } from '../support/temp-postgres.ts';
import { waitForServer } from '../support/wait-for-server.ts';
import { postgresUrl } from '../support/databases.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { openPostgres } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { hashPassword } from '../../src/features/accounts/password.ts';

// Graceful shutdown of the built server with several workers (GONGZHI_WORKERS=2, node:cluster)
// on PostgreSQL, when the whole process group gets SIGTERM as systemd and docker send it:
// the requests in flight in both workers finish, new connections are refused, a repeated
// SIGTERM does not cut the drain short, the workers and the primary exit 0, and each closes its
// pool (a connection dropped without closing would count as abandoned in pg_stat_database).
// Needs the build that `npm test` makes first.
const built = fs.existsSync('dist/server/entry.mjs');
if (!built && process.env.CI) throw new Error('dist/ is missing: npm test builds it before running vitest');

const PASSWORD = 'a long enough secret';
const PHONES = Array.from({ length: 10 }, (_, i) => `136111100${String(i).padStart(2, '0')}`);

async function until(check: () => Promise<boolean>, what: string, seconds = 20) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** GET on a connection of its own (so the primary hands it to a worker of its choosing). */
function getFresh(port: number, urlPath: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
        let text = '';
        res.on('data', (c) => (text += String(c)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      })
      .on('error', reject);
  });
}

/**
 * A sign-in whose body the client sends in two halves. `Expect: 100-continue` makes the worker
 * that took the request answer "100 Continue" as it hands the request to the portal: then it is
 * in flight there, waiting for the rest of its body.
 */
function slowSignIn(port: number, phone: string) {
  const body = new URLSearchParams({ phone, password: PASSWORD }).toString();
  const half = Math.floor(body.length / 2);
  const req = http.request({
    host: '127.0.0.1',
    port,
    path: '/_actions/accounts.signIn',
    method: 'POST',
    agent: false,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
      origin: `http://127.0.0.1:${port}`,
      expect: '100-continue',
    },
  });
  const accepted = new Promise<void>((resolve) => req.once('continue', () => (req.write(body.slice(0, half)), resolve())));
  const answer = new Promise<{ status: number; cookie: string | undefined; text: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie: (res.headers['set-cookie'] ?? []).find((c) => c.startsWith('gz_session=')), text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return { accepted, answer, finish: () => req.end(body.slice(half)) };
}

/** What became of each probe of /healthz on a new connection: a status, or the error's code. */
const probes: string[] = [];
const refused = (port: number) =>
  getFresh(port, '/healthz').then(
    (r) => (probes.push(String(r.status)), false),
    (e: NodeJS.ErrnoException) => (probes.push(e.code ?? 'error'), e.code === 'ECONNREFUSED'),
  );

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!built || !postgresUrl || os.availableParallelism() < 2)('the built server with two workers on PostgreSQL: graceful shutdown', () => {
  let scratch: ScratchDatabase;
  let dataDir: string;
  let child: ChildProcess;
  let log = '';
  let exit: Promise<number | null>;
  let admin: pg.Client;
  const database = () => new URL(scratch.url).pathname.slice(1);

  beforeAll(async () => {
    scratch = await scratchDatabase(postgresUrl!, 'workers');
    const open = openPostgres(scratch.url, 2);
    await migrateToLatest(open.db);
    const hash = await hashPassword(PASSWORD);
    await open.db
      .insertInto('users')
      .values(PHONES.map((phone, i) => ({ phone, password_hash: hash, display_name: `工人测试${i}`, phone_verified_at: new Date() })))
      .execute();
    await open.close();
    admin = new pg.Client({ connectionString: postgresUrl! });
    await admin.connect();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-workers-'));
  });
  afterAll(async () => {
    if (child?.pid && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
    await admin?.end();
    await scratch?.drop().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sessions of the app's database other than ours, and how many of its sessions ended without closing. */
  const stats = async () => {
    await admin.query('select pg_stat_clear_snapshot()');
    const active = await admin.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [database()]);
    const ended = await admin.query<{ abandoned: string }>('select sessions_abandoned as abandoned from pg_stat_database where datname = $1', [database()]);
    return { active: Number(active.rows[0]!.n), abandoned: Number(ended.rows[0]!.abandoned) };
  };

  it('finishes the requests in flight in every worker, refuses new ones, ignores a repeated SIGTERM, exits 0 and closes every pool', async () => {
    // what the server said, to read when the test fails
    onTestFailed(() => console.error(log, probes.join('\n')));
    const port = await freePort();
    child = spawn(process.execPath, ['src/cli/serve.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: scratch.url,
        GONGZHI_WORKERS: '2',
        GONGZHI_DEMO: '0',
        GONGZHI_DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        TRUST_PROXY: '',
        ASTRO_NODE_LOGGING: 'disabled',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // a process group of its own, as systemd and docker start it
      detached: true,
    });
    child.stdout!.on('data', (b) => (log += String(b)));
    child.stderr!.on('data', (b) => (log += String(b)));
    exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    await waitForServer(`http://127.0.0.1:${port}`, 60);
    // both workers answer (each counts only its own requests in flight)
    expect((await getFresh(port, '/healthz')).status).toBe(200);
    const before = await stats();
    expect(before.active).toBeGreaterThan(0);

    // sign-ins in flight in both workers: at least four, sent one after the other until a worker
    // reports some but not all of them (the other then holds the rest)
    const posts: ReturnType<typeof slowSignIn>[] = [];
    const spread = async () => {
      for (let probe = 0; probe < 6; probe++) {
        const { inFlight } = JSON.parse((await getFresh(port, '/healthz')).text) as { inFlight: number };
        if (inFlight >= 1 && inFlight < posts.length) return true;
      }
      return false;
    };
    for (const phone of PHONES) {
      const post = slowSignIn(port, phone);
      // an answer that fails (a connection cut) fails the test where it is awaited, not before
      post.answer.catch(() => {});
      await post.accepted;
      posts.push(post);
      if (posts.length >= 4 && (await spread())) break;
    }
    expect(await spread()).toBe(true);

    // new connections keep coming as the workers stop, a stream of them from sixteen clients: each
    // is answered (by a worker still accepting) or refused, none waits for the drain to end
    process.kill(-child.pid!, 'SIGTERM');
    await Promise.all(Array.from({ length: 16 }, () => until(() => refused(port), 'the server to refuse new connections')));
    expect(probes.filter((p) => p !== '200' && p !== 'ECONNREFUSED' && p !== 'ECONNRESET')).toEqual([]);
    // the drain goes on (with round-robin scheduling it did not: a connection handed to the last
    // worker as it closed hung until the drain gave up, and the requests in flight were cut)
    expect(groupAlive(child.pid!)).toBe(true);
    // systemd, docker or npm may repeat the signal: the drain goes on
    process.kill(-child.pid!, 'SIGTERM');
    expect(await refused(port)).toBe(true);

    for (const p of posts) p.finish();
    const answers = await Promise.all(posts.map((p) => p.answer));
    expect(answers.map((a) => a.status)).toEqual(posts.map(() => 200));
    // each sign-in wrote its session during the drain: the database was still open
    expect(answers.every((a) => a.cookie !== undefined)).toBe(true);

    expect(await exit).toBe(0);
    await until(async () => !groupAlive(child.pid!), 'every worker to be gone');
    const stopped = log
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('"msg":"stopped"'))
      .map((l) => JSON.parse(l) as { pid: number; unfinished: number });
    // the primary and both workers, each once, none with a request left unfinished
    expect(stopped).toHaveLength(3);
    expect(new Set(stopped.map((s) => s.pid)).size).toBe(3);
    expect(stopped.every((s) => s.unfinished === 0)).toBe(true);
    expect(log).not.toMatch(/exited with|shutdown failed/);

    // no connection of the app is left, and none was dropped without closing
    await until(async () => (await stats()).active === 0, 'the connections to close');
    expect((await stats()).abandoned).toBe(before.abandoned);
  }, 120_000);
});
