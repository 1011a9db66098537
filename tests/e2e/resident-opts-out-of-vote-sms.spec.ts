import { expectAxeClean } from './support/axe.ts';
import { test, expect, setPrefs } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';
import { addOwner, createBallot, cstDay, openVote, postNotice, resident, residentId } from './pages/ballot-page.ts';

// Issue 11, "Be told": a resident who chose the portal only for votes is told in the inbox
// on their account page when staff open a vote on their estate, and gets no text message
// about it (the demo SMS outbox holds only their sign-up code). The inbox is read, a message
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
  await expect(owner.locator('#inbox-unread')).toHaveText('未读 1 条');
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
  await expect(owner.locator('#inbox-unread')).toHaveCount(0);

  // No text message about the vote: the outbox holds their sign-up code and nothing else.
  await owner.goto(`/dev/sms-outbox?phone=${phone}`);
  const texts = owner.locator('#outbox tbody tr');
  await expect(texts).toHaveCount(1);
  await expect(texts.first()).toContainText('注册验证码');
  await expect(owner.locator('#outbox')).not.toContainText(title);

  // English and elder mode read the same inbox.
  await setPrefs(withJs, { lang: 'en', elder: true });
  await withJs.goto('/account');
  await expect(withJs.getByRole('heading', { name: 'Messages' })).toBeVisible();
  await expect(withJs.locator('#notify-prefs fieldset[data-kind="vote_opened"]').getByLabel('Website only')).toBeChecked();
  await expectAxeClean(withJs, 'the account page in English, elder mode');
});
