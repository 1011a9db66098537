import { test, expect } from './support/fixtures.ts';
import { HomePage } from './pages/home-page.ts';
import { ProjectPage, SECTIONS } from './pages/project-page.ts';

test('a visitor filters the map, finds a project in the list, opens it and sees every disclosure section', async ({ page }) => {
  const home = new HomePage(page);
  await home.open();
  const allMarkers = await home.markerCount();
  const allItems = await home.total();
  expect(allMarkers).toBe(allItems);
  expect(allItems).toBeGreaterThanOrEqual(24);
  await expect(page.locator('.leaflet-marker-icon').first()).toBeVisible();

  await home.filter('阶段', '3');
  await home.apply();
  await expect(page).toHaveURL(/stage=3/);
  const stageItems = await home.total();
  expect(stageItems).toBeGreaterThan(0);
  expect(stageItems).toBeLessThan(allItems);
  expect(await home.markerCount()).toBe(stageItems);
  for (const badge of await home.items.locator('.badge').allInnerTexts()) expect(badge).toBe('改造实施');
  await expect(page.getByLabel('阶段')).toHaveValue('3');

  await home.filter('街道', (await page.locator('select[name=subdistrict] option').nth(1).getAttribute('value'))!);
  await home.apply();
  const narrowed = await home.total();
  expect(await home.markerCount()).toBe(narrowed);

  await home.open('?stage=3');
  const first = home.items.first();
  const title = (await first.locator('a').first().innerText()).trim();
  await first.locator('a').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);

  const project = new ProjectPage(page);
  for (const id of SECTIONS) await expect(project.section(id)).toBeVisible();
  await expect(project.section('timeline').locator('li')).toHaveCount(6);
  await expect(project.section('timeline').locator('li[aria-current=step]')).toContainText('改造实施');
  for (const category of ['改建配套基础设施', '改造提升居住环境', '改善优化服务设施', '改进规范社区管理']) {
    await expect(project.section('scope').getByRole('heading', { name: category })).toBeVisible();
  }
  const rows = await project.budgetRowsFen();
  expect(rows.length).toBeGreaterThanOrEqual(5);
  expect(rows.reduce((a, b) => a + b, 0)).toBe(await project.budgetTotalFen());
  await expect(project.section('parties')).toContainText('施工');
  await expect(project.section('documents').locator('img')).toBeVisible();
  const pdf = project.section('documents').locator('a[href$=".pdf"]').first();
  const res = await page.request.get((await pdf.getAttribute('href'))!);
  expect(res.headers()['content-type']).toBe('application/pdf');
  expect((await res.body()).subarray(0, 5).toString()).toBe('%PDF-');
  await expect(project.section('fees')).toContainText('0.30');
  await expect(project.section('history').locator('tbody tr').first()).toBeVisible();
});

test('a map marker opens a popup that links to its project', async ({ page }) => {
  const home = new HomePage(page);
  await home.open('?subdistrict=hebin&stage=1');
  expect(await home.markerCount()).toBe(await home.total());
  const marker = page.locator('.map-project').first();
  await marker.click();
  const link = page.locator('.leaflet-popup-content a');
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(/\/projects\/ZH-/);
});
