import { test, expect } from './support/fixtures.ts';
import type { Page } from '@playwright/test';
import { HomePage } from './pages/home-page.ts';

// The list pages through the same results as the filters: 20 a page, "下一页" and "上一页" as
// plain links that keep the filters. The demo has 24 projects, each with infrastructure works.

test.use({ viewport: { width: 390, height: 844 } });

async function walk(page: Page) {
  const home = new HomePage(page);
  await home.open();
  await home.filter('改造内容', 'infrastructure');
  await home.apply();
  await expect(page).toHaveURL(/category=infrastructure/);
  const total = await home.total();
  expect(total).toBeGreaterThan(20);
  const codes = () => home.items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code')!));
  const first = await codes();
  expect(first).toHaveLength(20);
  await expect(page.getByRole('link', { name: '上一页' })).toHaveCount(0);

  await page.getByRole('link', { name: '下一页' }).click();
  // waitForURL waits for the new page's load event: the URL alone commits before the list is parsed
  await page.waitForURL(/category=infrastructure.*after=/);
  await expect(page.getByLabel('改造内容')).toHaveValue('infrastructure');
  await expect(home.items).toHaveCount(total - 20);
  const second = await codes();
  expect(second).toHaveLength(total - 20);
  expect(new Set([...first, ...second]).size, 'every project once over the pages').toBe(total);
  expect(await home.total()).toBe(total);
  await expect(page.getByRole('link', { name: '下一页' })).toHaveCount(0);
  // the link lands on the list, not on top of the map
  await expect(page.locator('#list-h')).toBeInViewport();

  await page.getByRole('link', { name: '上一页' }).click();
  await page.waitForURL(/category=infrastructure.*before=/);
  await expect(home.items).toHaveCount(20);
  expect(await codes()).toEqual(first);
  await expect(page.getByRole('link', { name: '上一页' })).toHaveCount(0);
}

test('a visitor on a phone pages through the filtered list and back', async ({ page }) => {
  await walk(page);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('a visitor pages through the filtered list and back with plain links', async ({ page }) => {
    await walk(page);
  });
});

test('a search keeps its words from page to page', async ({ page }) => {
  const home = new HomePage(page);
  await home.open('?q=ZH-');
  const total = await home.total();
  expect(total).toBeGreaterThan(20);
  await page.getByRole('link', { name: '下一页' }).click();
  await page.waitForURL(/after=/);
  await expect(page.getByRole('searchbox')).toHaveValue('ZH-');
  await expect(home.items).toHaveCount(total - 20);
});

test('the streamed feeds carry the data version as their tag and answer 304 while it holds', async ({ request }) => {
  for (const path of ['/open-data/projects.csv', '/open-data/oc4ids.json']) {
    const first = await request.get(path);
    expect(first.status()).toBe(200);
    const etag = first.headers()['etag']!;
    expect(etag).toMatch(/^W\/"d\d+-f\d+"$/);
    expect(first.headers()['cache-control']).toBe('public, no-cache');
    const again = await request.get(path, { headers: { 'If-None-Match': etag } });
    expect(again.status()).toBe(304);
    expect(await again.body()).toHaveLength(0);
    expect((await request.get(path, { headers: { 'If-None-Match': 'W/"d0-f0"' } })).status()).toBe(200);
  }
});
