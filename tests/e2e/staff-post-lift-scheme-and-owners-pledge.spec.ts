import { test, expect, setPrefs } from './support/fixtures.ts';
import { DEMO_PASSWORD, HEBIN_STAFF, signIn } from './support/accounts.ts';
import { PNG, call, context } from './support/action-cases.ts';
import { expectActionOk } from './support/action-result.ts';
import { expectAxeClean } from './support/axe.ts';
import type { Browser, Page } from '@playwright/test';

// Issue 10, cost-share schemes, at phone width for owners: staff post a lift scheme and its
// shares freeze; an owner objects during the posting period and staff answer; pledges do not
// open before the period ends. On the demo lift, open for pledges: owners pledge, one
// withdraws, staff record a payment, and the project's budget shows it received against
// 居民合理分摊. The demo bike shed, past its deadline, shows as lapsed.

const PHONE = { width: 390, height: 844 };
const OWNER_101 = '13900000101';
const OWNER_102 = '13900000102';

async function phonePage(browser: Browser, phone?: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await ctx.newPage();
  if (phone) await signIn(page, phone);
  return page;
}
const fenOf = async (page: Page, selector: string, attr: string) => Number(await page.locator(selector).getAttribute(attr));

test('staff post a lift scheme, an owner objects, owners pledge on the open lift and one withdraws, a payment shows on the budget; a scheme past its deadline lapses', async ({
  browser,
  page,
}) => {
  test.setTimeout(180_000);
  const tag = String(Date.now()).slice(-6);
  await signIn(page, HEBIN_STAFF);

  // the demo schemes, from the office's list
  await page.goto('/admin/schemes');
  const liftItem = page.locator('#office-schemes li', { hasText: '1 栋 1 单元加装电梯' }).last();
  await liftItem.getByRole('link').click();
  const liftAdmin = page.url();
  const liftPublic = (await page.getByRole('link', { name: '公开页面' }).getAttribute('href'))!;
  const code = /\/projects\/([^/]+)\//.exec(liftPublic)![1]!;
  await page.goto('/admin/schemes');
  await page.locator('#office-schemes li', { hasText: '2 栋 1 单元自行车棚' }).getByRole('link').click();
  const shedPublic = (await page.getByRole('link', { name: '公开页面' }).getAttribute('href'))!;

  // 1. staff create a lift scheme for the same entrance and post it
  await page.goto('/admin/schemes');
  const projectValue = await page
    .locator('#new-project option', { hasText: `${code} · ` })
    .first()
    .getAttribute('value');
  await page.locator('#new-project').selectOption(projectValue!);
  const estateValue = await page
    .locator('#new-estate option', { hasText: `${code} · ` })
    .first()
    .getAttribute('value');
  await page.locator('#new-estate').selectOption(estateValue!);
  const title = `1 栋 1 单元加装电梯（方案${tag}）`;
  await page.getByLabel('名称').fill(title);
  await page.getByLabel('事项说明').fill('加装电梯一部，一楼不分摊。');
  await page.getByLabel('楼栋（留空为全小区）').fill('1');
  await page.getByLabel('单元（留空为整栋）').fill('1');
  await page.getByRole('radio', { name: '梯次分摊' }).check();
  await page.getByLabel(/各楼层系数/).fill('1=0\n2=0.6\n3=0.8\n4=1\n5=1.2\n6=1.4');
  await page.getByLabel('总额（元，单户承担时留空）').fill('300000.01');
  const deadline = new Date(Date.now() + 8 * 3_600_000 + 40 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('认缴截止日期').fill(deadline);
  // a bad coefficient is refused next to its field, and nothing is created
  await page.getByLabel(/各楼层系数/).fill('1=0\n2=0.6\n3=0.8\n4=1\n5=1.2');
  await page.getByRole('button', { name: '建立草稿' }).click();
  await expect(page.locator('#new-coefficients-err')).toContainText('6 层没有系数');
  await expectAxeClean(page, 'the staff scheme list and form with an error');
  await page.getByLabel(/各楼层系数/).fill('1=0\n2=0.6\n3=0.8\n4=1\n5=1.2\n6=1.4');
  await page.getByRole('button', { name: '建立草稿' }).click();
  await expect(page.locator('#scheme-status')).toHaveAttribute('data-status', 'draft');
  const adminUrl = page.url();
  await page.getByRole('button', { name: '公示', exact: true }).click();
  await expect(page.locator('#scheme-status')).toHaveAttribute('data-status', 'posted');
  await expectAxeClean(page, 'the staff page of a posted scheme');
  // the frozen shares add up to the total typed above, 300,000.01 yuan
  const shares = await page.locator('#shares-table tbody tr td.num').allInnerTexts();
  const sum = shares.reduce((a, s) => a + Math.round(Number(s.replaceAll(',', '')) * 100), 0);
  expect(sum).toBe(30_000_001);
  const newPublic = (await page.getByRole('link', { name: '公开页面' }).getAttribute('href'))!;

  // 2. the owner of 1-1-101 objects, at phone width
  const owner101 = await phonePage(browser, OWNER_101);
  await owner101.goto(newPublic);
  await expect(owner101.locator('#scheme-status')).toHaveAttribute('data-status', 'posted');
  await expect(owner101.locator('#rounding-rule')).toContainText('舍去部分从大到小每户加 1 分');
  await expect(owner101.locator('[data-household] [data-share-fen]')).toHaveAttribute('data-share-fen', '0');
  await expectAxeClean(owner101, 'a posted scheme at 390 px');
  await owner101.getByLabel('异议内容').fill(`一楼不用电梯，但施工期间影响出入，请说明安排。${tag}`);
  await owner101.getByRole('button', { name: '提交异议' }).click();
  await expect(owner101.getByRole('status')).toHaveText('已提交异议。街道工作人员答复后会显示在本页。');
  await expect(owner101.locator('#objections li')).toHaveCount(1);
  await expect(owner101.locator('#objections')).toContainText('1 栋业主');

  // staff answer it; pledges cannot open before the posting period is over
  await page.goto(adminUrl);
  await page.getByRole('textbox', { name: '答复' }).fill('施工期间保留一楼通道，工期约 60 天。');
  await page.getByRole('button', { name: '提交答复' }).click();
  await expect(page.getByRole('status')).toHaveText('已完成。');
  await page.getByRole('button', { name: '开始认缴' }).click();
  await expect(page.getByRole('alert')).toHaveText('公示期还没有结束');
  await expect(page.locator('#scheme-status')).toHaveAttribute('data-status', 'posted');

  // 3. on the demo lift, open for pledges: what the budget had received so far
  const before = await (await page.request.get(`/api/projects/${code}.json`)).json();
  const receivedBefore: number = before.residents.receivedMoneyFen;
  const owner102 = await phonePage(browser, OWNER_102);
  await owner102.goto(liftPublic);
  await expect(owner102.locator('#scheme-status')).toHaveAttribute('data-status', 'pledging');
  const liveBefore = await fenOf(owner102, '#progress-line', 'data-live-fen');
  // a ground-floor flat's share is 0: another amount needs a reason, shown next to the field
  await owner102.getByLabel('认缴金额（元）').fill('1000.00');
  await owner102.getByRole('button', { name: '认缴', exact: true }).click();
  await expect(owner102.locator('#f-reason-err')).toHaveText('认缴金额与分摊额不同，请写明理由');
  await owner102.getByLabel('认缴金额（元）').fill('1000.00');
  await owner102.getByLabel('理由（认缴其他金额时填写）').fill('一楼也愿意出一点');
  await owner102.getByRole('button', { name: '认缴', exact: true }).click();
  await expect(owner102.getByRole('status')).toHaveText('已认缴。截止前可以撤回。');
  await expect(owner102.locator('#progress-line')).toHaveAttribute('data-live-fen', String(liveBefore + 100_000));
  await expectAxeClean(owner102, 'the pledge page at 390 px');

  // the owner of 101 pledges and withdraws
  await owner101.goto(liftPublic);
  await owner101.getByLabel('认缴金额（元）').fill('500.00');
  await owner101.getByLabel('理由（认缴其他金额时填写）').fill('先认一部分');
  await owner101.getByRole('button', { name: '认缴', exact: true }).click();
  await expect(owner101.locator('#progress-line')).toHaveAttribute('data-live-fen', String(liveBefore + 150_000));
  await owner101.getByRole('button', { name: '撤回认缴' }).click();
  await expect(owner101.getByRole('status')).toHaveText('已撤回认缴。');
  await expect(owner101.locator('#progress-line')).toHaveAttribute('data-live-fen', String(liveBefore + 100_000));
  await expect(owner101.locator('[data-pledge-status]')).toHaveAttribute('data-pledge-status', 'withdrawn');
  await owner101.goto('/account');
  await expect(owner101.locator('#my-pledges li[data-status="withdrawn"]')).toHaveCount(1);

  // the public sees totals, never who pledged what
  const visitor = await phonePage(browser);
  await visitor.goto(liftPublic);
  await expect(visitor.locator('#progress-line')).toHaveAttribute('data-live-fen', String(liveBefore + 100_000));
  const publicText = await visitor.locator('main').innerText();
  for (const secret of ['演示业主', OWNER_101, OWNER_102, '一楼也愿意出一点']) expect(publicText).not.toContain(secret);

  // 4. staff record the payment of the 1,000.00 pledge
  await page.goto(liftAdmin);
  const row = page.locator('#office-pledges li[data-status="pledged"]', { hasText: '一楼也愿意出一点' });
  await row.getByLabel('收据号').fill(`R-${tag}`);
  await row.getByRole('button', { name: '记录缴款' }).click();
  await expect(page.getByRole('status')).toHaveText('已完成。');
  await expect(page.locator('#office-pledges li[data-status="paid"]', { hasText: '一楼也愿意出一点' })).toHaveCount(1);

  // the budget disclosure shows it against 居民合理分摊, on the page and in the JSON
  await visitor.goto(`/projects/${code}`);
  await expect(visitor.locator('#budget-table tr[data-channel="residents"] td[data-received-fen]')).toHaveAttribute(
    'data-received-fen',
    String(receivedBefore + 100_000),
  );
  const after = await (await page.request.get(`/api/projects/${code}.json`)).json();
  expect(after.residents.receivedMoneyFen).toBe(receivedBefore + 100_000);

  // a pledge made on paper (household 5, its share), with its scan, which only the office reads
  await page.goto(liftAdmin);
  await page.locator('#paper-householdNo').fill('5');
  await page.locator('#paper-scan').setInputFiles({ name: 'pledge.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: '录入', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('已完成。');
  const paper = page.locator('#office-pledges li[data-household="5"][data-status="pledged"]');
  const scanHref = (await paper.getByRole('link', { name: '查看认缴书扫描件' }).getAttribute('href'))!;
  expect((await page.request.get(scanHref)).headers()['content-type']).toBe('image/png');
  expect((await visitor.request.get(scanHref)).status()).toBe(401);
  expect((await owner102.request.get(scanHref)).status()).toBe(403);

  // 5. the bike shed, past its deadline, lapsed: shown as such
  await visitor.goto(shedPublic);
  await expect(visitor.locator('#scheme-status')).toHaveAttribute('data-status', 'lapsed');
  await expect(visitor.locator('#scheme-status-help')).toContainText('方案失效');

  // both languages and elder mode, no JavaScript needed for any of it
  await setPrefs(owner102, { lang: 'en', elder: true });
  await owner102.goto(liftPublic);
  await expect(owner102.locator('#scheme-status')).toContainText('Taking pledges');
  await expect(owner102.locator('#rounding-rule')).toContainText('ties to the flat listed first');
  await expectAxeClean(owner102, 'the pledge page in English, elder mode');
});

test('the cost-share actions refuse a foreign Origin, even from a signed-in office or owner, and change nothing', async () => {
  const staff = await context();
  expectActionOk((await call(staff, 'accounts.signIn', { phone: HEBIN_STAFF, password: DEMO_PASSWORD })).body, 'sign in 河滨 staff');
  const owner = await context();
  expectActionOk((await call(owner, 'accounts.signIn', { phone: OWNER_102, password: DEMO_PASSWORD })).body, 'sign in an owner');
  const list = await (await staff.get('/admin/schemes')).text();
  const schemeId = /data-scheme="(\d+)" data-status="pledging"><a[^>]*><strong>1 栋 1 单元加装电梯</.exec(list)![1]!;
  const before = await (await staff.get(`/admin/schemes/${schemeId}`)).text();
  const cases: [typeof staff, string, Record<string, string>][] = [
    [staff, 'costshare.withdraw', { schemeId, reason: '外站撤回' }],
    [staff, 'costshare.openPledging', { schemeId }],
    [owner, 'costshare.pledge', { schemeId, householdNo: '2', amount: '7.77', reason: '外站' }],
    [owner, 'costshare.object', { schemeId, unitId: '1', body: '外站异议' }],
  ];
  for (const [ctx, action, form] of cases) {
    const res = await ctx.post(`/_actions/${action}`, { multipart: form, headers: { origin: 'https://evil.example' } });
    expect(res.status(), action).toBe(403);
  }
  const after = await (await staff.get(`/admin/schemes/${schemeId}`)).text();
  expect(after).toContain('data-status="pledging"');
  expect(after).not.toContain('7.77');
  expect(after.match(/data-pledge="/g)?.length).toBe(before.match(/data-pledge="/g)?.length);
});

test('a pledge form posted without JavaScript answers 401 signed out and 404 for a scheme that does not exist, with the page and the reason on it', async () => {
  const staff = await context();
  expectActionOk((await call(staff, 'accounts.signIn', { phone: HEBIN_STAFF, password: DEMO_PASSWORD })).body, 'sign in 河滨 staff');
  const list = await (await staff.get('/admin/schemes')).text();
  const schemeId = /data-scheme="(\d+)" data-status="pledging"><a[^>]*><strong>1 栋 1 单元加装电梯</.exec(list)![1]!;
  const liftPublic = /href="(\/projects\/[^"]+\/schemes\/\d+)"/.exec(await (await staff.get(`/admin/schemes/${schemeId}`)).text())![1]!;
  const visitor = await context();
  const signedOut = await visitor.post(`${liftPublic}?_action=costshare.pledge`, {
    form: { schemeId, householdNo: '2' },
    headers: { origin: new URL((await visitor.get('/')).url()).origin },
  });
  expect(signedOut.status()).toBe(401);
  const page = await signedOut.text();
  expect(page).toContain('1 栋 1 单元加装电梯');
  expect(page).toContain('请先登录');

  const owner = await context();
  expectActionOk((await call(owner, 'accounts.signIn', { phone: OWNER_102, password: DEMO_PASSWORD })).body, 'sign in an owner');
  const missing = await owner.post(`${liftPublic}?_action=costshare.pledge`, {
    form: { schemeId: '2147483647', householdNo: '2' },
    headers: { origin: new URL((await owner.get('/')).url()).origin },
  });
  expect(missing.status()).toBe(404);
  const missingPage = await missing.text();
  expect(missingPage).toContain('1 栋 1 单元加装电梯');
  expect(missingPage).toContain('找不到这条记录');
});
