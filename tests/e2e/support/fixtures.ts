import { test as base, expect, type Page } from '@playwright/test';

// A 1×1 transparent PNG: there is no network here, and tests must not depend on tiles.
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

export async function routeTiles(page: Page) {
  await page.route(/tiles\.test\.invalid|tile\.openstreetmap|tianditu/, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL }));
}

export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    await routeTiles(page);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});
export { expect };

/** Sets language and elder mode the way a visitor does: through the header links. */
export async function setPrefs(page: Page, prefs: { lang?: 'zh' | 'en'; elder?: boolean }) {
  const q = new URLSearchParams();
  if (prefs.lang) q.set('lang', prefs.lang);
  if (prefs.elder !== undefined) q.set('elder', prefs.elder ? '1' : '0');
  await page.goto(`/prefs?${q}&next=/`);
}
