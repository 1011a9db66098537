import { test, expect } from '@playwright/test';
import { SECTIONS } from './pages/project-page.ts';

test.use({ javaScriptEnabled: false });

test('a visitor without JavaScript filters the list and reads a full project page', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('批次年度').selectOption('2021');
  await page.getByRole('button', { name: '筛选' }).click();
  await page.waitForURL(/year=2021/); // waits for the load event, not only the URL
  const items = page.locator('#project-list li');
  expect(await items.count()).toBeGreaterThan(0);
  for (const meta of await items.locator('.meta').allInnerTexts()) expect(meta).toContain('2021');
  await items.first().locator('a').first().click();
  for (const id of SECTIONS) await expect(page.locator(`section#${id}`)).toBeVisible();
  await expect(page.locator('#budget-table tbody tr').first()).toBeVisible();
});

test('language and elder mode work as plain links and are remembered', async ({ page }) => {
  await page.goto('/notices');
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page).toHaveURL(/\/notices$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Notices');
  await page.getByRole('link', { name: 'Elder mode' }).click();
  await expect(page.locator('html')).toHaveClass(/elder/);
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('html')).toHaveClass(/elder/);
  const style = await page.evaluate(() => {
    const s = getComputedStyle(document.body);
    return { font: parseFloat(s.fontSize), line: parseFloat(s.lineHeight) / parseFloat(s.fontSize) };
  });
  expect(style.font).toBeGreaterThanOrEqual(20);
  expect(style.line).toBeGreaterThanOrEqual(1.3);
});
