import { expectAxeClean } from './support/axe.ts';
import { test, expect, setPrefs } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';
import { addOwner, cstDay, openVote, postNotice, resident, residentId } from './pages/ballot-page.ts';

// The objection period (公示期) of a vote convened by the owners' committee: the
// preliminary result is published, a verified owner on the roll objects online (in a
// browser without JavaScript), staff answer it, record a paper letter received and the
// committee chair's signature, and the public page shows all of it, dated, with the
// objectors named only by their flats. The final announcement waits for the period.
//
// The voters are owners this spec adds to building 1, entrance 2 of the first demo
// estate on a legal basis, out of the way of the other ballot specs.

const slashed = (d: string) => d.replaceAll('-', '/');
/** The last day of a period of n days published today: today does not count, and a last day on a weekend moves to Monday (Civil Code Arts. 201, 203). */
const lastDayOf = (n: number) => {
  let k = n;
  while ([0, 6].includes(new Date(`${cstDay(k)}T12:00:00Z`).getUTCDay())) k++;
  return cstDay(k);
};

test('an owner objects to a preliminary result, staff answer it and record a letter and the committee’s signature, and the public page shows them dated', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/register');
  const estateId = (await page.locator('#f-estate option').first().getAttribute('value'))!;

  const stamp = String(Date.now()).slice(-7);
  const flats = [
    { building: '1', entrance: '2', room: '501' },
    { building: '1', entrance: '2', room: '502' },
  ];
  const people = [
    { name: '戊业主', flat: flats[0]!, id: residentId(11) },
    { name: '己业主', flat: flats[1]!, id: residentId(12) },
  ];
  for (const [i, p] of people.entries()) await addOwner(page, estateId, p.flat, p.name, p.id, `136${stamp}${i + 1}`);
  // the objecting owner's browser runs no JavaScript: every step is a plain form
  const owner = await resident(browser, `136${stamp}1`, people[0]!.name, { estateId, ...people[0]!.flat, idNumber: people[0]!.id }, false);
  const neighbour = await resident(browser, `136${stamp}2`, people[1]!.name, { estateId, ...people[1]!.flat, idNumber: people[1]!.id });
  const stranger = await resident(browser, `136${stamp}9`, '名册外居民');

  // A vote of entrance 1-2 convened by the owners' committee; its notice went up 20 days ago.
  await page.goto('/admin/ballots/new');
  await page.getByLabel('召集人').selectOption('owners_committee');
  await page.getByLabel('表决名称').fill(`1号楼2单元加装电梯表决 ${stamp}`);
  await page.locator(`#estate-${estateId}`).check();
  await page.locator(`#buildings-${estateId}`).fill('1-2');
  await page.getByLabel('事项 1：标题').fill('加装电梯方案');
  await page.getByLabel('事项 1：民法典第二百七十八条').selectOption('7');
  await page.getByLabel('表决开始时间').fill(`${cstDay()}T00:00`);
  await page.getByLabel('表决截止时间').fill(`${cstDay(10)}T17:00`);
  await page.getByRole('button', { name: '保存为草稿' }).click();
  await expect(page).toHaveURL(/\/admin\/ballots\/\d+$/);
  const id = page.url().split('/').pop()!;
  await postNotice(page, 20);
  await openVote(page);

  // Before any result, nobody can object.
  const early = await owner.request.post(`/_actions/ballotObjections.lodge`, {
    headers: { origin: new URL(owner.url()).origin },
    multipart: { ballotId: id, version: '1', body: '太早' },
  });
  expect(await early.text()).toContain('err.noObjectionPeriod');

  // Close early and publish the preliminary result: the objection period starts.
  await page.getByLabel(/我确认在公告的截止时间/).check();
  await page.getByRole('button', { name: '结束表决' }).click();
  await expect(page.getByRole('status')).toHaveText('表决已结束。');
  await page.getByRole('button', { name: '发布初步结果公告' }).click();
  await expect(page.getByRole('status')).toHaveText('已发布第 1 版结果公告。');
  await expect(page.locator('#objection-period')).toHaveAttribute('data-state', 'open');
  // the preliminary result notice tells owners where and how long they may object
  await page.locator('#ballot-notices a', { hasText: '初步公告' }).click();
  await expect(page.locator('.notice-body')).toContainText(`/ballots/${id}#lodge 网上提出`);
  await expect(page.locator('.notice-body')).toContainText('7 日内');

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`/ballots/${id}`);
  await expect(visitor.locator('#objection-period')).toContainText(`${slashed(lastDayOf(7))} 24:00`);
  await expect(visitor.locator('.bulletin-records[data-version="1"] .no-objections')).toHaveText('暂未收到异议。');
  await expect(visitor.getByRole('link', { name: '已认证的业主请登录后提出异议' })).toBeVisible();
  await expectAxeClean(visitor, 'the public page during the objection period');

  // Someone not on the roll gets no form, and a forged objection is refused.
  await stranger.goto(`/ballots/${id}`);
  await expect(stranger.locator('#not-an-objector')).toBeVisible();
  await expect(stranger.locator('#lodge-form')).toHaveCount(0);
  const forged = await stranger.request.post(`/ballots/${id}?_action=ballotObjections.lodge`, {
    headers: { origin: new URL(stranger.url()).origin },
    form: { ballotId: id, version: '1', body: '伪造的异议' },
  });
  expect(await forged.text()).toContain('您不是这次表决的业主，或尚未认证');
  // Nobody signed in: the form posted without JavaScript answers 401 with the ballot page and the reason on it.
  const signedOut = await visitor.request.post(`/ballots/${id}?_action=ballotObjections.lodge`, {
    headers: { origin: new URL(visitor.url()).origin },
    form: { ballotId: id, version: '1', body: '未登录的异议' },
  });
  expect(signedOut.status()).toBe(401);
  const signedOutPage = await signedOut.text();
  expect(signedOutPage).toContain('1号楼2单元加装电梯表决');
  expect(signedOutPage).toContain('请先登录');

  // The owner objects, without JavaScript: an empty text is refused next to the field.
  await owner.goto(`/ballots/${id}`);
  const form = owner.locator('#lodge-form');
  await form.getByRole('button', { name: '提交异议' }).click();
  await expect(owner.locator('#lodge-body-err')).toHaveText('请填写异议内容');
  await expect(owner.locator('#lodge-body')).toHaveAttribute('aria-invalid', 'true');
  const objection = '我家 1-2-501 的面积应为 85.23 平方米，结果公告中有误，请核对。<b>不是标记</b>';
  await owner.getByLabel('异议内容').fill(objection);
  await owner.getByRole('button', { name: '提交异议' }).click();
  await expect(owner.getByRole('status')).toHaveText('您的异议已提交，已在下面公开列出。');
  const row = owner.locator('#objections-v1 li[data-channel="online"]');
  await expect(row.locator('.flat')).toHaveText('1-2-501');
  await expect(row.locator('.objection-text')).toHaveText(objection); // shown as text, never as markup
  await expect(row).toContainText(slashed(cstDay()));
  await expect(row).toContainText('尚未答复');
  // (axe needs JavaScript: it checks the same form, refused, in the neighbour's browser)
  await neighbour.goto(`/ballots/${id}`);
  await neighbour.getByRole('button', { name: '提交异议' }).click();
  await expect(neighbour.locator('#lodge-body-err')).toHaveText('请填写异议内容');
  await expectAxeClean(neighbour, 'the objection form, refused');

  // Staff answer it, record a paper letter received today and the chair's signature.
  await page.goto(`/admin/ballots/${id}`);
  const onlineId = (await page.locator('#objections-v1 li[data-channel="online"]').getAttribute('data-objection'))!;
  await page.locator(`#respond-${onlineId}`).fill('经核对不动产登记，1-2-501 面积为 85.23 平方米，与结果公告一致。');
  await page.locator(`form.respond-form[data-objection="${onlineId}"]`).getByRole('button', { name: '发布答复' }).click();
  await expect(page.getByRole('status')).toHaveText('答复已发布。');
  const written = page.locator('#written-form');
  await written.locator('#w-building').fill('1');
  await written.locator('#w-entrance').fill('2');
  await written.locator('#w-room').fill('999');
  await written.locator('#w-receivedOn').fill(cstDay());
  await written.locator('#w-body').fill('书面异议：对计票方式有疑问。');
  await written.getByRole('button', { name: '登记书面异议' }).click();
  await expect(page.locator('#w-room-err')).toHaveText('名册中没有这套房屋，请核对楼栋、单元和房号');
  await expect(page.locator('#w-body')).toHaveValue('书面异议：对计票方式有疑问。'); // what was typed is kept
  await page.locator('#w-room').fill('502');
  await page.locator('#written-form').getByRole('button', { name: '登记书面异议' }).click();
  await expect(page.getByRole('status')).toHaveText('已登记这条异议，已公开。');
  const cosign = page.locator('#cosign-form');
  await cosign.getByLabel('委员姓名').fill('王主任');
  await cosign.getByLabel('主任', { exact: true }).check();
  await cosign.getByLabel('签署日期').fill(cstDay());
  await cosign.getByRole('button', { name: '登记签署' }).click();
  await expect(page.getByRole('status')).toHaveText('已登记签署。');
  await page.locator('#cosign-form').getByLabel('委员姓名').fill('王主任');
  await page.locator('#cosign-form').getByRole('button', { name: '登记签署' }).click();
  await expect(page.locator('#c-memberName-err')).toHaveText('这位委员已经签署过这一版结果公告');
  await expectAxeClean(page, 'the staff ballot page with objections');
  // the final announcement waits for the end of the objection period
  await page.getByRole('button', { name: '发布最终公告' }).click();
  await expect(page.getByRole('alert')).toHaveText('异议期尚未结束，暂不能发布最终结果公告');

  // The public page shows both objections, dated, the answer and the signature; never a name.
  await visitor.goto(`/ballots/${id}`);
  const rows = visitor.locator('#objections-v1 > li');
  await expect(rows).toHaveCount(2);
  const online = visitor.locator('#objections-v1 li[data-channel="online"]');
  await expect(online).toHaveAttribute('data-answered', 'true');
  await expect(online.locator('.objection-response')).toContainText('与结果公告一致');
  await expect(online.locator('.objection-response')).toContainText(`答复时间 ${slashed(cstDay())}`);
  const letter = visitor.locator('#objections-v1 li[data-channel="written"]');
  await expect(letter.locator('.flat')).toHaveText('1-2-502');
  await expect(letter).toContainText('书面送交');
  await expect(letter).toContainText(slashed(cstDay()));
  await expect(visitor.locator('#cosignatures-v1 li')).toHaveText(`王主任 · 主任 · 签署日期 ${slashed(cstDay())}`);
  const main = await visitor.locator('main').innerText();
  for (const name of ['戊业主', '己业主', '名册外居民']) expect(main).not.toContain(name);
  await expect(visitor.locator('#lodge-form')).toHaveCount(0);
  const data = await (await visitor.request.get(`/api/ballots/${id}/objections.json`)).json();
  expect(
    data.versions[0].objections.map((o: { flat: { room: string }; channel: string; receivedOn: string }) => [o.flat.room, o.channel, o.receivedOn]),
  ).toEqual([
    ['501', 'online', cstDay()],
    ['502', 'written', cstDay()],
  ]);
  expect(data.versions[0].objections[0].response).toContain('与结果公告一致');
  expect(data.versions[0].cosignatures).toEqual([{ name: '王主任', role: 'chair', signedOn: cstDay() }]);
  expect(JSON.stringify(data)).not.toMatch(/戊业主|己业主|lodged|recorded/);
  await expectAxeClean(visitor, 'the public objections and signatures');
  await setPrefs(visitor, { lang: 'en', elder: true });
  await visitor.goto(`/ballots/${id}`);
  await expect(visitor.locator('#objections-heading')).toHaveText('Objections and signatures');
  await expect(visitor.locator('#objections-v1 li[data-channel="written"]')).toContainText('In writing');
  await expectAxeClean(visitor, 'the public objections (en, elder mode)');
});
