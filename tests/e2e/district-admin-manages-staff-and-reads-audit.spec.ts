import type { Browser, Page } from '@playwright/test';
import { expectAxeClean } from './support/axe.ts';
import { test, expect, setPrefs } from './support/fixtures.ts';
import { DISTRICT_ADMIN, signIn } from './support/accounts.ts';

const BEIDU_STAFF = '13900000002';

/** A signed-in page in a context of its own; the district pages are driven without JavaScript. */
async function pageFor(browser: Browser, phone: string, password?: string, javaScriptEnabled = true): Promise<Page> {
  const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
  await signIn(page, phone, password);
  return page;
}

async function optionValue(page: Page, select: ReturnType<Page['getByLabel']>, text: string): Promise<string> {
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  expect(value, `option ${text}`).toBeTruthy();
  return value!;
}

test('the district admin creates a community and a staff account, disables it, and the audit log shows it all', async ({ browser }) => {
  const suffix = String(Date.now()).slice(-8);
  const community = `滨河东社区${suffix.slice(-4)}`;
  const phone = `137${suffix}`;
  const masked = `137****${suffix.slice(-4)}`;
  const password = 'e2e-staff-secret-2026';

  const admin = await pageFor(browser, DISTRICT_ADMIN, undefined, false);
  await admin.goto('/admin');
  await admin.getByRole('link', { name: '街道、社区与工作人员' }).click();
  await expect(admin).toHaveURL(/\/admin\/district$/);

  // a malformed or taken code is refused next to its field, the other entries kept
  const createSub = admin.getByRole('form', { name: '新增街道' });
  // other specs share this server and may add subdistricts: count, do not assume
  const subdistrictsBefore = await admin.locator('#subdistricts tbody tr').count();
  await createSub.getByLabel(/^代码/).fill('Bad Code');
  await createSub.getByLabel('名称', { exact: true }).fill('测试街道');
  await createSub.getByLabel('英文名称', { exact: true }).fill('Test Subdistrict');
  await createSub.getByRole('button', { name: '新增街道' }).click();
  await expect(admin.locator('#f-code-err')).toHaveText('代码应为 2–40 位小写字母、数字或连字符');
  await expect(admin.getByRole('alert').first()).toHaveText('请检查下面标出的内容');
  await expect(admin.getByRole('form', { name: '新增街道' }).getByLabel('名称', { exact: true })).toHaveValue('测试街道');
  await admin.getByRole('form', { name: '新增街道' }).getByLabel(/^代码/).fill('hebin');
  await admin.getByRole('form', { name: '新增街道' }).getByRole('button', { name: '新增街道' }).click();
  await expect(admin.locator('#f-code-err')).toHaveText('这个代码已被其他街道使用');
  await expect(admin.locator('#subdistricts tbody tr')).toHaveCount(subdistrictsBefore);

  // a community in 河滨
  const createCommunity = admin.getByRole('form', { name: '新增社区' });
  const communitySub = createCommunity.getByLabel('街道', { exact: true });
  await communitySub.selectOption(await optionValue(admin, communitySub, '（hebin）'));
  await createCommunity.getByLabel('社区名称', { exact: true }).fill(community);
  await createCommunity.getByRole('button', { name: '新增社区' }).click();
  await expect(admin).toHaveURL(/\/admin\/district\?saved=1$/);
  await expect(admin.getByRole('status')).toHaveText('已保存。');
  await expect(admin.locator('#subdistricts tr[data-code="hebin"]')).toContainText(community);

  // a staff account for that community: refused while the subdistrict does not match
  let createStaff = admin.getByRole('form', { name: '新增工作人员账户' });
  await createStaff.getByLabel('手机号').fill(phone);
  await createStaff.getByLabel('姓名或称呼').fill('测试社区干部');
  await createStaff.getByLabel('初始密码（至少 8 位）').fill(password);
  let staffSub = createStaff.getByLabel('街道', { exact: true });
  await staffSub.selectOption(await optionValue(admin, staffSub, '（beidu）'));
  let staffCommunity = createStaff.getByLabel(/所属社区/);
  await staffCommunity.selectOption(await optionValue(admin, staffCommunity, community));
  await createStaff.getByRole('button', { name: '创建账户' }).click();
  await expect(admin.locator('#f-staffCommunityId-err')).toHaveText('所选社区不属于所选街道');
  createStaff = admin.getByRole('form', { name: '新增工作人员账户' });
  await expect(createStaff.getByLabel('手机号')).toHaveValue(phone);
  staffSub = createStaff.getByLabel('街道', { exact: true });
  await staffSub.selectOption(await optionValue(admin, staffSub, '（hebin）'));
  staffCommunity = createStaff.getByLabel(/所属社区/);
  await staffCommunity.selectOption(await optionValue(admin, staffCommunity, community));
  await createStaff.getByLabel('初始密码（至少 8 位）').fill(password);
  await createStaff.getByRole('button', { name: '创建账户' }).click();
  await expect(admin).toHaveURL(/\/admin\/district\?saved=1$/);
  const row = admin.locator('#staff-accounts tbody tr', { hasText: '测试社区干部' });
  await expect(row).toContainText(masked);
  await expect(row).toContainText(community);
  await expect(row).toHaveAttribute('data-status', 'active');
  expect(await admin.content()).not.toContain(phone); // phones are shown masked

  // the new staff member signs in and works
  const newcomer = await pageFor(browser, phone, password);
  const home = await newcomer.goto('/admin');
  expect(home!.status()).toBe(200);
  await expect(newcomer.getByRole('heading', { level: 1 })).toHaveText('工作台');
  await expect(newcomer.getByRole('link', { name: '审计日志' })).toHaveCount(0);

  // disabled: the next page load is signed out
  await row.getByRole('button', { name: '停用 测试社区干部' }).click();
  await expect(admin).toHaveURL(/\/admin\/district\?saved=1$/);
  await expect(admin.locator('#staff-accounts tbody tr', { hasText: '测试社区干部' })).toHaveAttribute('data-status', 'disabled');
  await newcomer.goto('/admin');
  await expect(newcomer).toHaveURL(/\/account\/login\?next=%2Fadmin$|\/account\/login\?next=\/admin$/);
  await expect(newcomer.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '登录' })).toBeVisible();

  // the audit log lists these actions and says the chain is intact
  await admin.goto('/admin');
  await admin.getByRole('link', { name: '审计日志' }).click();
  await expect(admin).toHaveURL(/\/admin\/audit$/);
  await expect(admin.locator('#audit-chain')).toHaveAttribute('data-ok', 'true');
  await expect(admin.locator('#audit-chain')).toContainText('审计链完整');
  await expect(admin.locator('#audit-chain code')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(admin.locator('#audit-log tr[data-action="community.create"]', { hasText: community })).toHaveCount(1);
  const created = admin.locator('#audit-log tr[data-action="staff.create"]', { hasText: masked });
  await expect(created).toHaveCount(1);
  await expect(created).toContainText('区住建局（演示）');
  await expect(created).toContainText('新增工作人员账户');
  const userId = (await created.locator('td').nth(4).innerText()).trim();
  const target = admin.locator('td', { hasText: new RegExp(`^${userId}$`) });
  await expect(admin.locator('#audit-log tr[data-action="staff.disable"]').filter({ has: target })).toHaveCount(1);
  // newest first
  const ids = await admin.locator('#audit-log tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-id'))));
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
  expect((await admin.goto('/admin/audit?before=abc'))!.status()).toBe(400);
});

test('a subdistrict staff member is refused the district and audit pages, and a forged form changes nothing', async ({ browser }) => {
  const staff = await pageFor(browser, BEIDU_STAFF);
  await staff.goto('/admin');
  await expect(staff.getByRole('link', { name: '街道、社区与工作人员' })).toHaveCount(0);
  await expect(staff.getByRole('link', { name: '审计日志' })).toHaveCount(0);
  const district = await staff.goto('/admin/district');
  expect(district!.status()).toBe(403);
  await expect(staff.getByRole('alert')).toHaveText('只有区管理员可以管理街道、社区和工作人员账户。');
  await expect(staff.locator('#staff-accounts')).toHaveCount(0);
  const audit = await staff.goto('/admin/audit');
  expect(audit!.status()).toBe(403);
  await expect(staff.getByRole('alert')).toHaveText('只有区管理员可以查看审计日志。');
  await expect(staff.locator('#audit-log')).toHaveCount(0);

  const forged = await staff.request.post('/admin/district?_action=district.createCommunity', {
    headers: { origin: new URL(staff.url()).origin },
    form: { communitySubdistrictId: '1', communityName: '伪造社区' },
  });
  expect(forged.status()).toBe(403);
  const admin = await pageFor(browser, DISTRICT_ADMIN);
  await admin.goto('/admin/district');
  await expect(admin.locator('#subdistricts')).not.toContainText('伪造社区');
});

test('the district and audit pages have zero axe violations in both languages and elder mode', async ({ page }) => {
  await signIn(page, DISTRICT_ADMIN);
  for (const prefs of [
    { lang: 'zh', elder: false },
    { lang: 'en', elder: true },
  ] as const) {
    await setPrefs(page, prefs);
    for (const url of ['/admin/district', '/admin/audit']) {
      await page.goto(url);
      await expectAxeClean(page, `${url} ${prefs.lang}`);
    }
  }
});
