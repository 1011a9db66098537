import { test, expect, setPrefs } from './support/fixtures.ts';

// The demo serves one district, 湛河区: the portal is named after it in the header, the title,
// the open data licence and the OC4IDS publisher (all from one source, loaded from the
// districts in the database). Districts other stories add have no subdistrict: the name stays.

test('the demo portal is named after 湛河区, in Chinese and in English', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.locator('header.site #site-name')).toHaveText('湛河区老旧小区改造公开平台');
  await expect(page).toHaveTitle(/· 湛河区老旧小区改造公开平台$/);
  await page.goto('/open-data');
  await expect(page.locator('#licence')).toContainText('请注明来源“湛河区老旧小区改造公开平台”');
  const oc4ids = await (await request.get('/open-data/oc4ids.json')).json();
  expect(oc4ids.publisher).toEqual({ name: '湛河区老旧小区改造公开平台' });

  await setPrefs(page, { lang: 'en' });
  await page.goto('/');
  await expect(page.locator('header.site #site-name')).toHaveText('Zhanhe District old estate renovation portal');
  await expect(page).toHaveTitle(/· Zhanhe District old estate renovation portal$/);
});
