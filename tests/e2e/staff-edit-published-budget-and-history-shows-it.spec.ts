import { test, expect } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';

test('staff change a published budget line and the public page shows the new figure and the change in its history', async ({ page, browser }) => {
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/projects');
  const first = page.locator('#office-projects li a').first();
  await first.click();
  const code = decodeURIComponent(page.url().split('/').pop()!);

  // the public page, read anonymously before the change (and so cached)
  const visitor = await browser.newPage();
  await visitor.goto(`/projects/${code}`);
  const before = await visitor.locator('#budget-table tfoot [data-total-fen]').getAttribute('data-total-fen');

  const form = page.locator('#budget-lines form[data-channel=residents]');
  const old = await form.getByLabel(/居民合理分摊/).inputValue();
  await form.getByLabel(/居民合理分摊/).fill('12345.6');
  await form.getByLabel('变更说明').fill('业主大会调整分摊方案');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status')).toContainText('已保存');

  await visitor.goto(`/projects/${code}`);
  const after = await visitor.locator('#budget-table tfoot [data-total-fen]').getAttribute('data-total-fen');
  expect(Number(after) - Number(before)).toBe(1234560 - Math.round(Number(old) * 100));
  const row = visitor.locator('#history-table tbody tr').first();
  await expect(row).toContainText('资金 · 金额');
  await expect(row).toContainText(Number(old).toLocaleString('en-US', { minimumFractionDigits: 2 }));
  await expect(row).toContainText('12,345.60');

  await form.getByLabel(/居民合理分摊/).fill('12.345');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('alert')).toHaveText('请检查下面标出的内容');
});

test('a staff member of another subdistrict cannot open or change this office’s project', async ({ page }) => {
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/projects');
  const href = await page.locator('#office-projects li a').first().getAttribute('href');
  await signIn(page, '13900000003'); // 荆山
  const res = await page.goto(href!);
  expect(res!.status()).toBe(404);
});
