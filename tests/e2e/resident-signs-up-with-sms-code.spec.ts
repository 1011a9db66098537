import { test, expect, setPrefs } from './support/fixtures.ts';
import { expectAxeClean } from './support/axe.ts';
import { DEMO_PASSWORD, HEBIN_STAFF, latestCode } from './support/accounts.ts';

test('a resident signs up with a mobile number, confirms it by SMS code, signs out and back in', async ({ page }) => {
  const phone = `137${String(Date.now()).slice(-8)}`;
  await page.goto('/account/signup');
  await page.getByLabel('手机号').fill('12345');
  await page.getByLabel('姓名或称呼').fill('李桂兰');
  await page.getByLabel('新密码（至少 8 位）').fill('short');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.locator('#f-phone-err')).toHaveText('请输入 11 位中国大陆手机号');
  await expect(page.locator('#f-password-err')).toHaveText('密码至少 8 位');
  await expect(page.getByLabel('手机号')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('新密码（至少 8 位）').fill('我家住在三号楼二单元');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page).toHaveURL(/\/account\/verify/);
  const verifyUrl = page.url();
  const code = await latestCode(phone);
  await page.goto(verifyUrl);
  await page.getByLabel('短信验证码').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: '完成注册' }).click();
  await expect(page.getByRole('alert')).toContainText('验证码不正确');
  await page.getByLabel('短信验证码').fill(code);
  await page.getByRole('button', { name: '完成注册' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('#account-name')).toHaveText('李桂兰');
  const cookie = (await page.context().cookies()).find((c) => c.name === 'gz_session')!;
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe('Lax');

  await page.getByRole('button', { name: '退出登录', exact: true }).click();
  await expect(page.getByRole('link', { name: '登录' })).toBeVisible();
  await page.goto('/account/login');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill('wrong password here');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toHaveText('手机号或密码不正确');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill('我家住在三号楼二单元');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('#account-name')).toHaveText('李桂兰');
});

test('a JSON mutation from another origin is refused', async ({ page }) => {
  const res = await page.request.post('/_actions/accounts.signIn', {
    headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
    data: { phone: '13900000000', password: 'x' },
  });
  expect(res.status()).toBe(403);
  const form = await page.request.post('/account/login?_action=accounts.signIn', {
    headers: { origin: 'https://evil.example' },
    form: { phone: '13900000000', password: 'x' },
  });
  expect(form.status()).toBe(403);
});

test('an unconfirmed sign-up that signs in is told to finish it, gets a new code on asking, and finishes', async ({ page }) => {
  const phone = `136${String(Date.now()).slice(-8)}`;
  await page.goto('/account/signup');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('姓名或称呼').fill('王建国');
  await page.getByLabel('新密码（至少 8 位）').fill('三号楼的老住户了');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page).toHaveURL(/\/account\/verify\?request=/);
  // no account yet: a wrong password is just wrong, the right one is told to finish signing up
  await page.goto('/account/login');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill('三号楼的老住户了');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toHaveText('这个手机号的注册还没有完成：请输入短信验证码完成注册。');
  await page.getByRole('link', { name: '去完成注册' }).click();
  await expect(page).toHaveURL(/\/account\/verify\?request=/);
  const verifyUrl = page.url();
  await page.getByRole('button', { name: '重新发送验证码' }).click();
  await expect(page.getByRole('status')).toHaveText('已发送新的验证码。');
  const code = await latestCode(phone);
  await page.goto(verifyUrl);
  await page.getByLabel('短信验证码').fill(code);
  await page.getByRole('button', { name: '完成注册' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('#account-name')).toHaveText('王建国');
});

test('sign-in keeps ?next= through the form, and only follows same-site paths', async ({ page }) => {
  await page.goto('/account/login?next=/notices%3Fq%3D1');
  await page.getByLabel('手机号').fill(HEBIN_STAFF);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/notices\?q=1$/);
  for (const next of ['/%09/evil.example', '%2F%09%2Fevil.example', '/%0D%0ASet-Cookie:%20x=1', '//evil.example', '/%5Cevil.example']) {
    const res = await page.request.get(`/prefs?lang=zh&next=${next}`, { maxRedirects: 0 });
    expect(res.status(), next).toBe(303);
    expect(res.headers().location, next).toBe('/');
    expect(res.headers()['set-cookie'] ?? '', next).not.toContain('x=1');
    expect((await page.request.get(`/account/login?next=${next}`, { maxRedirects: 0 })).status(), next).toBe(200);
  }
});

test('the finish-signing-up pages read well on a phone, in English and elder mode, with zero axe violations', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const phone = `135${String(Date.now()).slice(-8)}`;
  for (const prefs of [
    { lang: 'zh', elder: false },
    { lang: 'en', elder: true },
  ] as const) {
    await setPrefs(page, prefs);
    if (prefs.lang === 'zh') {
      await page.goto('/account/signup');
      await page.getByLabel('手机号').fill(phone);
      await page.getByLabel('姓名或称呼').fill('赵阿姨');
      await page.getByLabel('新密码（至少 8 位）').fill('楼下的花坛要修了');
      await page.getByRole('button', { name: '获取验证码' }).click();
      await expect(page).toHaveURL(/\/account\/verify\?request=/);
    }
    await page.goto('/account/login');
    await page.locator('#f-phone').fill(phone);
    await page.locator('#f-password').fill('楼下的花坛要修了');
    await page.locator('form.stack button[type=submit]').click();
    await expect(page.locator('#finish-sign-up')).toBeVisible();
    if (prefs.lang === 'en')
      await expect(page.getByRole('alert')).toHaveText('Signing up with this number is not finished yet: enter the code from the text message to finish.');
    await expectAxeClean(page, `login, unconfirmed, ${prefs.lang}`);
    await page.locator('#finish-sign-up').click();
    await expect(page.locator('#resend-code')).toBeVisible();
    await expectAxeClean(page, `verify, ${prefs.lang}`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.goto('/account/verify?request=nosuchrequest');
    await expect(page.getByRole('alert')).toHaveText(prefs.lang === 'en' ? 'This sign-up has expired; please sign up again' : '注册申请已失效，请重新注册');
    await expectAxeClean(page, `verify, expired, ${prefs.lang}`);
  }
});
