import { test, expect, setPrefs } from './support/fixtures.ts';
import { DEMO_PASSWORD, HEBIN_STAFF, signIn } from './support/accounts.ts';
import { PNG, call, context } from './support/action-cases.ts';
import { expectActionOk } from './support/action-result.ts';
import { expectAxeClean } from './support/axe.ts';
import type { Browser, Page } from '@playwright/test';

// Issue 10, cost-share schemes, at phone width for owners, all on a scheme the story creates:
// staff create a lift scheme and post it, recording that it went up on the estate's board two
// weeks ago (with a photo of the board), so its posting period is already over; staff enter an
// objection received on paper during the period and answer it; pledges open; an owner pledges,
// withdraws and pledges again; staff enter a paper pledge with its scan and record the owner's
// payment; the project's budget shows it received against 居民合理分摊. Separately, the demo
// bike shed, past its deadline, shows as lapsed.

const PHONE = { width: 390, height: 844 };
const OWNER_101 = '13900000101';
const OWNER_102 = '13900000102';
// owns 1-1-201, on floor 2
const OWNER_103 = '13900000103';

async function phonePage(browser: Browser, phone?: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await ctx.newPage();
  if (phone) await signIn(page, phone);
  return page;
}
/** A calendar day in China, `days` from today. */
const cstDay = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

test('staff post a lift scheme backdated to the board with its photo, enter and answer a paper objection, open pledges; an owner pledges, withdraws and pledges again; a paper pledge and a payment; the budget shows it', async ({
  browser,
  page,
}) => {
  test.setTimeout(240_000);
  const tag = String(Date.now()).slice(-6);
  await signIn(page, HEBIN_STAFF);

  // the project and estate of the demo lift: the first demo estate, where the demo owners live
  await page.goto('/admin/schemes');
  await page.locator('#office-schemes li', { hasText: '1 栋 1 单元加装电梯' }).last().getByRole('link').click();
  const demoLiftPublic = (await page.getByRole('link', { name: '公开页面' }).getAttribute('href'))!;
  const code = /\/projects\/([^/]+)\//.exec(demoLiftPublic)![1]!;
  // so far the project has received the demo payment of 4,800.00 yuan from residents
  const before = await (await page.request.get(`/api/projects/${code}.json`)).json();
  expect(before.residents.receivedMoneyFen).toBe(480_000);

  // 1. staff create a lift scheme for building 1 entrance 1
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
  await page.getByLabel('总额（元，单户承担时留空）').fill('300000.01');
  await page.getByLabel('认缴截止日期').fill(cstDay(40));
  // a bad coefficient is refused next to its field, and nothing is created
  await page.getByLabel(/各楼层系数/).fill('1=0\n2=0.6\n3=0.8\n4=1\n5=1.2');
  await page.getByRole('button', { name: '建立草稿' }).click();
  await expect(page.locator('#new-coefficients-err')).toContainText('6 层没有系数');
  await expectAxeClean(page, 'the staff scheme list and form with an error');
  await page.getByLabel(/各楼层系数/).fill('1=0\n2=0.6\n3=0.8\n4=1\n5=1.2\n6=1.4');
  await page.getByRole('button', { name: '建立草稿' }).click();
  await expect(page.locator('#scheme-status')).toHaveAttribute('data-status', 'draft');
  const adminUrl = page.url();

  // 2. posted on the estate's board two weeks ago: a date before today needs the photo of the board
  const boardDay = cstDay(-14);
  await page.getByLabel('公告栏张贴日期（选填）').fill(boardDay);
  await page.getByRole('button', { name: '公示', exact: true }).click();
  await expect(page.locator('#board-photo-err')).toHaveText('张贴日期早于今天的，请上传公告栏照片');
  await expect(page.locator('#scheme-status')).toHaveAttribute('data-status', 'draft');
  await page.getByLabel('公告栏张贴日期（选填）').fill(boardDay);
  await page.getByLabel('公告栏照片（PNG、JPEG 或 WebP）').setInputFiles({ name: 'board.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: '公示', exact: true }).click();
  await expect(page.locator('#scheme-status')).toHaveAttribute('data-status', 'posted');
  await expectAxeClean(page, 'the staff page of a posted scheme');
  // the frozen shares add up to the total typed above, 300,000.01 yuan
  const shares = await page.locator('#shares-table tbody tr td.num').allInnerTexts();
  expect(shares.reduce((a, s) => a + Math.round(Number(s.replaceAll(',', '')) * 100), 0)).toBe(30_000_001);
  const newPublic = (await page.getByRole('link', { name: '公开页面' }).getAttribute('href'))!;

  // the owner of 1-1-201 reads it at phone width: posted on the board on that day, with the photo; the period is over
  const owner = await phonePage(browser, OWNER_103);
  await owner.goto(newPublic);
  await expect(owner.locator('#scheme-status')).toHaveAttribute('data-status', 'posted');
  await expect(owner.locator('#posted-on')).toHaveAttribute('data-posted-on', boardDay);
  await expect(owner.locator('#board-posting figcaption')).toContainText(`本方案已于 ${boardDay.replaceAll('-', '/')} 张贴在小区公告栏`);
  const photo = owner.locator('#board-posting img');
  await expect(photo).toBeVisible();
  expect(await photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  expect((await owner.request.get((await photo.getAttribute('src'))!)).headers()['content-type']).toBe('image/png');
  await expect(owner.locator('#object-form')).toHaveCount(0);
  // floor 2 pays 0.6 of Σ 10 weights: 18,000.00 yuan of 300,000.01 (the leftover fen goes to floor 6)
  await expect(owner.locator('[data-household] [data-share-fen]')).toHaveAttribute('data-share-fen', '1800000');
  await expectAxeClean(owner, 'a scheme posted on the board earlier, at 390 px');

  // 3. staff enter an objection the owner of 1-1-101 handed in on paper during the period
  await page.goto(adminUrl);
  const objection = page.locator('#paper-objection');
  await objection.getByLabel('房屋（楼栋-单元-房号，如 1-1-101）').fill('1-1-101');
  await objection.getByRole('radio', { name: '书面' }).check();
  await objection.getByLabel('异议内容').fill(`一楼不用电梯，但施工期间影响出入，请说明安排。${tag}`);
  // today is after the period: refused next to the date
  await objection.getByLabel('收到日期').fill(cstDay(0));
  await objection.getByRole('button', { name: '录入异议' }).click();
  await expect(page.locator('#f-receivedOn-err')).toHaveText('收到日期必须在公示期内');
  await page.locator('#paper-objection').getByLabel('收到日期').fill(cstDay(-12));
  await page.locator('#paper-objection').getByRole('button', { name: '录入异议' }).click();
  await expect(page.getByRole('status')).toHaveText('已完成。');
  await expect(page.locator('[data-objection] [data-channel="paper"]')).toContainText('书面提交，工作人员代录');
  // pledges do not open while it has no answer
  await page.getByRole('button', { name: '开始认缴' }).click();
  await expect(page.getByRole('alert')).toHaveText('还有异议没有答复');
  await page.getByRole('textbox', { name: '答复' }).fill('施工期间保留一楼通道，工期约 60 天。');
  await page.getByRole('button', { name: '提交答复' }).click();
  await expect(page.getByRole('status')).toHaveText('已完成。');
  await page.getByRole('button', { name: '开始认缴' }).click();
  await expect(page.getByRole('status')).toHaveText('已完成。');
  await expect(page.locator('#scheme-status')).toHaveAttribute('data-status', 'pledging');

  // the public sees the paper objection, marked as such, with its answer, and no name
  await owner.goto(newPublic);
  await expect(owner.locator('#objections li')).toHaveCount(1);
  await expect(owner.locator('#objections li')).toContainText('1 栋业主');
  await expect(owner.locator('#objections li')).toContainText('书面提交，工作人员代录');
  await expect(owner.locator('#objections li')).toContainText('施工期间保留一楼通道');

  // 4. the owner pledges the share, withdraws, and pledges again
  await expect(owner.locator('#scheme-status')).toHaveAttribute('data-status', 'pledging');
  await expect(owner.locator('#progress-line')).toHaveAttribute('data-live-fen', '0');
  await expect(owner.getByLabel('认缴金额（元）')).toHaveValue('18000.00');
  await owner.getByRole('button', { name: '认缴', exact: true }).click();
  await expect(owner.getByRole('status')).toHaveText('已认缴。截止前可以撤回。');
  await expect(owner.locator('#progress-line')).toHaveAttribute('data-live-fen', '1800000');
  await expectAxeClean(owner, 'the pledge page at 390 px');
  await owner.getByRole('button', { name: '撤回认缴' }).click();
  await expect(owner.getByRole('status')).toHaveText('已撤回认缴。');
  await expect(owner.locator('#progress-line')).toHaveAttribute('data-live-fen', '0');
  await expect(owner.locator('[data-pledge-status]')).toHaveAttribute('data-pledge-status', 'withdrawn');
  await owner.getByRole('button', { name: '认缴', exact: true }).click();
  await expect(owner.getByRole('status')).toHaveText('已认缴。截止前可以撤回。');
  await expect(owner.locator('#progress-line')).toHaveAttribute('data-live-fen', '1800000');
  await owner.goto('/account');
  await expect(owner.locator('#my-pledges li[data-status="withdrawn"]', { hasText: title })).toHaveCount(1);
  await expect(owner.locator('#my-pledges li[data-status="pledged"]', { hasText: title })).toHaveCount(1);

  // 5. a pledge made on paper: household 5 (1-1-301, floor 3: 0.8 of 10, 24,000.00 yuan), with its scan
  await page.goto(adminUrl);
  await page.locator('#paper-householdNo').fill('5');
  await page.locator('#paper-scan').setInputFiles({ name: 'pledge.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: '录入', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('已完成。');
  const paper = page.locator('#office-pledges li[data-household="5"][data-status="pledged"]');
  await expect(paper).toContainText('1-1-301');
  await expect(page.locator('#progress-line')).toHaveAttribute('data-live-fen', String(1_800_000 + 2_400_000));
  const scanHref = (await paper.getByRole('link', { name: '查看认缴书扫描件' }).getAttribute('href'))!;
  expect((await page.request.get(scanHref)).headers()['content-type']).toBe('image/png');
  expect((await owner.request.get(scanHref)).status()).toBe(403);

  // 6. staff record the owner's payment of 18,000.00
  const row = page.locator('#office-pledges li[data-status="pledged"]', { hasText: '1-1-201' });
  await row.getByLabel('收据号').fill(`R-${tag}`);
  await row.getByRole('button', { name: '记录缴款' }).click();
  await expect(page.getByRole('status')).toHaveText('已完成。');
  await expect(page.locator('#office-pledges li[data-status="paid"]', { hasText: '1-1-201' })).toHaveCount(1);

  // the budget disclosure shows 4,800.00 + 18,000.00 = 22,800.00 yuan received against 居民合理分摊, on the page and in the JSON
  const visitor = await phonePage(browser);
  await visitor.goto(`/projects/${code}`);
  const received = visitor.locator('#budget-table tr[data-channel="residents"] td[data-received-fen]');
  await expect(received).toHaveAttribute('data-received-fen', '2280000');
  await expect(received).toContainText('22,800.00');
  const after = await (await visitor.request.get(`/api/projects/${code}.json`)).json();
  expect(after.residents.receivedMoneyFen).toBe(2_280_000);

  // the public sees totals, never who pledged what
  await visitor.goto(newPublic);
  await expect(visitor.locator('#progress-line')).toHaveAttribute('data-live-fen', '4200000');
  const publicText = await visitor.locator('main').innerText();
  for (const secret of ['演示业主', OWNER_101, OWNER_102, OWNER_103, `R-${tag}`]) expect(publicText).not.toContain(secret);

  // elder mode at 390 px: the progress table is one card per building and entrance, no sideways scrolling
  await setPrefs(owner, { elder: true });
  await owner.goto(newPublic);
  const region = owner.locator('#progress .table-scroll');
  await expect(region).toBeVisible();
  const widths = await region.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  await expect(owner.locator('#progress-table tr[data-entrance="1-1"] td[data-label="已认缴户数"]')).toBeVisible();
  await expectAxeClean(owner, 'the pledge page in elder mode at 390 px');
  // and in English, no JavaScript needed for any of it
  await setPrefs(owner, { lang: 'en', elder: true });
  await owner.goto(newPublic);
  await expect(owner.locator('#scheme-status')).toContainText('Taking pledges');
  await expect(owner.locator('#board-posting figcaption')).toContainText("posted on the estate's notice board on");
  await expect(owner.locator('#rounding-rule')).toContainText('ties to the flat listed first');
  await expectAxeClean(owner, 'the pledge page in English, elder mode');
});

test('the demo bike shed, past its deadline, lapsed: shown as such', async ({ page }) => {
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/schemes');
  await page.locator('#office-schemes li', { hasText: '2 栋 1 单元自行车棚' }).getByRole('link').click();
  const shedPublic = (await page.getByRole('link', { name: '公开页面' }).getAttribute('href'))!;
  await page.setViewportSize(PHONE);
  await page.goto(shedPublic);
  await expect(page.locator('#scheme-status')).toHaveAttribute('data-status', 'lapsed');
  await expect(page.locator('#scheme-status-help')).toContainText('方案失效');
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
