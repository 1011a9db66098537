import { expectAxeClean } from './support/axe.ts';
import { test, expect, setPrefs } from './support/fixtures.ts';
import { DISTRICT_ADMIN, PROVINCE_ADMIN, signIn } from './support/accounts.ts';

// The province admin adds a district (without JavaScript: plain form posts) and reads the
// province's monthly report: a column per district and the province's total. The district
// admin of 湛河区 never sees the new district.

test.describe.configure({ mode: 'serial' });

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the province admin adds a district, and its report column sits beside 湛河区 in the roll-up', async ({ page }) => {
    await signIn(page, PROVINCE_ADMIN);
    await page.goto('/admin/district');
    await expect(page.locator('#districts tbody tr[data-code="410411"]')).toContainText('湛河区');
    const form = page.locator('form', { has: page.getByRole('button', { name: '新增区', exact: true }) });
    await form.getByLabel('区的行政区划代码').fill('410403');
    await form.getByLabel('项目编号前缀').fill('WD');
    await form.getByLabel('名称', { exact: true }).fill('卫东区');
    await form.getByLabel('英文名称').fill('Weidong District');
    await form.getByLabel('市的行政区划代码').fill('410400');
    await form.getByLabel('市', { exact: true }).fill('平顶山市');
    await form.getByLabel('市（英文）').fill('Pingdingshan');
    await form.getByRole('button', { name: '新增区', exact: true }).click();
    await expect(page).toHaveURL(/saved=1/);
    await expect(page.locator('#districts tbody tr[data-code="410403"]')).toContainText('卫东区');
    // a prefix another district uses is refused next to its field
    await form.getByLabel('区的行政区划代码').fill('410404');
    await form.getByLabel('项目编号前缀').fill('ZH');
    await form.getByLabel('名称', { exact: true }).fill('石龙区');
    await form.getByLabel('英文名称').fill('Shilong District');
    await form.getByLabel('市的行政区划代码').fill('410400');
    await form.getByLabel('市', { exact: true }).fill('平顶山市');
    await form.getByLabel('市（英文）').fill('Pingdingshan');
    await form.getByRole('button', { name: '新增区', exact: true }).click();
    await expect(form.getByText('这个项目编号前缀已被其他区使用')).toBeVisible();

    await page.goto('/admin/reports');
    await expect(page.locator('h1')).toContainText('全省');
    const head = page.locator('#report-table thead th[data-col]');
    await expect(head).toHaveText(['全省', '卫东区', '湛河区']);
    // columns by division code; the roll-up's 湛河区 column is the district report's total
    const cols = async () =>
      Object.fromEntries(
        await page
          .locator('#report-table tbody tr[data-key]')
          .evaluateAll((rows) =>
            rows.map((r) => [
              r.getAttribute('data-key'),
              [...r.querySelectorAll('td')].map((td) => `${td.getAttribute('data-col')}=${td.textContent!.trim()}`),
            ]),
          ),
      ) as Record<string, string[]>;
    // other stories write as this one reads (a vote opened between two pages): compare the two
    // reports when the roll-up read before and after the district's report stood still
    await expect(async () => {
      await page.goto('/admin/reports');
      const whole = await cols();
      await page.goto('/admin/reports?district=410411');
      const zh = await cols();
      await page.goto('/admin/reports');
      expect(await cols(), 'the figures stood still').toEqual(whole);
      for (const [key, cells] of Object.entries(zh)) {
        const total = cells.find((c) => c.startsWith('district='))!.split('=')[1];
        expect(whole[key]!.find((c) => c.startsWith('410411='))!.split('=')[1], key).toBe(total);
        expect(whole[key]!.find((c) => c.startsWith('province='))!.split('=')[1], key).toBe(total);
      }
    }).toPass({ timeout: 30_000 });
  });
});

test('the district admin of 湛河区 sees neither the province section nor another district', async ({ page }) => {
  await signIn(page, DISTRICT_ADMIN);
  await page.goto('/admin/district');
  await expect(page.locator('#districts')).toHaveCount(0);
  await expect(page.locator('#subdistricts tbody tr')).not.toHaveCount(0);
  const res = await page.goto('/admin/reports?district=410403');
  expect(res!.status()).toBe(403);
});

test('the province pages have zero axe violations in both languages and elder mode', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, PROVINCE_ADMIN);
  for (const prefs of [
    { lang: 'zh', elder: false },
    { lang: 'en', elder: true },
  ] as const) {
    await setPrefs(page, prefs);
    for (const url of ['/admin/district', '/admin/reports', '/ranking']) {
      await page.goto(url);
      await expectAxeClean(page, `${url} ${prefs.lang}`);
    }
  }
});
