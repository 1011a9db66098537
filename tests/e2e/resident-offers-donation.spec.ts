import { test, expect, setPrefs } from './support/fixtures.ts';
import { DEMO_PASSWORD, HEBIN_STAFF, latestCode, signIn } from './support/accounts.ts';
import { call, context } from './support/action-cases.ts';
import { expectActionOk } from './support/action-result.ts';
import { expectAxeClean } from './support/axe.ts';
import type { Browser, Page } from '@playwright/test';

// At phone width: a resident offers money anonymously and goods under a name, the
// subdistrict office accepts and receives both, the project's donation board shows 匿名
// and the name, and the budget shows the money received against 社会捐助.

const PHONE = { width: 390, height: 844 };

async function phonePage(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  return ctx.newPage();
}

test('a resident offers money anonymously and goods under a name; staff accept and receive; the board and the budget show them', async ({ browser, page }) => {
  test.setTimeout(120_000);
  // a published project of 河滨 that plans a 社会捐助 line, and what it had received so far
  const hebin = await (await page.request.get('/subdistricts/hebin')).text();
  const codes = [...new Set([...hebin.matchAll(/href="\/projects\/([A-Za-z0-9-]+)"/g)].map((m) => m[1]!))];
  let code = '';
  let receivedBefore = 0;
  for (const c of codes) {
    const json = await (await page.request.get(`/api/projects/${c}.json`)).json();
    if (json.budget.some((b: { channel: string }) => b.channel === 'donations')) {
      code = c;
      receivedBefore = json.donations.receivedMoneyFen;
      break;
    }
  }
  expect(code, 'a 河滨 project with a 社会捐助 line').not.toBe('');
  const tag = String(Date.now()).slice(-6);
  const goods = `水泥${tag}`;
  const shownName = `三楼周家${tag}`;

  // a visitor has the project page (cached for anonymous visitors) before anything is received
  const visitor = await phonePage(browser);
  await visitor.goto(`/projects/${code}`);
  await expect(visitor.getByRole('heading', { name: '捐资捐物投劳' })).toBeVisible();

  // the resident signs up at phone width
  const resident = await phonePage(browser);
  const phone = `137${String(Date.now()).slice(-8)}`;
  await resident.goto('/account/signup');
  await resident.getByLabel('手机号').fill(phone);
  await resident.getByLabel('姓名或称呼').fill(`周建华${tag}`);
  await resident.getByLabel('新密码（至少 8 位）').fill('三楼东户周家捐款');
  await resident.getByRole('button', { name: '获取验证码' }).click();
  const verifyUrl = resident.url();
  const sms = await latestCode(phone);
  await resident.goto(verifyUrl);
  await resident.getByLabel('短信验证码').fill(sms);
  await resident.getByRole('button', { name: '完成注册' }).click();
  await expect(resident).toHaveURL(/\/account$/);

  await resident.goto(`/projects/${code}`);
  await resident.getByRole('link', { name: '我要捐资捐物投劳' }).click();
  await expect(resident).toHaveURL(new RegExp(`/projects/${code}/donate$`));
  await expectAxeClean(resident, 'the offer form at 390 px');

  // three decimals: the error is next to the amount, and nothing is offered
  await resident.getByLabel('金额（元）').fill('1234.567');
  await resident.getByRole('button', { name: '提交捐赠意向' }).click();
  await expect(resident.locator('#f-amount-err')).toHaveText('请输入金额（元），最多两位小数');
  await expectAxeClean(resident, 'the offer form with an error');
  await resident.goto('/account');
  await expect(resident.locator('#my-donations')).toBeVisible();
  await expect(resident.locator('#my-donation-list li')).toHaveCount(0);

  // money, anonymous (the default)
  await resident.goto(`/projects/${code}/donate`);
  await resident.getByLabel('金额（元）').fill('1234.56');
  await resident.getByRole('button', { name: '提交捐赠意向' }).click();
  await expect(resident.getByRole('status')).toHaveText('已提交。街道工作人员会联系您；进度见“我的账户”。');
  // goods, under a name the resident chooses to show
  await resident.goto(`/projects/${code}/donate`);
  await resident.getByLabel('捐物').check();
  await resident.getByLabel('物品名称').fill(goods);
  await resident.getByLabel('数量（件）').fill('20');
  await resident.getByLabel('在捐赠公示中显示名字').check();
  await resident.getByLabel('公示的名字（勾选上面一项时填写）').fill(shownName);
  await resident.getByRole('button', { name: '提交捐赠意向' }).click();
  await expect(resident.getByRole('status')).toBeVisible();

  // labour, which the office will decline
  await resident.goto(`/projects/${code}/donate`);
  await resident.getByLabel('投劳').check();
  await resident.getByLabel('技能或工种').fill(`电工${tag}`);
  await resident.getByLabel('小时数').fill('8');
  await resident.getByRole('button', { name: '提交捐赠意向' }).click();
  await expect(resident.getByRole('status')).toBeVisible();

  await resident.goto('/account');
  const mine = resident.locator('#my-donation-list li');
  await expect(mine).toHaveCount(3);
  await expect(mine.filter({ hasText: '1,234.56' })).toContainText('待确认');
  await expect(mine.filter({ hasText: '1,234.56' })).toContainText('公示名：匿名');
  await expect(mine.filter({ hasText: goods })).toContainText(shownName);

  // the office accepts and receives both
  const staff = await phonePage(browser);
  await signIn(staff, HEBIN_STAFF);
  await staff.goto('/admin/donations');
  await expectAxeClean(staff, 'the office’s donations page');
  const money = staff
    .locator('#office-donations li', { hasText: '1,234.56' })
    .filter({ hasText: code })
    .filter({ hasText: `周建华${tag}` })
    .first();
  await money.getByRole('button', { name: '接受', exact: true }).click();
  await expect(staff.getByRole('status')).toHaveText('已保存。');
  const moneyAccepted = staff
    .locator('#office-donations li[data-status=accepted]', { hasText: '1,234.56' })
    .filter({ hasText: `周建华${tag}` })
    .first();
  // money needs its receipt number
  await moneyAccepted.getByRole('button', { name: '登记收到' }).click();
  await expect(staff.getByRole('alert')).toContainText('捐款须填写收据编号');
  const moneyAgain = staff
    .locator('#office-donations li[data-status=accepted]', { hasText: '1,234.56' })
    .filter({ hasText: `周建华${tag}` })
    .first();
  await moneyAgain.getByLabel('收据编号（捐款必填）').fill(`SJ-${tag}`);
  await moneyAgain.getByRole('button', { name: '登记收到' }).click();
  await expect(staff.getByRole('status')).toHaveText('已保存。');
  const goodsRow = staff.locator('#office-donations li', { hasText: goods });
  await goodsRow.getByRole('button', { name: '接受', exact: true }).click();
  await staff.locator('#office-donations li', { hasText: goods }).getByRole('button', { name: '登记收到' }).click();
  await expect(staff.locator('#office-donations li', { hasText: goods })).toHaveAttribute('data-status', 'received');
  await expect(staff.locator('#office-donations li', { hasText: `SJ-${tag}` })).toHaveAttribute('data-status', 'received');

  // declining needs a reason, shown next to its field; the donor then sees it
  await staff
    .locator('#office-donations li', { hasText: `电工${tag}` })
    .getByRole('button', { name: '不接受' })
    .click();
  const labour = staff.locator('#office-donations li', { hasText: `电工${tag}` });
  await expect(labour.locator('.field-error')).toHaveText('不通过时请填写理由');
  await labour.getByLabel('不接受的理由').fill('本期工程已由施工单位负责电路');
  await labour.getByRole('button', { name: '不接受' }).click();
  await expect(staff.locator('#office-donations li', { hasText: `电工${tag}` })).toHaveAttribute('data-status', 'declined');
  await resident.goto('/account');
  await expect(resident.locator('#my-donation-list li', { hasText: `电工${tag}` })).toContainText('未接受');
  await expect(resident.locator('#my-donation-list li', { hasText: `电工${tag}` })).toContainText('本期工程已由施工单位负责电路');

  // the board: 匿名 for the money, the chosen name for the goods; the budget: received against 社会捐助
  await visitor.goto(`/projects/${code}`);
  const board = visitor.locator('#donation-board tbody tr');
  await expect(board.filter({ hasText: '1,234.56' }).first()).toContainText('匿名');
  await expect(board.filter({ hasText: goods })).toContainText(shownName);
  await expect(board.filter({ hasText: goods })).toContainText('× 20');
  await expect(visitor.locator('#donations')).not.toContainText(`周建华${tag}`);
  const expectedFen = receivedBefore + 123_456;
  const donationsRow = visitor.locator('#budget-table tr[data-channel=donations]');
  await expect(donationsRow).toContainText('社会捐助');
  await expect(donationsRow.locator('[data-received-fen]')).toHaveAttribute('data-received-fen', String(expectedFen));
  await expectAxeClean(visitor, 'the project page with its donation board at 390 px');
  const json = await (await visitor.request.get(`/api/projects/${code}.json`)).json();
  expect(json.donations.receivedMoneyFen).toBe(expectedFen);

  // elder mode and English
  await setPrefs(visitor, { elder: true });
  await visitor.goto(`/projects/${code}`);
  await expectAxeClean(visitor, 'the project page in elder mode', { include: '#donations' });
  await setPrefs(visitor, { lang: 'en', elder: false });
  await visitor.goto(`/projects/${code}`);
  await expect(visitor.getByRole('heading', { name: 'Give money, goods or labour' })).toBeVisible();
  await expect(visitor.locator('#donation-board tbody tr').filter({ hasText: '1,234.56' }).first()).toContainText('Anonymous');
  await resident.goto(`/projects/${code}/donate`);
  await setPrefs(resident, { lang: 'en' });
  await resident.goto(`/projects/${code}/donate`);
  await expectAxeClean(resident, 'the offer form in English');
});

test('the donation actions refuse a foreign Origin, even from a signed-in office, and change nothing', async () => {
  const ctx = await context();
  expectActionOk((await call(ctx, 'accounts.signIn', { phone: HEBIN_STAFF, password: DEMO_PASSWORD })).body, 'sign in 河滨 staff');
  const before = await (await ctx.get('/admin/donations')).text();
  const donationId = /data-donation="(\d+)" data-status="offered"/.exec(before)?.[1] ?? '1';
  const forms: [string, Record<string, string>][] = [
    ['donations.offer', { projectId: '1', kind: 'money', amount: '5.37' }],
    ['donations.decide', { donationId, decision: 'decline', reason: '外站' }],
    ['donations.receive', { donationId, receivedOn: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10), receiptNo: 'EVIL' }],
  ];
  for (const [action, form] of forms) {
    const res = await ctx.post(`/_actions/${action}`, { multipart: form, headers: { origin: 'https://evil.example' } });
    expect(res.status(), action).toBe(403);
  }
  const after = await (await ctx.get('/admin/donations')).text();
  expect(after).not.toContain('5.37 元');
  expect(after).not.toContain('外站');
  expect(after).not.toContain('EVIL');
});
