import { expectAxeClean } from './support/axe.ts';
import { test, expect, setPrefs } from './support/fixtures.ts';
import { PROVINCE_ADMIN, signIn } from './support/accounts.ts';

// The province admin "reads everything and manages districts": every office list shows the
// demo's items (湛河区's) to them, with the district named, not an empty list or a refusal; and
// the lists offer them no office act (no "new", no publish, no import), since the policy leaves
// those to the subdistrict's staff and the district's administrator.

const LISTS: { path: string; items: string; districtFilter?: boolean }[] = [
  { path: '/admin/projects', items: '#office-projects li', districtFilter: true },
  { path: '/admin/notices', items: '#office-notices li', districtFilter: true },
  { path: '/admin/consultations', items: '#office-consultations li', districtFilter: true },
  { path: '/admin/schemes', items: '#office-schemes li', districtFilter: true },
  { path: '/admin/donations', items: '#office-donations li', districtFilter: true },
  { path: '/admin/volunteering', items: '#office-tasks li', districtFilter: true },
  { path: '/admin/register', items: '#office-estates tbody tr', districtFilter: true },
  { path: '/admin/audit', items: '#audit-log tbody tr' },
];

test('the province admin sees every office list filled with the demo’s items, the district named, and no office act offered', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, PROVINCE_ADMIN);
  for (const list of LISTS) {
    const res = await page.goto(list.path);
    expect(res!.status(), list.path).toBe(200);
    await expect(page.locator('#main [role="alert"]'), list.path).toHaveCount(0);
    const rows = page.locator(list.items);
    expect(await rows.count(), `${list.path}: the demo's items`).toBeGreaterThan(0);
    if (!list.districtFilter) continue;
    // the district is named on each item, and the list can be narrowed to one district
    await expect(rows.first(), list.path).toContainText('湛河区');
    const filter = page.locator('form#district-filter select[name="district"]');
    await expect(filter, list.path).toHaveCount(1);
    await expect(filter.locator('option', { hasText: '湛河区' }), list.path).toHaveCount(1);
    // read only: no form that posts an office act, no link to make something new
    await expect(page.locator('#main form[method="post"]'), list.path).toHaveCount(0);
    await expect(page.locator('#main a[href$="/new"]'), list.path).toHaveCount(0);
  }
});

test('the province admin’s lists are headed as every district’s, not as their own office’s', async ({ page }) => {
  await signIn(page, PROVINCE_ADMIN);
  for (const [path, heading] of [
    ['/admin/notices', '各区的公告'],
    ['/admin/volunteering', '各区的志愿任务'],
  ]) {
    await page.goto(path!);
    await expect(page.getByRole('heading', { level: 2, name: heading })).toBeVisible();
    await expect(page.getByText('本单位', { exact: false })).toHaveCount(0);
  }
});

test('the province admin narrows the project list to one district, and another district’s list is empty', async ({ page }) => {
  await signIn(page, PROVINCE_ADMIN);
  await page.goto('/admin/projects');
  const all = await page.locator('#office-projects li').count();
  const zhanhe = await page.locator('form#district-filter option', { hasText: '湛河区' }).getAttribute('value');
  await page.goto(`/admin/projects?district=${zhanhe}`);
  await expect(page.locator('#office-projects li')).toHaveCount(all);
  await expect(page.locator('form#district-filter option[selected]')).toHaveText('湛河区');
  // every demo project is 湛河区's: its code starts with ZH-
  for (const meta of await page.locator('#office-projects li .meta').allInnerTexts()) expect(meta).toMatch(/^ZH-/);
  // a district id no district has: nothing, not everything
  await page.goto('/admin/projects?district=999999');
  await expect(page.locator('#office-projects li')).toHaveCount(0);
});

// the demo has no vote and no claim waiting in the queue (the integration test
// tests/integration/districts.test.ts lists both districts' for the province admin): these answer,
// with the district filter and no office act
test('the province admin’s overview, votes, verification queue, reports and districts pages answer and are not refused', async ({ page }) => {
  await signIn(page, PROVINCE_ADMIN);
  for (const path of ['/admin', '/admin/ballots', '/admin/verifications', '/admin/audit', '/admin/reports', '/admin/district']) {
    const res = await page.goto(path);
    expect(res!.status(), path).toBe(200);
    await expect(page.locator('#main [role="alert"]'), path).toHaveCount(0);
    if (path === '/admin/ballots' || path === '/admin/verifications' || path === '/admin/audit') {
      await expect(page.locator('form#district-filter select[name="district"]'), path).toHaveCount(1);
      await expect(page.locator('#main form[method="post"]'), path).toHaveCount(0);
      await expect(page.locator('#main a[href$="/new"]'), path).toHaveCount(0);
    }
  }
});

test('the province admin’s office lists have zero axe violations (Chinese; English in elder mode)', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, PROVINCE_ADMIN);
  for (const prefs of [
    { lang: 'zh', elder: false },
    { lang: 'en', elder: true },
  ] as const) {
    await setPrefs(page, prefs);
    for (const { path } of LISTS) {
      await page.goto(path);
      await expectAxeClean(page, `${path} (${prefs.lang}${prefs.elder ? ', elder' : ''})`);
    }
  }
});
