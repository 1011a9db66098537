import { test, expect } from '@playwright/test';

// A cached page is keyed by its known query parameters only; its language and elder-mode links
// (next=) must not carry the first visitor's other parameters to everyone served that page.
test("a stray query parameter of the first visitor does not end up in the cached page's links", async ({ browser }) => {
  const first = await browser.newContext();
  const res = await first.request.get('/?year=2019&stray=first-visitor-was-here');
  expect(res.status()).toBe(200);
  await first.close();
  const second = await browser.newContext();
  const page = await second.newPage();
  await page.goto('/?year=2019');
  const hrefs = await page.locator('a[href^="/prefs?"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  expect(hrefs.length).toBeGreaterThan(0);
  for (const href of hrefs) {
    expect(href).not.toContain('first-visitor-was-here');
    expect(decodeURIComponent(href.split('next=')[1] ?? '')).toBe('/?year=2019');
  }
  await second.close();
});
