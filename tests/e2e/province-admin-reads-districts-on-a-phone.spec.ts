import type { Page } from '@playwright/test';
import { test, expect, setPrefs } from './support/fixtures.ts';
import { PROVINCE_ADMIN, signIn } from './support/accounts.ts';

// At 390 px, in elder mode too, the tables of /admin/district (districts, subdistricts, staff)
// and the province admin's estates on /admin/register read as one card per row: nothing
// runs off the screen, and no cell is squeezed into a character or two a line (the districts
// table's place read "河南 / 省 平 / 顶山 / 市").

const PHONE = { width: 390, height: 844 };
test.use({ viewport: PHONE });

/** For each cell: its text, how many lines its text takes and its right edge. */
async function cells(page: Page, table: string) {
  return page.locator(`${table} tbody td`).evaluateAll((tds) =>
    tds.map((td) => {
      // the lines of its words (whitespace between elements takes no line)
      const tops = new Set<number>();
      const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (!n.textContent!.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
      }
      const box = td.getBoundingClientRect();
      return { text: (td.textContent ?? '').replace(/\s+/g, ' ').trim(), lines: tops.size, right: box.right };
    }),
  );
}

for (const prefs of [
  { lang: 'zh', elder: false },
  { lang: 'zh', elder: true },
  { lang: 'en', elder: true },
] as const) {
  test(`the province admin reads the districts, subdistricts, staff and estates tables on a phone (${prefs.lang}${prefs.elder ? ', elder mode' : ''})`, async ({
    page,
  }) => {
    await signIn(page, PROVINCE_ADMIN);
    await setPrefs(page, prefs);
    // 湛河区's subdistricts and staff (another story may add a district, without either, that sorts first)
    await page.goto('/admin/district');
    const zhanhe = (await page.locator('#districts tr[data-code="410411"] a').getAttribute('href'))!;
    for (const [path, tables] of [
      [zhanhe, ['#districts', '#subdistricts', '#staff-accounts']],
      ['/admin/register', ['#office-estates']],
    ] as const) {
      await page.goto(path);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), path).toBe(0);
      for (const table of tables) {
        const found = await cells(page, table);
        expect(found.length, table).toBeGreaterThan(0);
        for (const c of found) {
          expect(c.right, `${table}: ${c.text}`).toBeLessThanOrEqual(PHONE.width);
          // a short value sits on one or two lines, never a couple of characters a line
          if (c.text.length >= 4) expect(c.text.length / c.lines, `${table}: ${c.text} on ${c.lines} lines`).toBeGreaterThanOrEqual(4);
        }
      }
    }
    // the district's place reads whole: 河南省 and 平顶山市 each on one line
    await page.goto(zhanhe);
    const place = (await cells(page, '#districts')).find((c) => c.text.includes(prefs.lang === 'zh' ? '平顶山市' : 'Pingdingshan'))!;
    expect(place.lines).toBeLessThanOrEqual(2);
  });
}
