import { test, expect, setPrefs } from './support/fixtures.ts';
import { DISTRICT_ADMIN, signIn } from './support/accounts.ts';
import { expectAxeClean } from './support/axe.ts';

// 效果共评 on the demo set: ratings.json answers for every published project (zero counts
// before rating opens); a project before acceptance cannot be opened; the district office
// opens the rating of a project in acceptance, its roll is frozen, and everyone sees the
// response rate and the ten goals, at phone width, in elder mode, in both languages.

const ACCEPTANCE = 'ZH-2023-00016'; // 马庄 (mazhuang), stage 4 in the demo set
const EARLY = 'ZH-2020-00001'; // 河滨, stage 1

test('ratings.json answers every published project, and 404 for none', async ({ page }) => {
  const res = await page.request.get(`/api/projects/${EARLY}/ratings.json`);
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.households).toBe(0);
  expect(body.responses).toBe(0);
  expect(body.goals.map((g: { goal: number }) => g.goal)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(body.goals[0]).toEqual({ goal: 1, count: 0, mean: null, distribution: [0, 0, 0, 0, 0] });
  expect((await page.request.get('/api/projects/ZH-0000-NONE/ratings.json')).status()).toBe(404);
});

test('the district office opens the rating of a project in acceptance; everyone sees it at 390 px', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const before = await (await page.request.get(`/api/projects/${ACCEPTANCE}/ratings.json`)).json();
  expect(before.households).toBe(0);

  await page.goto(`/projects/${ACCEPTANCE}`);
  await page.getByRole('link', { name: '查看效果共评' }).click();
  await expect(page.locator('#rating-not-open')).toHaveText('本项目的效果共评尚未开始。');
  await expect(page.locator('.rating-goals > li')).toHaveCount(10);
  await expectAxeClean(page, 'the rating page before it opens');

  await signIn(page, DISTRICT_ADMIN);
  await page.goto(`/admin/projects/${EARLY}/rating`);
  await expect(page.getByText('工程验收（第 4 阶段）后才能开启效果共评')).toBeVisible();
  await expect(page.locator('#rating-open-form')).toHaveCount(0);

  await page.goto(`/admin/projects/${ACCEPTANCE}/rating`);
  await page.getByRole('button', { name: '开启评分' }).click();
  await expect(page.getByRole('status')).toContainText('效果共评已开启，评分户');
  const opened = await (await page.request.get(`/api/projects/${ACCEPTANCE}/ratings.json`)).json();
  await expect(page.getByRole('status')).toHaveText(`效果共评已开启，评分户 ${opened.households} 户。`);
  // the paper questionnaire form replaces the open button
  await expect(page.getByRole('button', { name: '开启评分' })).toHaveCount(0);
  await expect(page.locator('#rating-paper-form')).toBeVisible();
  await expectAxeClean(page, 'the office rating page');

  // a visitor, in elder mode, then in English
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const visitor = await ctx.newPage();
  await setPrefs(visitor, { elder: true });
  await visitor.goto(`/projects/${ACCEPTANCE}/rating`);
  await expect(visitor.locator('#rating-response')).toHaveText(`已评分 0 户，共 ${opened.households} 户，参评率 ${opened.households > 0 ? '0.00%' : '—'}`);
  await expect(visitor.getByRole('link', { name: '登录后为本项目打分' })).toBeVisible();
  await expectAxeClean(visitor, 'the rating page in elder mode');
  await setPrefs(visitor, { lang: 'en', elder: false });
  await visitor.goto(`/projects/${ACCEPTANCE}/rating`);
  await expect(visitor.getByRole('heading', { name: 'Roads level' })).toBeVisible();
  await expect(visitor.getByRole('heading', { name: 'Property service proper' })).toBeVisible();
  await ctx.close();
});

test('the ranking page explains each score with its inputs, C and m, and its numbers equal ranking.json', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
  const json = await (await page.request.get(`/open-data/ranking.json?month=${month}`)).json();
  expect(json.month).toBe(month);
  expect(json.C).toBe(50);
  // the nine subdistricts of the district (other tests may add one of their own)
  type Row = { code: string; scores: Record<string, string>; inputs: Record<string, number> };
  const subs = json.subdistricts as Row[];
  const nine = ['hebin', 'mazhuang', 'beidu', 'jingshan', 'jiulishan', 'yaomeng', 'nanhuanlu', 'qinggonglu', 'gaoyanglu'];
  for (const code of nine) expect(subs.map((s) => s.code)).toContain(code);
  // best overall first
  const overall = subs.map((s) => Number(s.scores.overall));
  expect(overall).toEqual([...overall].sort((a, b) => b - a));
  expect((await page.request.get('/open-data/ranking.json?month=2026-13')).status()).toBe(400);
  await page.goto(`/projects/${ACCEPTANCE}/rating`);
  await page.getByRole('link', { name: '查看街道排名' }).click();
  await expect(page).toHaveURL(/\/ranking$/);
  for (const s of subs.filter((x) => nine.includes(x.code))) {
    const row = page.locator(`#ranking > li[data-code="${s.code}"]`);
    await expect(row.locator('h2')).toContainText(`综合：${s.scores.overall}`);
    for (const k of ['progress', 'satisfaction', 'participation']) await expect(row.locator(`[data-score="${k}"]`)).toHaveText(s.scores[k]!);
    await expect(row).toContainText(`${s.inputs.projects} 个项目，阶段合计 ${s.inputs.stageSum}`);
    await expect(row).toContainText(`评分总和 ${s.inputs.ratingSum}，评分个数 ${s.inputs.ratingCount}`);
    await expect(row).toContainText(`${s.inputs.responses} 户已评分，共 ${s.inputs.households} 户`);
  }
  await expect(page.locator('#satisfaction-formula')).toContainText(`C = 50，m = 全区评分总和 ÷ 全区评分个数 = ${json.m.ratingSum} ÷ ${json.m.ratingCount}`);
  await expectAxeClean(page, 'the ranking page at 390 px');
});
