import { test, expect, setPrefs } from './support/fixtures.ts';
import { resident } from './pages/ballot-page.ts';
import { expectAxeClean } from './support/axe.ts';

// PIPL: sign-up states what is kept before collecting it; a person downloads what the portal
// holds about them and closes their account, after which the number no longer signs in.

test('a resident downloads their data and closes their account', async ({ browser }) => {
  test.setTimeout(240_000);
  const anonymous = await (await browser.newContext()).newPage();
  await anonymous.goto('/account/signup');
  await expect(anonymous.locator('#privacy-signup')).toContainText('手机号');
  await anonymous.locator('#privacy-signup').getByRole('link', { name: '完整的个人信息保护说明' }).click();
  await expect(anonymous.getByRole('heading', { level: 1 })).toHaveText('个人信息保护说明');
  await expect(anonymous.locator('main')).toContainText('180天');

  const phone = `134${String(Date.now()).slice(-8)}`;
  const page = await resident(browser, phone, '将注销的居民');
  // the notice, the privacy page, the claim form with its consents: in both languages and elder mode
  for (const mode of [
    { lang: 'zh', elder: false },
    { lang: 'en', elder: false },
    { lang: 'zh', elder: true },
    { lang: 'en', elder: true },
  ] as const) {
    await setPrefs(page, mode);
    for (const url of ['/privacy', '/account/privacy', '/account/claim', '/account']) {
      await page.goto(url);
      await expectAxeClean(page, `${url} (${mode.lang}${mode.elder ? ', elder' : ''})`);
    }
  }
  await setPrefs(page, { lang: 'zh', elder: false });
  await page.goto('/account');
  await page.getByRole('link', { name: '个人信息' }).click();
  await expect(page).toHaveURL(/\/account\/privacy$/);
  const data = await page.request.get('/account/privacy/data.json');
  expect(data.status()).toBe(200);
  expect(data.headers()['cache-control']).toContain('no-store');
  const body = await data.json();
  expect(body.account).toMatchObject({ phone, name: '将注销的居民', role: 'resident' });
  // every feature's section is there, empty for someone who has done nothing yet
  expect(body).toMatchObject({
    consultationComments: [],
    consultationReports: [],
    schemeObjections: [],
    pledges: [],
    donations: [],
    volunteering: [],
    ratings: [],
    ratingCommentReports: [],
    notificationPrefs: [],
  });
  expect(Array.isArray(body.notifications)).toBe(true);
  // signed out, there is nothing to download
  expect((await anonymous.request.get('/account/privacy/data.json')).status()).toBe(401);

  const form = page.locator('#close-account');
  await form.getByLabel('密码').fill('owner long password');
  await form.getByRole('button', { name: '注销账户' }).click();
  await expect(page.locator('#close-account .field-error')).toHaveText('请勾选确认注销');
  await form.getByLabel('密码').fill('not my password');
  await form.getByLabel(/我确认注销账户/).check();
  await form.getByRole('button', { name: '注销账户' }).click();
  await expect(page.locator('#f-password-err')).toBeVisible();
  await form.getByLabel('密码').fill('owner long password');
  await form.getByLabel(/我确认注销账户/).check();
  await form.getByRole('button', { name: '注销账户' }).click();
  await expect(page).toHaveURL(/\/privacy\?closed=1$/);
  await expect(page.locator('#account-closed')).toHaveText('您的账户已注销，个人信息已删除。');

  // the number no longer signs in, and the old session is gone
  await page.goto('/account');
  await expect(page).toHaveURL(/\/account\/login/);
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill('owner long password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/account\/login/);
});
