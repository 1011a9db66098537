import { test, expect } from './support/fixtures.ts';
import { HomePage } from './pages/home-page.ts';
import { axeViolations } from './support/axe.ts';

test.use({ viewport: { width: 390, height: 844 } });

/** WCAG contrast ratio of an rgb() colour against white. */
function contrastOnWhite(rgb: string): number {
  const [r, g, b] = rgb
    .match(/\d+/g)!
    .slice(0, 3)
    .map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
  const luminance = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return 1.05 / (luminance + 0.05);
}

test('the map’s tile attribution is readable (axe colour contrast) on a phone', async ({ page }) => {
  const home = new HomePage(page);
  await home.open();
  expect(await home.markerCount()).toBeGreaterThan(0);
  const attribution = page.locator('.leaflet-control-attribution');
  await expect(attribution).toContainText('© test tiles');
  expect(await axeViolations(page, { include: '.leaflet-control-attribution' })).toEqual([]);
  // axe cannot see through a half-transparent box over map tiles, so check what it would:
  // an opaque background, and text and links at 4.5:1 or more against it, whatever the tile
  const colours = await attribution.evaluate((el) => {
    const style = (e: Element) => getComputedStyle(e);
    return { background: style(el).backgroundColor, text: style(el).color, links: [...el.querySelectorAll('a')].map((a) => style(a).color) };
  });
  expect(colours.background).toBe('rgb(255, 255, 255)');
  for (const colour of [colours.text, ...colours.links]) expect(contrastOnWhite(colour), colour).toBeGreaterThanOrEqual(4.5);
  await expect(page.locator('.map-status')).toHaveCount(0);
});

test('the print button of a notice opens the browser’s print dialogue', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed++;
    };
  });
  await page.goto('/notices?kind=plan');
  await page.locator('#notice-list li a').first().click();
  const button = page.getByRole('button', { name: '打印公告' });
  await expect(button).toBeVisible();
  await button.click();
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await page.emulateMedia({ media: 'print' });
  await expect(button).toBeHidden();
});
