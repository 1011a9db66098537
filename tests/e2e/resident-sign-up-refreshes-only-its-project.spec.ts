import type { APIRequestContext } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';

// The page cache at work (X-Cache: hit | miss on anonymous pages): a resident signs up for
// a task of project A; visitors then get A's page afresh, with one place less, while
// project B's page and the home page are still served from the cache. Another spec may
// publish meanwhile (which rightly empties the whole cache), so the round is tried up to
// five times; A is fetched afresh after every sign-up or cancellation, and B and the home
// page stay cached in at least one round.

test.use({ viewport: { width: 390, height: 844 } });

const cstDay = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

async function fetched(visitor: APIRequestContext, path: string) {
  const res = await visitor.get(path);
  expect(res.status(), path).toBe(200);
  return { cache: res.headers()['x-cache'], html: await res.text() };
}

test("a sign-up on one project refreshes that project's cached page and leaves another project's and the home page cached", async ({
  page,
  browser,
  playwright,
}) => {
  test.setTimeout(120_000);
  const title = `花坛整理志愿服务 ${String(Date.now()).slice(-6)}`;
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/volunteering');
  const a = (await page.locator('#f-projectId option').first().textContent())!.split(' · ')[0]!.trim();
  await page.getByLabel('任务内容').fill(title);
  await page.getByLabel('地点').fill('2 号楼前');
  await page.getByLabel('开始时间（北京时间）').fill(`${cstDay(3)}T09:00`);
  await page.getByLabel('结束时间（北京时间）').fill(`${cstDay(3)}T11:00`);
  await page.getByLabel('名额').fill('5');
  await page.getByRole('button', { name: '发布任务' }).click();
  await expect(page.getByText('任务已发布，居民现在可以在项目页面报名。')).toBeVisible();

  const visitor = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  const codes = [...(await fetched(visitor, '/')).html.matchAll(/href="\/projects\/([A-Za-z0-9-]+)"/g)].map((m) => m[1]!);
  const b = codes.reverse().find((c) => c !== a)!;
  expect(b).toBeTruthy();

  const resident = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await signIn(resident, '13900000102');
  const places = (html: string) => {
    const li = html.split('<li data-task=').find((s) => s.includes(title))!;
    return /剩余名额：(\d+)\/5/.exec(li)![1];
  };

  let leftCached = false;
  let acts = 0;
  for (let round = 0; round < 5 && !leftCached; round++) {
    // a visitor's pages are cached: the second fetch of each is a hit (a publish by another
    // spec in between empties the cache: that round proves nothing, try again)
    for (const path of [`/projects/${a}`, `/projects/${b}`, '/']) await fetched(visitor, path);
    const before = await fetched(visitor, `/projects/${a}`);
    if (before.cache !== 'hit') continue;

    // a resident signs up (or, the next time, cancels) on project A
    await resident.goto(`/projects/${a}`);
    const task = resident.locator('#volunteer-tasks li', { hasText: title });
    const signingUp = acts++ % 2 === 0;
    await task.getByRole('button', { name: signingUp ? '报名' : '取消报名', exact: true }).click();
    await expect(resident.getByText(signingUp ? '报名成功，您已获得一个名额。' : '已取消报名。')).toBeVisible();

    // A is rendered afresh with the new figure…
    const after = await fetched(visitor, `/projects/${a}`);
    expect(after.cache).toBe('miss');
    expect(Number(places(after.html))).toBe(Number(places(before.html)) + (signingUp ? -1 : 1));
    // …while B and the home page are still the cached ones (unless someone published meanwhile)
    const [other, home] = [await fetched(visitor, `/projects/${b}`), await fetched(visitor, '/')];
    leftCached = other.cache === 'hit' && home.cache === 'hit';
  }
  expect(leftCached, "project B's page and the home page stay cached across a sign-up on project A").toBe(true);
  await visitor.dispose();
});
