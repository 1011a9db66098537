import { test, expect } from './support/fixtures.ts';

test('open data feeds agree with each other and honour filters', async ({ page }) => {
  const geo = await (await page.request.get('/api/projects.geojson')).json();
  expect(geo.type).toBe('FeatureCollection');
  const codes = geo.features.map((f: { properties: { code: string } }) => f.properties.code).sort();
  const csv = await (await page.request.get('/open-data/projects.csv')).text();
  const csvCodes = csv
    .trim()
    .split('\r\n')
    .slice(1)
    .map((l) => l.split(',')[0])
    .sort();
  expect(csvCodes).toEqual(codes);
  const oc4ids = await (await page.request.get('/open-data/oc4ids.json')).json();
  expect(oc4ids.projects).toHaveLength(codes.length);

  const stage5 = await (await page.request.get('/api/projects.geojson?stage=5')).json();
  expect(stage5.features.length).toBeGreaterThan(0);
  expect(stage5.features.every((f: { properties: { stage: number } }) => f.properties.stage === 5)).toBe(true);
  const bad = await page.request.get('/api/projects.geojson?stage=seven');
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error_en).toBe('Invalid filter');

  const one = await (await page.request.get(`/api/projects/${stage5.features[0].properties.code}.json`)).json();
  expect(one.stage).toBe(5);
  expect(one.budgetTotalFen).toBe(one.budget.reduce((a: number, b: { amountFen: number }) => a + b.amountFen, 0));
  for (const key of ['scope', 'budget', 'parties', 'documents', 'fees', 'notices', 'history', 'stageEvents', 'estates'])
    expect(one[key].length, key).toBeGreaterThan(0);
});

test('estate floor areas are integer 0.01 m², like every other area of the open data', async ({ page }) => {
  // the demo estates have 55–95 m² per household (db/seed/generate.ts): in 0.01 m² that is
  // 5,500–9,500 per household; true cm² would be 100 times more
  const geo = await (await page.request.get('/api/projects.geojson')).json();
  const code = geo.features[0].properties.code as string;
  const one = await (await page.request.get(`/api/projects/${code}.json`)).json();
  for (const e of one.estates as { floorAreaCm2: number; householdCount: number }[]) {
    expect(Number.isInteger(e.floorAreaCm2)).toBe(true);
    expect(e.floorAreaCm2 / e.householdCount).toBeGreaterThanOrEqual(5500);
    expect(e.floorAreaCm2 / e.householdCount).toBeLessThanOrEqual(9500);
  }
  // the project page shows the same figure in m² with two decimals
  const e = one.estates[0] as { floorAreaCm2: number };
  await page.goto(`/projects/${code}`);
  await expect(page.locator('main')).toContainText(`${Math.trunc(e.floorAreaCm2 / 100)}.${String(e.floorAreaCm2 % 100).padStart(2, '0')}`);
});
