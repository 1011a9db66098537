import { test, expect } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';

test('staff create a draft project, fill its disclosure, and publish it; drafts stay private until then', async ({ page, browser }) => {
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/projects/new');
  await page.getByRole('button', { name: '保存为草稿' }).click();
  await expect(page.locator('#f-estates-err')).toHaveText('请选择本街道的一个或多个小区');
  const boxes = page.getByRole('checkbox');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.getByLabel('项目名称').fill('河滨两院合并改造项目');
  await page.getByLabel('受益户数').fill('120');
  await page.getByRole('button', { name: '保存为草稿' }).click();
  await expect(page).toHaveURL(/\/admin\/projects\/ZH-\d{4}-\d+$/);
  const code = decodeURIComponent(page.url().split('/').pop()!);
  await expect(page.locator('#project-state')).toContainText('草稿');

  const visitor = await browser.newPage();
  expect((await visitor.goto(`/projects/${code}`))!.status()).toBe(404);

  const scope = page.locator('#add-scope');
  await scope.getByLabel('项目').selectOption('infrastructure.basic.roads');
  await scope.getByLabel('说明').fill('园区道路沥青罩面');
  await scope.getByLabel('数量').fill('1500.5');
  await scope.getByLabel('计费单位').fill('㎡');
  await scope.getByLabel('估算费用（元）').fill('135045');
  await scope.getByRole('button', { name: '添加' }).click();
  await expect(page.locator('#scope-items')).toContainText('道路');

  const budget = page.locator('#add-budget');
  await budget.getByLabel('资金来源').selectOption('district');
  await budget.getByLabel('金额（元）').fill('100000');
  await budget.getByRole('button', { name: '添加' }).click();
  await budget.getByLabel('资金来源').selectOption('residents');
  await budget.getByLabel('金额（元）').fill('35045.5');
  await budget.getByRole('button', { name: '添加' }).click();

  const party = page.locator('#add-party');
  await party.getByLabel('角色').selectOption('construction');
  await party.getByLabel('单位名称').fill('平顶山市第一建筑工程有限公司');
  await party.getByLabel('统一社会信用代码').fill('91410411MA3X7Q2P0X');
  await party.getByRole('button', { name: '添加' }).click();
  await expect(page.locator('#add-party-uscc-err')).toHaveText('统一社会信用代码不正确');
  await expect(party.getByLabel('统一社会信用代码')).toHaveAttribute('aria-invalid', 'true');
  await party.getByLabel('统一社会信用代码').fill('');
  await party.getByLabel('单位名称').fill('平顶山市第一建筑工程有限公司');
  await party.getByRole('button', { name: '添加' }).click();
  await expect(page.locator('#parties')).toContainText('施工');

  await page.locator('#add-fee').getByLabel('收费项目').fill('物业服务费');
  await page.locator('#add-fee').getByLabel('改造前（元）').fill('0.35');
  await page.locator('#add-fee').getByLabel('改造后（元）').fill('0.80');
  await page.locator('#add-fee').getByRole('button', { name: '添加' }).click();

  await page.getByRole('button', { name: '公开发布' }).click();
  await expect(page.locator('#project-state')).toContainText('已公开');

  await visitor.goto(`/projects/${code}`);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('河滨两院合并改造项目');
  await expect(visitor.locator('#budget-table tfoot [data-total-fen]')).toHaveAttribute('data-total-fen', '13504550');
  await expect(visitor.locator('#scope')).toContainText('1500.5');
  await expect(visitor.locator('#fees')).toContainText('0.50');
  await expect(visitor.locator('#history')).toContainText('发布以来没有变更');

  // after publication, a removal is a public change
  await page.locator('#budget-lines li', { hasText: '居民合理分摊' }).getByRole('button', { name: '删除' }).click();
  await visitor.goto(`/projects/${code}`);
  await expect(visitor.locator('#history-table')).toContainText('删除');
  await expect(visitor.locator('#history-table')).toContainText('居民合理分摊 35,045.50');
});
