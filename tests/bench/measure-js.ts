import zlib from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import fs from 'node:fs';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

export async function launch(): Promise<Browser> {
  const executablePath = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => fs.existsSync(p));
  return chromium.launch({ executablePath, args: ARGS });
}

/**
 * JavaScript a real browser downloads for a page (the map scrolled into view so that the
 * island and its lazy imports load), each file gzip-compressed as a server would send it.
 */
export async function jsBytesGzip(browser: Browser, url: string): Promise<{ files: number; gzip: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.route(/tiles\.bench\.invalid/, (r) => r.fulfill({ status: 200, contentType: 'image/png', body: PIXEL }));
  const bodies: Promise<Buffer>[] = [];
  page.on('response', (res) => {
    if (res.request().resourceType() === 'script' || res.url().endsWith('.js')) bodies.push(res.body());
  });
  await page.goto(url, { waitUntil: 'load' });
  const map = page.locator('.map');
  if (await map.count()) {
    await map.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => Number(document.querySelector('.map')?.getAttribute('data-marker-count')) >= 0, null, { timeout: 30_000 });
  }
  await page.waitForLoadState('networkidle');
  const all = await Promise.all(bodies);
  await page.close();
  return { files: all.length, gzip: all.reduce((a, b) => a + zlib.gzipSync(b, { level: 9 }).byteLength, 0) };
}

/**
 * Milliseconds from navigation start until the map shows its markers, with where the time
 * went (navigation timing, the island's own performance marks, the map data's fetch) and,
 * given `tracePath`, a Chromium trace of the load.
 */
export async function markersVisibleMs(
  browser: Browser,
  url: string,
  tracePath?: string,
): Promise<{ ms: number; markers: number; timeline: string; tileZooms: number[]; dataUrls: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // the zoom levels of the tiles the map asked for (…/{z}/{x}/{y}.png) and its map-data requests: which view it showed
  const tileZooms = new Set<number>();
  const dataUrls: string[] = [];
  await page.route(/tiles\.bench\.invalid/, (r) => {
    const z = /\/(\d+)\/\d+\/\d+\.png/.exec(r.request().url());
    if (z) tileZooms.add(Number(z[1]));
    return r.fulfill({ status: 200, contentType: 'image/png', body: PIXEL });
  });
  page.on('request', (req) => {
    if (req.url().includes('projects.geojson')) dataUrls.push(req.url());
  });
  if (tracePath) await browser.startTracing(page, { path: tracePath, screenshots: false });
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator('.map').scrollIntoViewIfNeeded();
  const handle = await page.waitForFunction(
    // a marker or a cluster icon in Leaflet's marker pane, or a circle marker drawn as SVG in its overlay pane
    () => (document.querySelector('.leaflet-marker-pane > *, .leaflet-overlay-pane path.leaflet-interactive') ? performance.now() : false),
    null,
    { polling: 'raf', timeout: 60_000 },
  );
  const ms = (await handle.jsonValue()) as number;
  if (tracePath) await browser.stopTracing();
  const markers = Number(await page.locator('.map').getAttribute('data-marker-count'));
  const timeline = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    const geo = performance.getEntriesByType('resource').find((r) => r.name.includes('projects.geojson')) as PerformanceResourceTiming | undefined;
    const parts = [
      `html ${nav.responseEnd.toFixed(0)}`,
      `domInteractive ${nav.domInteractive.toFixed(0)}`,
      `DCL ${nav.domContentLoadedEventEnd.toFixed(0)}`,
      `load ${nav.loadEventEnd.toFixed(0)}`,
      paint ? `FCP ${paint.startTime.toFixed(0)}` : '',
      geo ? `geojson ${geo.startTime.toFixed(0)}–${geo.responseEnd.toFixed(0)}` : '',
      ...performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith('map:'))
        .map((m) => `${m.name} ${m.startTime.toFixed(0)}`),
    ];
    return parts.filter(Boolean).join(', ');
  });
  await page.close();
  return { ms, markers, timeline, tileZooms: [...tileZooms].sort((a, b) => a - b), dataUrls };
}
