import { axeViolations } from './support/axe.ts';
import { test, expect, setPrefs } from './support/fixtures.ts';

const MAP_LAYERS = '.leaflet-marker-pane, .leaflet-overlay-pane';

const MODES = [
  { lang: 'zh', elder: false },
  { lang: 'en', elder: false },
  { lang: 'zh', elder: true },
  { lang: 'en', elder: true },
] as const;

for (const mode of MODES) {
  test(`every public page has zero axe violations (${mode.lang}${mode.elder ? ', elder mode' : ''})`, async ({ page }) => {
    await setPrefs(page, mode);
    await page.goto('/');
    const project = await page.locator('#project-list li a').first().getAttribute('href');
    await page.goto('/notices');
    const notice = await page.locator('main ul.projects li a').first().getAttribute('href');
    const pages = ['/', '/?stage=2&category=services', project!, '/notices', notice!, '/subdistricts/hebin', '/open-data', '/no-such-page'];
    for (const url of pages) {
      await page.goto(url);
      if (url.startsWith('/?') || url === '/') {
        await page.locator('.map').scrollIntoViewIfNeeded();
        await page.waitForFunction(() => Number(document.querySelector('.map')?.getAttribute('data-marker-count')) >= 0);
      }
      // Map markers sit as close as their estates do, so they cannot all meet the 24 px
      // target spacing; WCAG 2.5.8's "equivalent" exception applies because the project list
      // on the same page links to every project. Every other rule still runs on the map.
      const summary = [
        ...(await axeViolations(page, { exclude: MAP_LAYERS })),
        ...((await page.locator(MAP_LAYERS).count()) ? await axeViolations(page, { include: MAP_LAYERS, disableRules: ['target-size'] }) : []),
      ];
      expect(summary, `axe on ${url}`).toEqual([]);
    }
  });
}
