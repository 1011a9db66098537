import { expectAxeClean } from './support/axe.ts';
import { test, expect } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';
import { BallotPage, PNG, addOwner, createBallot, cstDay, openVote, postNotice, resident, residentId } from './pages/ballot-page.ts';

// An owner authorises someone in writing (授权委托书): staff check the signed mandate,
// record it with its scan, and the named account casts that household's ballot online;
// the owner sees who cast it; once staff revoke the mandate the proxy has no ballot.
// The casting API (answered by Node before Astro) is used from a signed-in browser too.
//
// The owner is one this spec adds to flat 2-2-601 of the first demo estate on a legal basis.

test('an owner’s written mandate lets a proxy vote online until staff revoke it', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/register');
  const estateId = (await page.locator('#f-estate option').first().getAttribute('value'))!;
  const stamp = String(Date.now()).slice(-7);
  const flat = { building: '2', entrance: '2', room: '601' };
  const idNumber = residentId(21);
  await addOwner(page, estateId, flat, '庚业主', idNumber, `135${stamp}1`);
  const owner = await resident(browser, `135${stamp}1`, '庚业主', { estateId, ...flat, idNumber });
  const proxyPhone = `135${stamp}2`;
  const proxy = await resident(browser, proxyPhone, '庚业主之子');

  const id = await createBallot(page, estateId, {
    title: `2号楼代理投票 ${stamp}`,
    opensAt: `${cstDay()}T00:00`,
    closesAt: `${cstDay(10)}T17:00`,
    matters: [
      ['加装电梯方案', '7'],
      ['选聘物业服务企业', '4'],
    ],
  });
  await postNotice(page, 20);
  await openVote(page);

  // Without a mandate the proxy has no ballot.
  await proxy.goto(`/ballots/${id}`);
  await expect(proxy.locator('#not-a-voter')).toBeVisible();

  // Staff record the mandate: a wrong phone is refused next to its field, values kept.
  const form = page.locator('#proxy-form');
  const grantor = await form.locator('option', { hasText: '庚业主' }).first().getAttribute('value');
  await form.getByLabel('委托人（投票人 · 业主）').selectOption(grantor!);
  await form.getByLabel('受托人账户的手机号').fill('13500000000');
  await form.getByLabel('委托书说明').fill('庚业主签字的授权委托书，委托其子代为表决');
  await form.getByLabel('签字委托书扫描件（PDF 或图片，5 MB 以内）').setInputFiles({ name: 'mandate.png', mimeType: 'image/png', buffer: PNG });
  await form.getByRole('button', { name: '登记委托' }).click();
  await expect(page.locator('#proxy-proxyPhone-err')).toContainText('没有使用这个手机号的账户');
  await expect(page.locator('#proxy-form').getByLabel('委托书说明')).toHaveValue('庚业主签字的授权委托书，委托其子代为表决');
  await page.locator('#proxy-form').getByLabel('受托人账户的手机号').fill(proxyPhone);
  await page
    .locator('#proxy-form')
    .getByLabel('签字委托书扫描件（PDF 或图片，5 MB 以内）')
    .setInputFiles({ name: 'mandate.png', mimeType: 'image/png', buffer: PNG });
  await page.locator('#proxy-form').getByRole('button', { name: '登记委托' }).click();
  await expect(page.getByRole('status')).toHaveText('委托已登记：受托人现在可以在网上为这户投票。');
  await expect(page.locator('#proxy-list > li')).toHaveCount(1);
  await expect(page.locator('#proxy-list')).toContainText('庚业主之子');
  await expect(page.locator('#proxy-list')).not.toContainText(proxyPhone); // masked
  await expectAxeClean(page, 'the staff ballot page with a mandate');
  // the scan is evidence for the office only
  const scanHref = (await page.locator('#proxy-list a', { hasText: '委托书扫描件' }).getAttribute('href'))!;
  const scan = await page.request.get(scanHref);
  expect(scan.status()).toBe(200);
  expect(scan.headers()['content-type']).toBe('image/png');
  expect((await proxy.request.get(scanHref)).status()).toBe(403);

  // The proxy votes on the owner's behalf; the owner sees the ballot and who cast it.
  const proxyBallot = new BallotPage(proxy, id);
  await proxyBallot.goto();
  await expect(proxy.locator('.my-voter')).toContainText('2-2-601');
  await expect(proxy.locator('[id^="right-"]')).toContainText('授权委托书');
  await expectAxeClean(proxy, 'the ballot page of a proxy');
  const receipt = await proxyBallot.vote(['agree', 'oppose']);
  await owner.goto(`/ballots/${id}`);
  await expect(owner.locator('.my-voter')).toContainText('由受托人依授权委托书投出');
  await expect(owner.locator('.my-voter')).toContainText(receipt);

  // The owner may still change it, here through the JSON casting API; the receipt stays.
  const api = await owner.request.post(`/api/ballots/${id}/cast`, {
    headers: { origin: new URL(owner.url()).origin },
    data: { choices: { m1: 'agree', m2: 'agree' } },
  });
  expect(api.status()).toBe(200);
  expect((await api.json()).receipt).toBe(receipt);
  const crossSite = await owner.request.post(`/api/ballots/${id}/cast`, {
    headers: { origin: 'https://evil.example' },
    data: { choices: { m1: 'oppose', m2: 'oppose' } },
  });
  expect(crossSite.status()).toBe(403);

  // Revoked: the proxy has no ballot any more, on the page or through the API.
  await page.goto(`/admin/ballots/${id}`);
  await page.locator('#proxy-list').getByRole('button', { name: '撤销' }).click();
  await expect(page.getByRole('status')).toHaveText('委托已撤销。');
  await expect(page.locator('#proxy-list')).toContainText('已于');
  await proxy.goto(`/ballots/${id}`);
  await expect(proxy.locator('#not-a-voter')).toBeVisible();
  const refused = await proxy.request.post(`/api/ballots/${id}/cast`, {
    headers: { origin: new URL(proxy.url()).origin },
    data: { choices: { m1: 'oppose', m2: 'oppose' } },
  });
  expect(refused.status()).toBe(403);
  const live = await (await proxy.request.get(`/api/ballots/${id}/results.json`)).json();
  expect(live.turnout.voters).toBeGreaterThanOrEqual(1);
});
