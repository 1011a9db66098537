import { expectAxeClean } from './support/axe.ts';
import { test, expect, setPrefs } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';
import { textsTo } from './support/sms.ts';
import { addOwner, createBallot, cstDay, openVote, postNotice, resident, residentId } from './pages/ballot-page.ts';

// Issue 11, "Be told": a resident who chose the portal only for votes is told in the inbox
// on their account page when staff open a vote on their estate, and gets no text message
// about it (the test SMS provider's file holds only their sign-up code). The inbox is read, a message
// marked read with a plain form; the page passes axe at 390 px in Chinese, English and elder mode.

test.use({ viewport: { width: 390, height: 844 } });

test('a resident who opted out of SMS for votes gets the in-app message only when staff open a vote on their estate', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/register');
  const estateId = (await page.locator('#f-estate option').first().getAttribute('value'))!;
  const stamp = String(Date.now()).slice(-7);
  const phone = `135${stamp}1`;
  const flat = { building: '2', entrance: '1', room: '601' };
  const idNumber = residentId(11);
  await addOwner(page, estateId, flat, '静音业主', idNumber, phone);
  const owner = await resident(browser, phone, '静音业主', { estateId, ...flat, idNumber }, false);

  // The owner chooses, without JavaScript: votes opening in the portal only.
  await owner.goto('/account');
  await expect(owner.locator('#inbox-list')).toHaveCount(0);
  const votes = owner.locator('#notify-prefs fieldset[data-kind="vote_opened"]');
  await expect(votes.getByLabel('网站和短信')).toBeChecked();
  await votes.getByLabel('只在网站').check();
  await owner.getByRole('button', { name: '保存选择' }).click();
  await expect(owner.getByText('已保存您的选择。')).toBeVisible();
  await owner.goto('/account');
  await expect(owner.locator('#notify-prefs fieldset[data-kind="vote_opened"]').getByLabel('只在网站')).toBeChecked();

  // Staff open a vote on building 2 of the estate (its notice went up 20 days ago).
  const title = `静音测试表决 ${stamp}`;
  await createBallot(page, estateId, { title, opensAt: `${cstDay()}T00:00`, closesAt: `${cstDay(10)}T17:00`, matters: [['加装电梯', '7']] });
  await postNotice(page, 20);
  await openVote(page);

  // The job loop delivers the in-app message: the inbox shows it, unread.
  const message = owner.locator('#inbox-list li[data-kind="vote_opened"]', { hasText: title });
  await expect(async () => {
    await owner.goto('/account');
    await expect(message).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await expect(message).toHaveAttribute('data-read', 'no');
  // other stories may tell the estate's owners of a consultation or a notice meanwhile: at least this one is unread
  await expect(owner.locator('#inbox-unread')).toHaveText(/^未读 \d+ 条$/);
  await expect(message.getByRole('link', { name: '查看' })).toHaveAttribute('href', /^\/ballots\/\d+$/);
  // axe runs scripts: the same session in a browser with JavaScript
  const seen = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await seen.addCookies(await owner.context().cookies());
  const withJs = await seen.newPage();
  await withJs.goto('/account');
  await expect(withJs.locator('#inbox-list li[data-read="no"]', { hasText: title })).toBeVisible();
  await expectAxeClean(withJs, 'the account page with an unread message');
  await message.getByRole('button', { name: '标为已读' }).click();
  await expect(owner.getByText('已标为已读。')).toBeVisible();
  await expect(owner.locator('#inbox-list li[data-kind="vote_opened"]', { hasText: title })).toHaveAttribute('data-read', 'yes');

  // No text message about the vote: the test provider's file holds their sign-up code and nothing else.
  const texts = textsTo(phone).map((t) => t.body);
  expect(texts).toHaveLength(1);
  expect(texts[0]).toContain('注册验证码');
  expect(texts.join('\n')).not.toContain(title);

  // English and elder mode read the same inbox.
  await setPrefs(withJs, { lang: 'en', elder: true });
  await withJs.goto('/account');
  await expect(withJs.getByRole('heading', { name: 'Messages' })).toBeVisible();
  await expect(withJs.locator('#notify-prefs fieldset[data-kind="vote_opened"]').getByLabel('Website only')).toBeChecked();
  await expectAxeClean(withJs, 'the account page in English, elder mode');
});

// The same for a reply to the resident's own comment: by default a reply reaches its author by
// SMS too; a resident who chose the portal only for replies finds it in the inbox, in Chinese
// and in English, and no text message about it reaches the test SMS provider.
test('a resident who opted out of SMS for replies gets the in-app message only when someone replies to their comment', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/register');
  const estateId = (await page.locator('#f-estate option').first().getAttribute('value'))!;
  const stamp = String(Date.now()).slice(-7);
  const phone = `135${stamp}2`;
  const flat = { building: '2', entrance: '1', room: '602' };
  const idNumber = residentId(12);
  await addOwner(page, estateId, flat, '回复静音', idNumber, phone);
  const owner = await resident(browser, phone, '回复静音', { estateId, ...flat, idNumber }, false);

  // The owner chooses, without JavaScript: replies to my comments in the portal only.
  await owner.goto('/account');
  const replies = owner.locator('#notify-prefs fieldset[data-kind="reply_to_my_comment"]');
  await expect(replies.getByLabel('网站和短信')).toBeChecked();
  await replies.getByLabel('只在网站').check();
  await owner.getByRole('button', { name: '保存选择' }).click();
  await expect(owner.getByText('已保存您的选择。')).toBeVisible();

  // Staff open a consultation on the demo project of the first estate.
  const code = 'ZH-2020-00001';
  const title = `回复提醒测试 ${stamp}`;
  await page.goto('/admin/consultations');
  await page.getByLabel('项目').selectOption({ label: (await page.locator('#f-projectId option', { hasText: code }).first().textContent())!.trim() });
  await page.getByLabel('征集主题').fill(title);
  await page.getByLabel('征求意见的内容说明').fill('请对单元门禁方案提出意见。');
  await page.getByLabel('最后一天（当天 24:00 截止）').fill(cstDay(10));
  await page.getByRole('button', { name: '发起征集' }).click();
  await expect(page.getByText('已发起意见征集。')).toBeVisible();

  // The owner gives an opinion; a demo owner replies to it.
  await owner.goto(`/projects/${code}`);
  await owner.locator('#consultations article', { hasText: title }).getByRole('link', { name: '查看全部意见并发表意见' }).click();
  const consultationPath = new URL(owner.url()).pathname;
  await owner.getByLabel('您的意见', { exact: true }).first().fill('门禁请保留钥匙开门的方式。');
  await owner.getByRole('button', { name: '发表意见' }).click();
  await expect(owner.getByText('已发表。15 分钟内可以修改；征集结束前可以删除。')).toBeVisible();
  const replier = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signIn(replier, '13900000101');
  await replier.goto(consultationPath);
  const target = replier.locator('li.opinion', { hasText: '门禁请保留钥匙开门的方式。' });
  await target.getByText('回复这条意见').click();
  await target.getByLabel('回复', { exact: true }).fill('同意，老人常忘带卡。');
  await target.getByRole('button', { name: '发表回复' }).click();
  await expect(replier.getByText('已发表。15 分钟内可以修改；征集结束前可以删除。')).toBeVisible();

  // The job loop delivers the in-app message: the inbox shows it, linked to the consultation; it quotes nothing of the reply.
  const message = owner.locator('#inbox-list li[data-kind="reply_to_my_comment"]', { hasText: title });
  await expect(async () => {
    await owner.goto('/account');
    await expect(message).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await expect(message).toHaveAttribute('data-read', 'no');
  await expect(message).toContainText(`有居民回复了您在征求意见“${title}”中的留言`);
  await expect(message).not.toContainText('老人常忘带卡');
  await expect(message.getByRole('link', { name: '查看' })).toHaveAttribute('href', consultationPath);

  // No text message about the reply (a vote another story opens on building 2 may text them meanwhile).
  const texts = textsTo(phone).map((t) => t.body);
  expect(texts.length).toBeGreaterThan(0);
  expect(texts.join('\n')).not.toContain(title);
  expect(texts.join('\n')).not.toContain('回复');

  // In English, the same message in English.
  const seen = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await seen.addCookies(await owner.context().cookies());
  const withJs = await seen.newPage();
  await setPrefs(withJs, { lang: 'en', elder: false });
  await withJs.goto('/account');
  await expect(withJs.locator('#inbox-list li[data-kind="reply_to_my_comment"]', { hasText: title })).toContainText(
    `A resident replied to your comment in the consultation "${title}".`,
  );
  await expectAxeClean(withJs, 'the account page in English with a reply message');
});
