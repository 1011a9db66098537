import type { Browser, Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { DEMO_PASSWORD, HEBIN_STAFF, latestCode, signIn } from './support/accounts.ts';
import { expectAxeClean } from './support/axe.ts';
import { expectActionOk } from './support/action-result.ts';
import { CASES, call, context, type Fixture } from './support/action-cases.ts';

// A consultation (意见征集) at phone width, end to end: staff open one on the plan of the
// demo project of the first estate, naming a document version; a new resident gives an
// opinion with a link, a verified owner replies (badged) and another gives an opinion;
// the three demo owners report the resident's opinion, which is hidden until staff
// restore it; staff enter an opinion received on paper, close early with a public reason,
// give each recorded opinion its disposition and publish the report as a notice that
// names authors by building only. The resident sees the reply on their account page.

const PHONE = { width: 390, height: 844 };
const cstDay = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

async function phonePage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ viewport: PHONE, locale: 'zh-CN' })).newPage();
}
async function owner(browser: Browser, phone: string): Promise<Page> {
  const p = await phonePage(browser);
  await signIn(p, phone);
  return p;
}

test.use({ viewport: PHONE });

test('staff open a consultation, residents comment and reply, a reported comment is hidden and restored, and the report notice shows each disposition by building', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const tag = String(Date.now()).slice(-6);
  const title = `楼道改造方案征求意见 ${tag}`;
  const code = 'ZH-2020-00001'; // the demo project of the first estate, where the demo owners are verified

  // Staff: a last day of today is refused next to the field, and nothing opens.
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/consultations');
  await expectAxeClean(page, 'the staff consultations page');
  await page.getByLabel('项目').selectOption({ label: (await page.locator('#f-projectId option', { hasText: code }).first().textContent())!.trim() });
  await page.getByLabel('征集主题').fill(title);
  await page.getByLabel('征求意见的内容说明').fill('请对楼道照明和扶手方案提出意见。');
  await page.getByLabel('最后一天（当天 24:00 截止）').fill(cstDay(0));
  await page
    .locator('label.check', { hasText: `${code} · 总平面图（第 1 版）` })
    .first()
    .locator('input')
    .check();
  await page.getByRole('button', { name: '发起征集' }).click();
  await expect(page.locator('#f-lastDay-err')).toHaveText('最后一天必须在今天之后');
  await expect(page.locator('#office-consultations li', { hasText: title })).toHaveCount(0);
  await expectAxeClean(page, 'the staff consultations page with an error');
  await page.getByLabel('最后一天（当天 24:00 截止）').fill(cstDay(10));
  await page.getByRole('button', { name: '发起征集' }).click();
  await expect(page.getByText('已发起意见征集。')).toBeVisible();
  const adminPath = (await page.locator('#office-consultations li', { hasText: title }).getByRole('link').getAttribute('href'))!;

  // A new resident signs up and gives an opinion with a link; markup stays text.
  const resident = await phonePage(browser);
  const phone = `135${String(Date.now()).slice(-8)}`;
  const residentName = `李桂兰${tag}`;
  await resident.goto('/account/signup');
  await resident.getByLabel('手机号').fill(phone);
  await resident.getByLabel('姓名或称呼').fill(residentName);
  await resident.getByLabel('新密码（至少 8 位）').fill('楼道扶手一定要装');
  await resident.getByRole('button', { name: '获取验证码' }).click();
  const verifyUrl = resident.url();
  const sms = await latestCode(phone);
  await resident.goto(verifyUrl);
  await resident.getByLabel('短信验证码').fill(sms);
  await resident.getByRole('button', { name: '完成注册' }).click();
  await expect(resident).toHaveURL(/\/account$/);
  await resident.goto(`/projects/${code}`);
  const card = resident.locator('#consultations article', { hasText: title });
  await expect(card).toBeVisible();
  await card.getByRole('link', { name: '查看全部意见并发表意见' }).click();
  await expect(resident.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(resident.getByRole('link', { name: '总平面图（第 1 版）' })).toBeVisible();
  await expectAxeClean(resident, 'the consultation page at 390 px');
  const opinion = `楼道扶手请装在两侧，参考 https://example.org/handrail 。<b>加粗</b>`;
  await resident.getByLabel('您的意见', { exact: true }).first().fill(opinion);
  await resident.getByRole('button', { name: '发表意见' }).click();
  await expect(resident.getByText('已发表。15 分钟内可以修改；征集结束前可以删除。')).toBeVisible();
  const mine = resident.locator('li.opinion', { hasText: '楼道扶手请装在两侧' });
  await expect(mine.getByRole('link', { name: 'https://example.org/handrail' })).toHaveAttribute('href', 'https://example.org/handrail');
  await expect(mine.locator('.comment-text')).toContainText('<b>加粗</b>');
  await expect(mine.locator('b')).toHaveCount(0);
  await expect(mine.locator('.author')).toHaveText(residentName);
  const pageUrl = resident.url().split('?')[0]!;

  // A verified owner replies (badged by building) and another gives an opinion.
  const first = await owner(browser, '13900000101');
  await first.goto(pageUrl);
  const target = first.locator('li.opinion', { hasText: '楼道扶手请装在两侧' });
  await target.getByText('回复这条意见').click();
  await target.getByLabel('回复', { exact: true }).fill('同意，两侧都装更安全。');
  await target.getByRole('button', { name: '发表回复' }).click();
  await expect(first.getByText('已发表。15 分钟内可以修改；征集结束前可以删除。')).toBeVisible();
  const reply = first.locator('li.reply', { hasText: '同意，两侧都装更安全。' });
  await expect(reply.locator('.badge')).toHaveText('1 栋业主（已核实）');
  await expect(first.locator('body')).not.toContainText('13900000101');
  const second = await owner(browser, '13900000102');
  await second.goto(pageUrl);
  await second.getByLabel('您的意见', { exact: true }).first().fill('楼道灯请改成声控灯。');
  await second.getByRole('button', { name: '发表意见' }).click();
  await expect(second.getByText('已发表。15 分钟内可以修改；征集结束前可以删除。')).toBeVisible();

  // Three verified owners report the resident's opinion: it is hidden until staff review it.
  const third = await owner(browser, '13900000103');
  for (const [i, p] of [first, second, third].entries()) {
    await p.goto(pageUrl);
    const own = p.locator('li.opinion', { hasText: '楼道扶手请装在两侧' }).locator(':scope > .comment-actions');
    await own.getByText('举报', { exact: true }).click();
    await own.getByRole('button', { name: '确认举报' }).click();
    await expect(p.getByText(i < 2 ? '已收到您的举报。三位已核实业主举报后' : '已收到您的举报。该条已暂时隐藏，等待工作人员审核。')).toBeVisible();
  }
  const hidden = third.locator('li.opinion[data-state="hidden-reports"]');
  await expect(hidden).toContainText('（此条被多位居民举报，暂时隐藏，等待工作人员审核）');
  await expect(third.locator('body')).not.toContainText('楼道扶手请装在两侧');

  // Staff review it and restore it.
  await page.goto(adminPath);
  await expectAxeClean(page, 'the staff page of one consultation');
  const pending = page.locator('#hidden-comments li', { hasText: '楼道扶手请装在两侧' });
  await expect(pending).toContainText('举报 3 次');
  await pending.getByRole('button', { name: '恢复显示' }).click();
  await expect(page.getByText('已完成。')).toBeVisible();
  await resident.goto(pageUrl);
  await expect(resident.locator('li.opinion', { hasText: '楼道扶手请装在两侧' })).toHaveAttribute('data-state', 'shown');

  // Staff enter an opinion received on paper, then close early: a reason is required.
  await page.goto(adminPath);
  await page.getByLabel('意见人所在楼栋（可选，例如 3）').fill('2');
  await page.getByLabel('意见内容').fill('书面意见：希望施工避开午休时间。');
  await page.getByRole('button', { name: '录入意见' }).click();
  await expect(page.getByText('已录入。')).toBeVisible();
  await page.getByRole('button', { name: '结束征集并存档' }).click();
  await expect(page.locator('#close-reason-err')).toHaveText('截止时间未到，提前结束须写明原因');
  await page.getByLabel('提前结束的原因').fill('设计单位需要据此调整方案');
  await page.getByRole('button', { name: '结束征集并存档' }).click();
  await expect(page.getByText('已结束征集，意见已存档。')).toBeVisible();

  // The report waits for every disposition; then staff give them and publish.
  await page.getByRole('button', { name: '公布采纳情况' }).click();
  await expect(page.getByText('还有意见没有采纳情况').first()).toBeVisible();
  const decide = async (text: string, disposition: string, reason: string) => {
    const row = page.locator('#record > li', { hasText: text });
    await row.getByLabel('采纳情况').selectOption({ label: disposition });
    await row.getByLabel('理由').fill(reason);
    await row.getByRole('button', { name: '保存' }).click();
    await expect(page.getByText('已保存采纳情况。')).toBeVisible();
  };
  await decide('楼道扶手请装在两侧', '部分采纳', '两侧加装扶手，单侧过窄处除外');
  await decide('楼道灯请改成声控灯', '采纳', '全部更换为声控灯');
  await decide('希望施工避开午休时间', '已答复', '施工时间为 8:00–12:00、14:00–18:00');
  await expectAxeClean(page, 'the dispositions');
  await page.getByRole('button', { name: '公布采纳情况' }).click();
  await expect(page.getByText('已公布意见采纳情况。')).toBeVisible();

  // The notice: every opinion by building, its disposition and reason; no name, no number.
  const visitor = await phonePage(browser);
  await visitor.goto('/notices');
  await visitor
    .getByRole('link', { name: `意见采纳情况：${title}` })
    .first()
    .click();
  const body = visitor.locator('.notice-body');
  await expect(body).toContainText('1 栋住户\n意见：楼道灯请改成声控灯。\n处理：采纳。理由：全部更换为声控灯');
  await expect(body).toContainText('居民\n意见：楼道扶手请装在两侧');
  await expect(body).toContainText('处理：部分采纳。理由：两侧加装扶手，单侧过窄处除外');
  await expect(body).toContainText('2 栋住户（书面意见）\n意见：书面意见：希望施工避开午休时间。\n处理：已答复。');
  await expect(body).toContainText('本次征集提前结束，原因：设计单位需要据此调整方案');
  await expect(body).not.toContainText(residentName);
  await expect(body).not.toContainText(phone);
  await expectAxeClean(visitor, 'the report notice at 390 px');
  await visitor.goto(`/projects/${code}`);
  await expect(visitor.locator('#consultation-reports')).toContainText(`意见采纳情况：${title}`);

  // After the close the thread is the record: no form, no edit; the resident sees the reply.
  await resident.goto(pageUrl);
  await expect(resident.getByRole('button', { name: '发表意见' })).toHaveCount(0);
  await resident.goto('/account');
  const entry = resident.locator('#my-comment-list > li', { hasText: title });
  await expect(entry).toContainText('同意，两侧都装更安全。');
  await expect(entry.locator('.badge')).toHaveText('1 栋业主（已核实）');
  await expectAxeClean(resident, 'the account page with my opinions');
});

test('every consultation action refuses a foreign Origin, even from a signed-in office, and changes nothing', async () => {
  const ctx = await context();
  expectActionOk((await call(ctx, 'accounts.signIn', { phone: HEBIN_STAFF, password: DEMO_PASSWORD })).body, 'sign in 河滨 staff');
  // the demo's open consultation on the project of the first estate (by its title: the other test,
  // running alongside, opens one on the same project and writes in it), and its first comment
  const project = await (await ctx.get('/projects/ZH-2020-00001')).text();
  const consultationPath = /楼道扶手和声控灯方案征求意见\s*<\/h3>[\s\S]*?href="(\/projects\/ZH-2020-00001\/consultations\/(\d+))"/.exec(project)!;
  const before = await (await ctx.get(consultationPath[1]!)).text();
  const commentId = Number(/data-comment="(\d+)"/.exec(before)![1]);
  const fx = { consultationId: Number(consultationPath[2]), commentId, closedConsultationId: Number(consultationPath[2]), opinionId: 1 } as Fixture;
  const cases = CASES.filter((c) => c.action.startsWith('consultations.'));
  expect(cases.length).toBe(11);
  for (const c of cases) {
    const res = await ctx.post(`/_actions/${c.action}`, { multipart: c.form(fx, 'hebinStaff'), headers: { origin: 'https://evil.example' } });
    expect(res.status(), c.action).toBe(403);
  }
  const after = await (await ctx.get(consultationPath[1]!)).text();
  expect(after.replace(/<time[^>]*>[^<]*<\/time>/g, '')).toBe(before.replace(/<time[^>]*>[^<]*<\/time>/g, ''));
});
