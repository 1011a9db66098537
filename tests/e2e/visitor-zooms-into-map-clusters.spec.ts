import { test, expect } from './support/fixtures.ts';
import { HomePage } from './pages/home-page.ts';

// The map groups nearby projects into numbered clusters; every project is on it, once, as a
// marker or counted in a cluster, and a cluster's click zooms in to where it splits.
test('the map shows every project as a marker or in a numbered cluster, and a cluster opens up when clicked', async ({ page }) => {
  const home = new HomePage(page);
  await home.open();
  const projects = await home.markerCount();
  expect(projects).toBe(await home.total());
  const shown = async () => {
    const clusters = (await page.locator('.marker-cluster span').allInnerTexts()).map(Number);
    const markers = await page.locator('.map-project').count();
    return { clusters, total: clusters.reduce((a, b) => a + b, 0) + markers };
  };
  await expect(page.locator('.marker-cluster, .map-project').first()).toBeVisible();
  // the whole set is in view after fitting the bounds
  expect((await shown()).total).toBe(projects);
  const before = await shown();
  expect(before.clusters.length, 'the demo map has clusters at its first view').toBeGreaterThan(0);
  const biggest = Math.max(...before.clusters);
  await page
    .locator('.marker-cluster', { hasText: new RegExp(`^${biggest}$`) })
    .first()
    .click();
  // zoomed in: that cluster is split into smaller clusters or markers
  await expect.poll(async () => Math.max(0, ...(await shown()).clusters)).toBeLessThan(biggest);
});
