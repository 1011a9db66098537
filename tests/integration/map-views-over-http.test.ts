import type { ChildProcess } from 'node:child_process';
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
import { generateSessionToken } from '../../src/features/accounts/session.ts';

// GET /api/projects.geojson?bbox=…&zoom=… on the built server (`npm start`): Node answers the
// map's views before Astro (src/features/map/view-node-route.ts). This holds that answer to
// the endpoint's contract (README, "The clustered map") and to what every answer carries
// (the security headers, a request id, a log line naming the route), and shows that the
// endpoint without a box is still Astro's (the open-data feed, through the page cache).
const built = fs.existsSync('dist/server/entry.mjs');
const VIEW = '/api/projects.geojson?bbox=110,31,117,37&zoom=7';
const SECURITY = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'cross-origin-opener-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function expectSecurityHeaders(res: Response, what: string) {
  for (const [name, value] of Object.entries(SECURITY)) expect(res.headers.get(name), `${what}: ${name}`).toBe(value);
  expect(res.headers.get('x-request-id'), what).toMatch(UUID);
}

describe.skipIf(!built || !postgresUrl)('the map views over HTTP', () => {
  let server: ChildProcess;
  let base: string;
  let open: OpenDatabase;
  let dataDir: string;
  let logFile: string;
  let scratch: ScratchDatabase;

  beforeAll(async () => {
    scratch = await scratchDatabase(postgresUrl!, 'map_http');
    open = openPostgres(scratch.url, 2);
    await migrateToLatest(open.db);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-map-http-'));
    await seedDatabase(open, dataDir, 24, () => {});
    logFile = path.join(dataDir, 'server.log');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawnBuiltServer(scratch.url, port, dataDir, { env: { GONGZHI_LOG_FILE: logFile } });
    await waitForServer(base);
  }, 90_000);
  afterAll(async () => {
    server?.kill('SIGTERM');
    await open?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  });

  it('answers a view as the contract says: GeoJSON, an ETag, no-cache, Vary: Cookie, the security headers and a request id', async () => {
    const res = await fetch(`${base}${VIEW}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/geo+json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('vary')).toBe('Cookie');
    expect(res.headers.get('etag')).toMatch(/^W\/"[\w-]{27}"$/);
    expectSecurityHeaders(res, 'view');
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    const body = JSON.parse(text);
    expect(body).toMatchObject({ type: 'FeatureCollection', total: 24 });
    expect(body.features).toHaveLength(1);
    expect(body.features[0].properties).toMatchObject({ cluster: true, count: 24 });
  });

  it('answers a view asked again with its ETag with a 304 carrying the ETag, the security headers and a request id', async () => {
    const first = await fetch(`${base}${VIEW}`);
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${base}${VIEW}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('no-cache');
    expectSecurityHeaders(again, '304');
    expect(await again.text()).toBe('');
    // another view, another tag: no 304 for it
    const other = await fetch(`${base}/api/projects.geojson?bbox=110,31,117,37&zoom=16`, { headers: { 'if-none-match': etag } });
    expect(other.status).toBe(200);
  });

  it('gives each answer its own request id and logs one line with the route’s pattern, never the query', async () => {
    const a = await fetch(`${base}${VIEW}&stage=2`);
    const b = await fetch(`${base}${VIEW}&stage=2`);
    const ids = [a.headers.get('x-request-id')!, b.headers.get('x-request-id')!];
    expect(ids[0]).not.toBe(ids[1]);
    await expect
      .poll(() => {
        const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n') : [];
        return lines.flatMap((l) => (ids.some((id) => l.includes(id)) ? [JSON.parse(l)] : []));
      })
      .toEqual(ids.map((id) => expect.objectContaining({ msg: 'request', id, method: 'GET', route: '/api/projects.geojson', status: 200 })));
    expect(fs.readFileSync(logFile, 'utf8')).not.toContain('bbox=');
  });

  it('refuses a bad view or bad filters with the same bilingual 400 as before, in the reader’s language', async () => {
    for (const q of ['bbox=1,2,3&zoom=5', 'bbox=113,33,112,34&zoom=5', 'bbox=112,33,114,34', 'bbox=112,33,114,34&zoom=21']) {
      const res = await fetch(`${base}/api/projects.geojson?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expectSecurityHeaders(res, q);
      const body = await res.json();
      expect(body, q).toMatchObject({ error: '地图范围（bbox）或缩放级别（zoom）无效', error_en: 'Invalid map view (bbox or zoom)' });
      expect(body.details.length, q).toBeGreaterThan(0);
    }
    const filter = await fetch(`${base}/api/projects.geojson?stage=9&bbox=110,31,117,37&zoom=7`, { headers: { cookie: 'gz_lang=en' } });
    expect(filter.status).toBe(400);
    expect(await filter.json()).toMatchObject({ error: 'Invalid filter', error_zh: '筛选条件无效' });
  });

  it('titles single projects in the language of the cookie', async () => {
    const deep = '/api/projects.geojson?bbox=110,31,117,37&zoom=18';
    const titles = async (cookie?: string) =>
      ((await (await fetch(`${base}${deep}`, { headers: cookie ? { cookie } : {} })).json()).features as { properties: { title?: string } }[])
        .flatMap((f) => (f.properties.title ? [f.properties.title] : []))
        .sort();
    const zh = await titles();
    const en = await titles('gz_lang=en');
    expect(zh.length).toBeGreaterThan(0);
    expect(zh.some((t) => /[\u4e00-\u9fff]/.test(t))).toBe(true);
    expect(en).not.toEqual(zh);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await fetch(`${base}${VIEW}`);
    const head = await fetch(`${base}${VIEW}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    for (const name of ['etag', 'content-type', 'cache-control', 'content-length']) expect(head.headers.get(name), name).toBe(get.headers.get(name));
    expect(await head.text()).toBe('');
  });

  it('is answered before Astro: a session cookie is neither read nor cleared (the view is everyone’s)', async () => {
    // Astro's middleware clears a session cookie that is not a session; the view never looks at it
    const res = await fetch(`${base}${VIEW}`, { headers: { cookie: `gz_session=${generateSessionToken()}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    // …while a page still goes through Astro, which does
    const page = await fetch(`${base}/`, { headers: { cookie: `gz_session=${generateSessionToken()}` } });
    expect(page.headers.get('set-cookie')).toMatch(/^gz_session=deleted;/);
  });

  it('leaves the endpoint without a box to Astro: the open-data feed of every project, through the page cache', async () => {
    const res = await fetch(`${base}/api/projects.geojson`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toMatch(/^(hit|miss)$/);
    expectSecurityHeaders(res, 'whole map');
    const body = await res.json();
    expect(body.features).toHaveLength(24);
    expect(body.features.every((f: { properties: { cluster?: boolean } }) => f.properties.cluster === undefined)).toBe(true);
    // zoom without a box: Astro's route, the same 400
    const zoomOnly = await fetch(`${base}/api/projects.geojson?zoom=7`);
    expect(zoomOnly.status).toBe(400);
    expect((await zoomOnly.json()).error_en).toBe('Invalid map view (bbox or zoom)');
    // other methods are not the view's
    expect((await fetch(`${base}${VIEW}`, { method: 'POST', headers: { origin: base } })).status).not.toBe(200);
  });
});
