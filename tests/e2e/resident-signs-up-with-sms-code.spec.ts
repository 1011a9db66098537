import { test, expect } from './support/fixtures.ts';
import { latestCode } from './support/accounts.ts';

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
  const code = await latestCode(page, phone);
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
