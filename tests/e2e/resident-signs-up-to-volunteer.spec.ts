import type { Browser, Page } from '@playwright/test';
import { expectAxeClean } from './support/axe.ts';
import { test, expect, setPrefs } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';

// Volunteering at phone width: staff post a task with two places on the demo project of
// the first estate; one resident takes the first place; a second takes the last one while
// a third, whose page still showed a place left, lands on the waiting list; the first
// cancels and the third moves up and is told (account page and a text); staff mark
// attendance and the hours show on the volunteers' account pages. The residents are the
// demo owners (no SMS codes needed); the task is the spec's own.

test.use({ viewport: { width: 390, height: 844 } });

const cstDay = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

async function person(browser: Browser, phone: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await signIn(page, phone);
  return page;
}

test('the last place is taken, the next resident waits and moves up on a cancellation, and attended hours reach the account page', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const stamp = String(Date.now()).slice(-6);
  const title = `楼道清理志愿服务 ${stamp}`;

  // Staff post the task; bad input first: errors next to the fields, nothing posted.
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/volunteering');
  await expectAxeClean(page, 'the staff volunteering page');
  const option = page.locator('#f-projectId option').first();
  const code = (await option.textContent())!.split(' · ')[0]!.trim();
  await page.getByLabel('任务内容').fill(title);
  await page.getByLabel('地点').fill('1 号楼前');
  await page.getByLabel('开始时间（北京时间）').fill(`${cstDay(2)}T09:00`);
  await page.getByLabel('结束时间（北京时间）').fill(`${cstDay(2)}T08:00`);
  await page.getByLabel('名额').fill('99999999999');
  await page.getByRole('button', { name: '发布任务' }).click();
  await expect(page.locator('#f-places-err')).toHaveText('名额应为 1 到 1000 的整数');
  await page.getByLabel('名额').fill('2');
  await page.getByRole('button', { name: '发布任务' }).click();
  await expect(page.locator('#f-endsAt-err')).toHaveText('结束时间应晚于开始时间');
  await expect(page.locator('#office-tasks li', { hasText: title })).toHaveCount(0);
  await expectAxeClean(page, 'the staff volunteering page with errors');
  await page.getByLabel('结束时间（北京时间）').fill(`${cstDay(2)}T11:30`);
  await page.getByRole('button', { name: '发布任务' }).click();
  await expect(page.getByText('任务已发布，居民现在可以在项目页面报名。')).toBeVisible();
  const taskLink = page.locator('#office-tasks li', { hasText: title }).getByRole('link', { name: title });
  const taskPath = (await taskLink.getAttribute('href'))!;

  const first = await person(browser, '13900000101');
  const second = await person(browser, '13900000102');
  const third = await person(browser, '13900000103');
  const task = (p: Page) => p.locator('#volunteer-tasks li', { hasText: title });

  // The first resident takes a place.
  await first.goto(`/projects/${code}`);
  await expect(task(first).locator('.places')).toHaveText('剩余名额：2/2');
  await task(first).getByRole('button', { name: '报名' }).click();
  await expect(first.getByText('报名成功，您已获得一个名额。')).toBeVisible();
  await expect(task(first).locator('[data-my-status]')).toHaveText('已报名');

  // The third resident's page still shows one place left…
  await third.goto(`/projects/${code}`);
  await expect(task(third).locator('.places')).toHaveText('剩余名额：1/2');
  await expectAxeClean(third, 'the project page with its volunteering section', { include: '#volunteering' });
  // …while the second takes it,
  await second.goto(`/projects/${code}`);
  await task(second).getByRole('button', { name: '报名' }).click();
  await expect(second.getByText('报名成功，您已获得一个名额。')).toBeVisible();
  await expect(task(second).locator('.places')).toHaveText('名额已满，候补 0 人');
  // so the third lands on the waiting list.
  await task(third).getByRole('button', { name: '报名' }).click();
  await expect(third.getByText('名额已满，您已进入候补名单；有人取消时将按先后转为正式报名。')).toBeVisible();
  await expect(task(third).locator('[data-my-status]')).toHaveText('候补');
  await third.goto('/account');
  const thirdEntry = third.locator('#my-signups li', { hasText: title });
  await expect(thirdEntry).toContainText('候补第 1 位');
  await expect(thirdEntry.locator('.volunteer-promoted')).toHaveCount(0);

  // The first cancels from their account page: the third moves up and is told.
  await first.goto('/account');
  await first.locator('#my-signups li', { hasText: title }).getByRole('button', { name: '取消报名' }).click();
  await expect(first.getByText('已取消报名。')).toBeVisible();
  await expect(first.locator('#my-signups li', { hasText: title })).toHaveAttribute('data-status', 'cancelled');
  await third.goto('/account');
  await expect(thirdEntry).toHaveAttribute('data-status', 'confirmed');
  await expect(thirdEntry.locator('.volunteer-promoted')).toHaveText('您已从候补转为正式报名');
  await expectAxeClean(third, 'the account page with volunteering');
  // and finds the message in the inbox (the SMS waits for the job loop and for 08:00 at night)
  await expect(async () => {
    await third.goto('/account');
    await expect(third.locator('#inbox-list li[data-kind="volunteer_promoted"]', { hasText: `您已从候补转为正式报名：志愿服务“${title}”` })).toBeVisible({
      timeout: 1_000,
    });
  }).toPass();

  // Staff mark attendance: 2.5 hours by default (the task's length), 1 hour for the other.
  await page.goto(taskPath);
  await expectAxeClean(page, 'the sign-up list');
  const row = (name: string) => page.locator('#roster tbody tr', { hasText: name });
  await expect(page.locator('#roster tbody tr')).toHaveCount(3);
  await second.goto('/account');
  const secondDisplay = (await second.locator('#account-name').textContent())!;
  const thirdDisplay = (await third.locator('#account-name').textContent())!;
  await expect(row(secondDisplay).getByLabel('时长（小时）')).toHaveValue('2.5');
  await row(secondDisplay).getByRole('button', { name: '登记出勤' }).click();
  await expect(page.getByText('出勤已登记。')).toBeVisible();
  // a bad figure is refused next to the field and changes nothing
  await row(thirdDisplay).getByLabel('时长（小时）').fill('1e9');
  await row(thirdDisplay).getByRole('button', { name: '登记出勤' }).click();
  await expect(row(thirdDisplay).locator('.field-error')).toHaveText('请输入 0 到 24 之间的小时数，最多一位小数（如 2.5）');
  await expect(row(thirdDisplay)).toHaveAttribute('data-status', 'confirmed');
  await row(thirdDisplay).getByLabel('时长（小时）').fill('1');
  await row(thirdDisplay).getByRole('button', { name: '登记出勤' }).click();
  await expect(row(thirdDisplay)).toHaveAttribute('data-status', 'attended');
  await expect(row(secondDisplay)).toHaveAttribute('data-status', 'attended');

  // The hours show on the volunteers' account pages, in both languages.
  await second.goto('/account');
  await expect(second.locator('#volunteer-hours')).toHaveText('累计服务时长：2.5 小时');
  await expect(second.locator('#my-signups li', { hasText: title })).toContainText('已出勤');
  await third.goto('/account');
  await expect(third.locator('#volunteer-hours')).toHaveText('累计服务时长：1 小时');
  await setPrefs(third, { lang: 'en', elder: true });
  await third.goto('/account');
  await expect(third.locator('#volunteer-hours')).toHaveText('Hours volunteered in total: 1');
  await expect(third.locator('#my-signups li', { hasText: title })).toContainText('Attended');

  // Staff export the hours (XLSX); a resident may not.
  const xlsx = await page.request.get(`/admin/volunteering/export?task=${taskPath.split('/').pop()}`);
  expect(xlsx.status()).toBe(200);
  expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
  expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');
  expect((await second.request.get(`/admin/volunteering/export?task=${taskPath.split('/').pop()}`)).status()).toBe(403);

  // Every volunteering action refuses a foreign Origin, whoever is signed in.
  const taskId = taskPath.split('/').pop()!;
  for (const [who, action] of [
    [second, 'volunteering.signUp'],
    [second, 'volunteering.cancel'],
    [page, 'volunteering.createTask'],
    [page, 'volunteering.markAttendance'],
  ] as const) {
    const res = await who.request.post(`/_actions/${action}`, {
      headers: { origin: 'https://evil.example' },
      multipart: { taskId, projectId: '1', signupId: '1', attended: '0' },
    });
    expect(res.status(), action).toBe(403);
  }
  await second.goto('/account');
  await expect(second.locator('#my-signups li', { hasText: title })).toHaveAttribute('data-status', 'attended');
});
