import { test, expect, setPrefs } from './support/fixtures.ts';
import type { Page } from '@playwright/test';

const PHONE = { width: 390, height: 844 };

test.use({ viewport: PHONE });

/** The project page of a stage-3 project (it has a revised plan, parties and fees). */
async function openStage3Project(page: Page) {
  await page.goto('/?stage=3');
  const href = (await page.locator('#project-list li a').first().getAttribute('href'))!;
  await page.goto(href);
  return href;
}

async function horizontalOverflow(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

for (const prefs of [
  { lang: 'zh', elder: false },
  { lang: 'zh', elder: true },
  { lang: 'en', elder: true },
] as const) {
  test(`a phone shows every column of the fee, estate and party tables (${prefs.lang}${prefs.elder ? ', elder mode' : ''})`, async ({ page }) => {
    await setPrefs(page, prefs);
    await openStage3Project(page);
    expect(await horizontalOverflow(page)).toBe(0);

    // 业主实缴, what an owner pays, is on screen without scrolling sideways, beside or under its label
    const net = page.locator('#fee-table tbody td.net').first();
    await net.scrollIntoViewIfNeeded();
    const box = (await net.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    const label = await net.evaluate((td) => getComputedStyle(td, '::before').content);
    expect(label).toBe(prefs.lang === 'zh' ? '"业主实缴（元）"' : '"Owner pays (yuan)"');
    for (const cell of await page.locator('#fee-table td, #estates-table td, #parties-table td').all()) {
      const b = (await cell.boundingBox())!;
      expect(b.x + b.width, await cell.innerText()).toBeLessThanOrEqual(PHONE.width);
    }

    // an estate is one card, no cell taller than what it holds plus its label (the table's
    // narrow last column made every other cell of the row ~900 px of blank)
    const fontPx = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    const blank = await page
      .locator('#estates-table tbody tr')
      .first()
      .locator('td')
      .evaluateAll((tds) =>
        tds.map((td) => {
          const range = document.createRange();
          range.selectNodeContents(td);
          return td.getBoundingClientRect().height - range.getBoundingClientRect().height;
        }),
      );
    for (const px of blank) expect(px / fontPx).toBeLessThan(4);

    // company names read across the card, not one character a line
    for (const name of await page.locator('#parties-table td[data-label]:nth-child(2)').all()) {
      const text = (await name.innerText()).trim();
      const lines = Math.round((await name.boundingBox())!.height / (fontPx * (prefs.elder ? 1.8 : 1.6)));
      expect(lines, text).toBeLessThanOrEqual(Math.ceil(text.length / 5));
    }
  });
}

test('the project page uses full-width punctuation in Chinese and lists the earlier version of a revised document', async ({ page }) => {
  await openStage3Project(page);
  await expect(page.locator('main .badge').first()).toHaveText(/^当前阶段：/);
  await expect(page.locator('ol.timeline li').first()).toContainText('进入日期：');
  const plan = page.locator('section#documents ul.docs > li', { hasText: '改造实施方案' });
  await expect(plan).toHaveCount(2);
  await expect(plan.nth(0)).toContainText('版本 2 ·');
  await expect(plan.nth(1)).toContainText('版本 1 ·');
  await expect(plan.nth(1)).toContainText('已由第 2 版取代');
  const v1 = await page.request.get((await plan.nth(1).getByRole('link', { name: '下载' }).getAttribute('href'))!);
  expect(v1.status()).toBe(200);
  expect((await v1.body()).subarray(0, 5).toString()).toBe('%PDF-');
});

test('English pages show the English the office gave and mark the Chinese it did not as zh-CN', async ({ page }) => {
  await setPrefs(page, { lang: 'en' });
  await page.goto('/?stage=3');
  const first = page.locator('#project-list li strong').first();
  await expect(first).toHaveText(/^Renovation of /);
  expect(await first.getAttribute('lang')).toBeNull();
  await openStage3Project(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Renovation of /);
  await expect(page.locator('section#summary > p').first()).toContainText('households');
  const address = page.locator('#estates-table td[data-label="Address"]').first();
  await expect(address).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('#parties-table td[data-label="Organisation"]').first()).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('section#notices li a').first()).toHaveAttribute('lang', 'zh-CN');
  // every Chinese text in the main content sits inside an element marked zh-CN (a Chinese term
  // inside an English sentence, like 三供一业, is English text)
  const unmarked = await page.locator('main').evaluate((main) => {
    const out: string[] = [];
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (/[\u3400-\u9fff]/.test(n.textContent ?? '') && !/[A-Za-z]/.test(n.textContent ?? '') && !n.parentElement?.closest('[lang="zh-CN"]'))
        out.push(n.textContent!.trim());
    }
    return out;
  });
  expect(unmarked).toEqual([]);
});
