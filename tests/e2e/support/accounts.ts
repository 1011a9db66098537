import type { Page } from '@playwright/test';

// The demo accounts of db/seed/demo-accounts.ts, as the README lists them.
export const DEMO_PASSWORD = 'gongzhi-demo-2026';
export const HEBIN_STAFF = '13900000001';
export const DISTRICT_ADMIN = '13900000000';
export const PROVINCE_ADMIN = '13900000090';

export async function signIn(page: Page, phone: string, password = DEMO_PASSWORD) {
  await page.goto('/account/login');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/account$/);
}

// the codes texted to a number: read from the test SMS provider's file (./sms.ts)
export { latestCode } from './sms.ts';
