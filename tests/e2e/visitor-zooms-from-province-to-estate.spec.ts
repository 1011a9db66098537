import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { HomePage } from './pages/home-page.ts';

test.use({ viewport: { width: 390, height: 844 } });

// The demo data: 24 projects, six a batch year (2020: ZH-2020-00001, -00005, -00009, -00013,
// -00017, -00021), all within about 10 km of each other in Zhanhe; the e2e data adds one more
// (2019). Other stories may publish a project of their own while this one runs.
const YEAR_2020 = 6;

/** What the map draws now: the count of each cluster and the number of single projects. */
async function shown(page: Page) {
  const clusters = (await page.locator('.marker-cluster span').allInnerTexts()).map(Number);
  const singles = await page.locator('.map-project').count();
  return { clusters, singles, total: clusters.reduce((a, b) => a + b, 0) + singles };
}

/** The zoom of the view the map has drawn last. */
const drawnZoom = async (page: Page) => Number(await page.locator('.map').getAttribute('data-view-zoom'));

/** Does something that moves the map, and waits until the new view's data is drawn. */
async function moves(page: Page, act: () => Promise<void>) {
  const before = await drawnZoom(page);
  await act();
  await expect.poll(() => drawnZoom(page)).not.toBe(before);
}

/** Zooms out with the map's own button until the whole city is one cluster (province level). */
async function zoomOutToOneCluster(page: Page) {
  for (let i = 0; i < 8; i++) {
    const s = await shown(page);
    if (s.clusters.length === 1 && s.singles === 0) break;
    await moves(page, () => page.locator('.leaflet-control-zoom-out').click());
  }
  expect(await drawnZoom(page)).toBeLessThanOrEqual(10);
  return shown(page);
}

test('a visitor zooms from the province down to an estate; the clusters count the filtered projects', async ({ page }) => {
  const home = new HomePage(page);
  await home.open();
  const all = await home.markerCount();
  expect(all).toBeGreaterThanOrEqual(25);
  await expect(page.locator('.marker-cluster, .map-project').first()).toBeVisible();

  // province level: every project in one cluster, named in words for keyboards and screen readers
  const province = await zoomOutToOneCluster(page);
  expect(province.clusters).toEqual([all]);
  await expect(page.getByRole('button', { name: `${all} 个项目，点击放大查看` })).toBeVisible();

  // a filter changes the counts: batch year 2020
  await home.filter('批次年度', '2020');
  await home.apply();
  await expect(page).toHaveURL(/year=2020/);
  expect(await home.markerCount()).toBe(YEAR_2020);
  expect((await shown(page)).total).toBe(YEAR_2020);
  expect((await zoomOutToOneCluster(page)).clusters).toEqual([YEAR_2020]);

  // down again, from the keyboard: Enter on a cluster zooms in to where it splits
  const cluster = page.getByRole('button', { name: `${YEAR_2020} 个项目，点击放大查看` });
  await cluster.focus();
  await moves(page, () => page.keyboard.press('Enter'));
  const split = await shown(page);
  expect(split.clusters.length + split.singles).toBeGreaterThan(1);
  expect(split.total).toBe(YEAR_2020);

  // click the biggest cluster until every project stands alone, each step showing all six
  for (let i = 0; i < 10; i++) {
    const s = await shown(page);
    if (s.clusters.length === 0) break;
    const biggest = Math.max(...s.clusters);
    await moves(page, () =>
      page
        .locator('.marker-cluster', { hasText: new RegExp(`^${biggest}$`) })
        .first()
        .click(),
    );
    expect(Math.max(0, ...(await shown(page)).clusters)).toBeLessThan(biggest);
  }
  const last = await shown(page);
  expect(last.clusters).toEqual([]);
  expect(last.singles).toBeGreaterThan(0);

  // the estate, from the keyboard: Tab from the map reaches a project's marker, named by its
  // title and stage; Enter opens its popup with the focus on the link to the project, Escape
  // closes it and gives the focus back to the marker
  await page.locator('.map').focus();
  await page.keyboard.press('Tab');
  const focused = page.locator('.map-project:focus');
  await expect(focused).toHaveCount(1);
  await expect(focused).toHaveAttribute('role', 'button');
  const name = (await focused.getAttribute('aria-label'))!;
  expect(name).toMatch(/^.+（.+），点击查看$/);
  const link = page.locator('.leaflet-popup-content a');
  await page.keyboard.press('Enter');
  await expect(link).toBeFocused();
  await expect(page.locator('.leaflet-popup-content strong')).toHaveText(name.replace(/（[^（]+），点击查看$/, ''));
  await page.keyboard.press('Escape');
  await expect(link).toHaveCount(0);
  await expect(page.getByRole('button', { name, exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(link).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/projects\/ZH-2020-/);
});

test('the view endpoint refuses a bad box or zoom, and without a box answers the whole map as before', async ({ page }) => {
  for (const q of [
    'bbox=1,2,3&zoom=5',
    'bbox=113,33,112,34&zoom=5',
    'bbox=a,b,c,d&zoom=5',
    'bbox=112,33,114,34&zoom=21',
    'bbox=112,33,114,34&zoom=-1',
    'bbox=112,33,114,34',
    'zoom=7',
    'bbox=112,33,114,34&zoom=7.5',
  ]) {
    const res = await page.request.get(`/api/projects.geojson?${q}`);
    expect(res.status(), q).toBe(400);
    expect((await res.json()).error_en, q).toBe('Invalid map view (bbox or zoom)');
  }
  // the whole map first, so that a cached answer would show if a view shared its cache key
  const whole = await (await page.request.get('/api/projects.geojson')).json();
  expect(whole.features.length).toBeGreaterThanOrEqual(25);
  expect(whole.features.every((f: { properties: { cluster?: boolean } }) => f.properties.cluster === undefined)).toBe(true);
  const view = await page.request.get('/api/projects.geojson?bbox=110,31,117,37&zoom=7');
  expect(view.status()).toBe(200);
  const body = await view.json();
  expect(body.total).toBe(whole.features.length);
  expect(body.features).toHaveLength(1);
  expect(body.features[0].properties).toMatchObject({ cluster: true, count: whole.features.length });
  // cacheable: the same view again with its ETag is a 304
  const again = await page.request.get('/api/projects.geojson?bbox=110,31,117,37&zoom=7', { headers: { 'if-none-match': view.headers()['etag']! } });
  expect(again.status()).toBe(304);
  // filters apply to views as to the whole map
  const stage = await (await page.request.get('/api/projects.geojson?stage=2&bbox=110,31,117,37&zoom=7')).json();
  expect(stage.total).toBe((await (await page.request.get('/api/projects.geojson?stage=2')).json()).features.length);
  expect((await page.request.get('/api/projects.geojson?stage=9&bbox=110,31,117,37&zoom=7')).status()).toBe(400);
});
