import { test, expect } from './support/fixtures.ts';

test('a notice prints on A4 with a QR code to its online page and no site chrome', async ({ page }) => {
  await page.goto('/notices?kind=plan');
  const link = page.locator('main ul.projects li a').first();
  const href = (await link.getAttribute('href'))!;
  await link.click();
  const qr = page.locator('.qr img');
  await expect(qr).toBeVisible();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
  await expect(page.locator('.qr code')).toHaveText(new RegExp(`${href.replace('/', '\\/')}$`));
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('header.site')).toBeHidden();
  await expect(page.locator('.notice-sheet h1')).toBeVisible();
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
});

test('unknown pages answer 404 in the visitor’s language', async ({ page }) => {
  const zh = await page.goto('/projects/NOPE-1');
  expect(zh!.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
  await page.goto('/prefs?lang=en&next=/nothing-here');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  const api = await page.request.get('/api/projects/NOPE-1.json');
  expect(api.status()).toBe(404);
  expect((await api.json()).error_zh).toBe('项目不存在');
});
