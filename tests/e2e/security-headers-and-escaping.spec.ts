import { test, expect } from './support/fixtures.ts';
import { HOSTILE_CODE, HOSTILE_NOTICE, HOSTILE_TITLE } from './support/hostile.ts';

test('pages carry a hashed CSP without unsafe-inline scripts, and refuse framing and sniffing', async ({ page }) => {
  for (const url of ['/', `/projects/${HOSTILE_CODE}`, '/notices', '/api/projects.geojson', '/open-data/projects.csv', '/no-such-page']) {
    const res = await page.request.get(url);
    const h = res.headers();
    const csp = h['content-security-policy'] ?? '';
    expect(csp, url).toMatch(/frame-ancestors 'none'/);
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    expect(scriptSrc, url).not.toContain('unsafe-inline');
    expect(h['x-frame-options'], url).toBe('DENY');
    expect(h['x-content-type-options'], url).toBe('nosniff');
    expect(h['referrer-policy'], url).toBeTruthy();
  }
  const home = await page.request.get('/');
  expect(home.headers()['content-security-policy']).toMatch(/script-src 'self' 'sha256-/);
});

test('hostile text in a project and a notice is shown as text and never runs', async ({ page }) => {
  await page.goto(`/projects/${HOSTILE_CODE}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(HOSTILE_TITLE);
  await expect(page.locator('#scope')).toContainText(HOSTILE_NOTICE);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('main script, main iframe, main img[src=x]').count()).toBe(0);

  await page.goto('/notices');
  await page.getByRole('link', { name: HOSTILE_TITLE }).click();
  await expect(page.locator('.notice-body')).toHaveText(HOSTILE_NOTICE);
  expect(await page.locator('main iframe, main b').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  const api = await page.request.get(`/api/projects/${HOSTILE_CODE}.json`);
  expect((await api.json()).title).toBe(HOSTILE_TITLE);
});
