import { test, expect } from './support/fixtures.ts';

test('open data feeds agree with each other and honour filters', async ({ page }) => {
  const geo = await (await page.request.get('/api/projects.geojson')).json();
  expect(geo.type).toBe('FeatureCollection');
  const codes = geo.features.map((f: { properties: { code: string } }) => f.properties.code).sort();
  const csv = await (await page.request.get('/open-data/projects.csv')).text();
  const csvCodes = csv.trim().split('\r\n').slice(1).map((l) => l.split(',')[0]).sort();
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
  for (const key of ['scope', 'budget', 'parties', 'documents', 'fees', 'notices', 'history', 'stageEvents', 'estates']) expect(one[key].length, key).toBeGreaterThan(0);
});
