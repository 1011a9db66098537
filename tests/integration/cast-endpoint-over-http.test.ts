import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../support/databases.ts';
import { freePort } from '../support/temp-postgres.ts';
import { waitForServer } from '../support/wait-for-server.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { spawnBuiltServer } from '../support/built-server.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { generateSessionToken, sessionIdOf } from '../../src/features/accounts/session.ts';
import { prepareVote } from '../support/vote-fixture.ts';

// POST /api/ballots/{id}/cast on the built server and a real PostgreSQL: Node answers it
// before Astro (src/features/ballots/cast-node-route.ts), so this proves that lean route
// keeps the rules of every other mutation: same-origin only, the session checked (and slid,
// or cleared), bounded and validated input, bilingual errors, the security headers.
const built = fs.existsSync('dist/server/entry.mjs');
const DAY = 86_400_000;
const CHOICES = { m1: 'agree', m2: 'oppose', m3: 'abstain' };

describe.skipIf(!built || !postgresUrl)('the casting endpoint over HTTP', () => {
  let server: ChildProcess;
  let base: string;
  let open: OpenDatabase;
  let dataDir: string;
  let vote: { ballotId: number; tokens: string[] };
  let scratch: ScratchDatabase;

  const cast = (token: string | null, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/ballots/${vote.ballotId}/cast`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, ...(token ? { cookie: `gz_session=${token}` } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    scratch = await scratchDatabase(postgresUrl!, 'cast_http');
    open = openPostgres(scratch.url, 2);
    await migrateToLatest(open.db);
    await hebinEstate(open.db);
    vote = await prepareVote(open.db, 10);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-cast-http-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawnBuiltServer(scratch.url, port, dataDir);
    await waitForServer(base);
  }, 60_000);
  afterAll(async () => {
    server?.kill('SIGTERM');
    await open?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  });

  it('casts for the signed-in owner and answers with the receipt, uncacheable, with the security headers', async () => {
    const res = await cast(vote.tokens[0]!, { choices: CHOICES });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ receipt: expect.stringMatching(/\S{6,}/), voter: expect.stringMatching(/^V\d{4}$/) });
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('set-cookie')).toBeNull();
    const stored = await open.db.selectFrom('ballot_casts').select(['channel', 'cast_right']).where('ballot_id', '=', vote.ballotId).execute();
    expect(stored).toEqual([{ channel: 'online', cast_right: 'owner' }]);
  });

  it('refuses a request from another site', async () => {
    const evil = await cast(vote.tokens[1]!, { choices: CHOICES }, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect((await evil.json()).error_en).toBe('Request origin not accepted');
    // without Origin, only a same-origin Sec-Fetch-Site passes
    const noOrigin = (site: string) =>
      fetch(`${base}/api/ballots/${vote.ballotId}/cast`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `gz_session=${vote.tokens[1]}`, 'sec-fetch-site': site },
        body: JSON.stringify({ choices: CHOICES }),
      });
    expect((await noOrigin('cross-site')).status).toBe(403);
    expect((await noOrigin('same-origin')).status).toBe(200);
  });

  it('believes X-Forwarded-Proto and X-Forwarded-Host only from a TRUST_PROXY address (none here), like every other mutation', async () => {
    const https = base.replace('http:', 'https:');
    expect((await cast(vote.tokens[2]!, { choices: CHOICES }, { origin: https, 'x-forwarded-proto': 'https' })).status).toBe(403);
    expect(
      (await cast(vote.tokens[2]!, { choices: CHOICES }, { origin: 'https://evil.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' }))
        .status,
    ).toBe(403);
  });

  it('asks to sign in without a valid session, and clears a cookie that is not one', async () => {
    expect((await cast(null, { choices: CHOICES })).status).toBe(401);
    for (const bad of ['not-a-token', generateSessionToken()]) {
      const res = await cast(bad, { choices: CHOICES });
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toMatch(/^gz_session=deleted; Path=\/; Expires=Thu, 01 Jan 1970/);
      expect((await res.json()).error).toBe('请先登录');
    }
  });

  it('ignores another application’s malformed cookie and reads the first of a repeated session cookie', async () => {
    for (const jar of [
      `gz_session=${vote.tokens[7]}; utm=%E4%B8`,
      `a=%; gz_session=${vote.tokens[7]}`,
      `gz_session=${vote.tokens[7]}; gz_session=${generateSessionToken()}`,
    ]) {
      const res = await cast(null, { choices: CHOICES }, { cookie: jar });
      expect(res.status, jar).toBe(200);
    }
  });

  it('slides a session in its last 15 days and sends the new expiry', async () => {
    const token = generateSessionToken();
    const user = await open.db.selectFrom('sessions').select('user_id').where('id', '=', sessionIdOf(vote.tokens[2]!)).executeTakeFirstOrThrow();
    await open.db
      .insertInto('sessions')
      .values({ id: sessionIdOf(token), user_id: user.user_id, expires_at: new Date(Date.now() + 2 * DAY) })
      .execute();
    const res = await cast(token, { choices: CHOICES });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^gz_session=${token}; Path=/; Expires=[^;]+; HttpOnly; SameSite=Lax$`));
    const expires = new Date(/Expires=([^;]+)/.exec(cookie)![1]!).getTime();
    expect(Math.abs(expires - (Date.now() + 30 * DAY))).toBeLessThan(60_000);
  });

  it('validates the body: JSON of the right shape, every matter, at most 4 KB, errors in the reader’s language', async () => {
    const t = vote.tokens[3]!;
    expect((await cast(t, '{"choices":')).status).toBe(400);
    expect((await cast(t, { choices: { m1: 'yes' } })).status).toBe(400);
    const partial = await cast(t, { choices: { m1: 'agree' } });
    expect(partial.status).toBe(409);
    expect((await partial.json()).error_zh).toBeTruthy();
    const english = await cast(t, { choices: { m1: 'agree' } }, { cookie: `gz_session=${t}; gz_lang=en` });
    const body = await english.json();
    expect(body.error).toBe(body.error_en);
    expect(body.error).not.toBe(body.error_zh);
    const huge = await cast(t, { choices: CHOICES, pad: 'x'.repeat(5000) });
    expect(huge.status).toBe(413);
    expect((await cast(t, { choices: CHOICES })).status).toBe(200);
  });

  it('answers an unknown ballot and a non-voter with a refusal, and rate-limits casting', async () => {
    const unknown = await fetch(`${base}/api/ballots/999999/cast`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, cookie: `gz_session=${vote.tokens[4]}` },
      body: JSON.stringify({ choices: CHOICES }),
    });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
    const statuses: number[] = [];
    // 30 a minute, counted per clock minute: 61 quick casts span at most two such windows
    for (let i = 0; i < 61; i++) statuses.push((await cast(vote.tokens[5]!, { choices: CHOICES })).status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(60);
    expect(statuses).toContain(429);
  });

  it('answers any body, cookie and ballot id without a server error', async () => {
    const json = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record({
          choices: fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.constantFrom('agree', 'oppose', 'abstain'), fc.string())),
          voter: fc.option(fc.string(), { nil: undefined }),
        })
        .map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 300 }),
    );
    const printable = fc.string({ maxLength: 40 }).filter((v) => !/[\r\n\u0000-\u001f\u007f-\uffff]/.test(v));
    const cookie = fc.oneof(
      fc.constant(`gz_session=${vote.tokens[6]}`),
      fc.string({ maxLength: 60 }).map((v) => `gz_session=${encodeURIComponent(v)}`),
      printable,
      // percent signs that are not valid encoding, next to a valid session
      printable.map((v) => `x=%${v.replaceAll(';', '')}; gz_session=${vote.tokens[6]}`),
    );
    const ballot = fc.oneof(fc.constant(String(vote.ballotId)), fc.integer({ min: -5, max: 3_000_000_000 }).map(String), fc.constant('99999999999'));
    await fc.assert(
      fc.asyncProperty(json, cookie, ballot, async (body, c, b) => {
        const res = await fetch(`${base}/api/ballots/${b}/cast`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: base, cookie: c },
          body,
        });
        await res.arrayBuffer();
        return res.status < 500;
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('limits refused attempts of someone who is not a voter', async () => {
    const u = await open.db
      .insertInto('users')
      .values({ phone: '13740000001', password_hash: 'x', display_name: 'n' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = generateSessionToken();
    await open.db
      .insertInto('sessions')
      .values({ id: sessionIdOf(token), user_id: u.id, expires_at: new Date(Date.now() + 20 * DAY) })
      .execute();
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await cast(token, { choices: CHOICES })).status);
    expect(statuses[0]).toBe(403);
    expect(statuses.filter((s) => s === 403).length).toBeLessThanOrEqual(60);
    expect(statuses).toContain(429);
  });

  it('leaves every other request to Astro', async () => {
    const get = await fetch(`${base}/api/ballots/${vote.ballotId}/cast`);
    expect(get.status).not.toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(200);
  });
});
