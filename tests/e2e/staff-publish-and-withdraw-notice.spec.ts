import { expectAxeClean } from './support/axe.ts';
import { test, expect } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';

const BEIDU_STAFF = '13900000002';

test('staff write a notice as a draft, publish it for everyone, withdraw it, and another office cannot republish it', async ({ page, browser }) => {
  const title = `停水通知 ${Date.now()}`;
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin');
  await page.getByRole('link', { name: '公告管理' }).click();
  await expect(page).toHaveURL(/\/admin\/notices$/);

  const form = page.locator('#notice-form');
  await form.getByLabel('类别').selectOption('construction');
  // the server checks what the browser checks: an empty text is refused next to its field
  const empty = await page.request.post('/admin/notices?_action=notices.create', {
    headers: { origin: new URL(page.url()).origin },
    form: { kind: 'construction', title, body: '  ' },
  });
  expect(await empty.text()).toMatch(/id="f-body-err"[^>]*>此项必填</);
  await form.getByLabel('标题').fill(title);
  await form.getByLabel('正文').fill('因管网改造，3 号楼明日 8:00—18:00 停水。\n请提前储水。');
  await form.getByRole('button', { name: '保存为草稿' }).click();
  await expect(page.getByRole('status')).toHaveText('已保存为草稿，发布后公众才能看到。');

  const item = page.locator('#office-notices li', { hasText: title });
  await expect(item).toHaveAttribute('data-status', 'draft');
  const noticeId = await item.getAttribute('data-notice');

  // a draft is not public
  const visitor = await browser.newPage();
  await visitor.goto('/notices');
  await expect(visitor.getByRole('link', { name: title })).toHaveCount(0);
  expect((await visitor.goto(`/notices/${noticeId}`))!.status()).toBe(404);

  await item.getByRole('button', { name: '发布', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('已发布，公众现在可以在“公告公示”中看到。');
  await expect(page.locator(`#office-notices li[data-notice="${noticeId}"]`)).toHaveAttribute('data-status', 'published');
  await expectAxeClean(page, 'the notices workspace');

  await visitor.goto('/notices');
  await visitor.getByRole('link', { name: title }).click();
  await expect(visitor).toHaveURL(new RegExp(`/notices/${noticeId}$`));
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(visitor.locator('.notice-body')).toContainText('请提前储水。');
  const qr = visitor.locator('.qr img');
  await expect(qr).toBeVisible();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
  await expect(visitor.locator('.qr code')).toHaveText(new RegExp(`/notices/${noticeId}$`));

  const published = page.locator(`#office-notices li[data-notice="${noticeId}"]`);
  await published.getByLabel('撤回原因（可选）').fill('日期有误，将重新发布');
  await published.getByRole('button', { name: '撤回' }).click();
  await expect(page.getByRole('status')).toHaveText('已撤回，公众已看不到这则公告。');
  await expect(page.locator(`#office-notices li[data-notice="${noticeId}"]`)).toHaveAttribute('data-status', 'withdrawn');

  expect((await visitor.goto(`/notices/${noticeId}`))!.status()).toBe(404);
  await visitor.goto('/notices');
  await expect(visitor.getByRole('link', { name: title })).toHaveCount(0);

  // staff of 北渡 neither see the notice nor can publish it with a forged form
  const other = await browser.newPage();
  await signIn(other, BEIDU_STAFF);
  await other.goto('/admin/notices');
  await expect(other.locator(`#office-notices li[data-notice="${noticeId}"]`)).toHaveCount(0);
  for (const action of ['notices.publish', 'notices.withdraw']) {
    const forged = await other.request.post(`/admin/notices?_action=${action}`, {
      headers: { origin: new URL(other.url()).origin },
      form: { noticeId: noticeId! },
    });
    // without JavaScript: the workspace again, answered 403, the refusal said in words
    expect(forged.status(), action).toBe(403);
    const html = await forged.text();
    expect(html).toContain('您没有权限进行此操作');
    expect(html).toContain('本单位的公告');
  }
  // a notice that does not exist: 404, said in words on the same workspace (not the 404 page)
  const missing = await page.request.post('/admin/notices?_action=notices.publish', {
    headers: { origin: new URL(page.url()).origin },
    form: { noticeId: '2147483647' },
  });
  expect(missing.status()).toBe(404);
  const missingHtml = await missing.text();
  expect(missingHtml).toContain('找不到这条记录');
  expect(missingHtml).toContain('本单位的公告');
  expect((await visitor.goto(`/notices/${noticeId}`))!.status()).toBe(404);

  // nor attach a notice to a 河滨 project
  await page.goto('/admin/projects');
  const projectCode = decodeURIComponent((await page.locator('#office-projects li a').first().getAttribute('href'))!.split('/').pop()!);
  await page.goto('/admin/notices');
  const projectId = await page.locator('#f-projectId option', { hasText: projectCode }).getAttribute('value');
  const forgedCreate = await other.request.post('/admin/notices?_action=notices.create', {
    headers: { origin: new URL(other.url()).origin },
    form: { kind: 'other', title: '伪造', body: '伪造', projectId: projectId! },
  });
  expect(await forgedCreate.text()).toContain('您没有权限进行此操作');
});
