import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { expectAxeClean } from './support/axe.ts';
import { test, expect, setPrefs } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';
import { BallotPage, PNG, addOwner, createBallot, cstDay, importOneFlat, openVote, postNotice, resident, residentId } from './pages/ballot-page.ts';

// Issue 4, part 7: staff run an owners' vote from the meeting notice to the published
// bulletin, owners vote (one changes their ballot, one uses only the keyboard), staff
// enter a paper ballot, and the downloaded bulletin recounts to the published results.
//
// The voters are owners this spec adds to building 2 of the first demo estate on a legal
// basis (as staff do for buyers in lawful occupation) and residents it verifies against
// them: register imports by other specs replace the register-based demo owners of that
// estate, but leave owners on another legal basis in place.

const BEIDU_STAFF = '13900000002';

test('staff run an owners’ vote: notice, opening after 15 days, online, changed, keyboard and paper ballots, close, bulletin that recounts to the results', async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/register');
  const estateId = (await page.locator('#f-estate option').first().getAttribute('value'))!;

  // Owners of building 2, entrance 1: four on a legal basis; three sign up and are
  // verified, with a co-owner of the first flat; 2-1-202 votes on paper.
  const stamp = String(Date.now()).slice(-7);
  const flats = [
    { building: '2', entrance: '1', room: '101' },
    { building: '2', entrance: '1', room: '102' },
    { building: '2', entrance: '1', room: '201' },
    { building: '2', entrance: '1', room: '202' },
  ];
  const people = [
    { name: '甲业主', flat: flats[0]!, id: residentId(1) },
    { name: '乙业主', flat: flats[1]!, id: residentId(2) },
    { name: '丙业主', flat: flats[2]!, id: residentId(3) },
    { name: '丁业主', flat: flats[3]!, id: residentId(4) },
    { name: '甲共有人', flat: flats[0]!, id: residentId(5) },
  ];
  // the register holds each online voter's mobile: their claims verify at once
  const phoneOf = (i: number) => ([0, 1, 2, 4].includes(i) ? `137${stamp}${[0, 1, 2, 4].indexOf(i)}` : '');
  for (const [i, p] of people.entries()) await addOwner(page, estateId, p.flat, p.name, p.id, phoneOf(i));
  const owners = await Promise.all(
    [0, 1, 2, 4].map((i, k) =>
      // the second owner's browser runs no JavaScript: every step is a plain form
      resident(browser, `137${stamp}${k}`, people[i]!.name, { estateId, ...people[i]!.flat, idNumber: people[i]!.id }, k !== 1),
    ),
  );
  const [ownerA, ownerB, ownerC, coOwnerA] = [owners[0]!, owners[1]!, owners[2]!, owners[3]!];
  const unverified = await resident(browser, `137${stamp}9`, '未认证居民');
  // and an owner verified in another estate of the same subdistrict
  const otherEstateId = (await page.locator('#f-estate option').nth(1).getAttribute('value'))!;
  const otherId = residentId(6);
  await importOneFlat(page, otherEstateId, { building: '5', entrance: '1', room: '101' }, '外小区业主', otherId, `137${stamp}8`);
  const elsewhere = await resident(browser, `137${stamp}8`, '外小区业主', {
    estateId: otherEstateId,
    building: '5',
    entrance: '1',
    room: '101',
    idNumber: otherId,
  });

  // Asking for more matter rows keeps what was typed.
  await page.goto('/admin/ballots/new');
  await page.getByLabel('表决名称').fill(`多事项表决 ${stamp}`);
  await page.getByLabel('事项 1：标题').fill('加装电梯');
  await page.getByRole('button', { name: '需要更多事项行' }).click();
  await expect(page.getByLabel('表决名称')).toHaveValue(`多事项表决 ${stamp}`);
  await expect(page.getByLabel('事项 1：标题')).toHaveValue('加装电梯');
  await expect(page.locator('.matter-row')).toHaveCount(6);

  // A vote whose notice goes up today cannot open before 15 full days have passed.
  const early = await createBallot(page, estateId, { title: `提前开始的表决 ${stamp}`, matters: [['加装电梯', '7']] });
  await expectAxeClean(page, 'the staff ballot page (draft)');
  await expect(page.getByLabel('张贴日期')).toHaveValue(cstDay());
  await page.getByRole('button', { name: '发布会议通知' }).click();
  await expect(page.getByRole('status')).toHaveText('会议通知已发布；名册已公开：公众可见合计，本表决范围内的已认证业主可逐户核对。');
  await page.getByRole('button', { name: '开始表决' }).click();
  await expect(page.getByRole('alert')).toHaveText('会议通知公告未满规定天数（不少于 15 日），暂不能开始表决');
  await expect(page.locator('#earliest-refused')).toContainText(cstDay(16).replaceAll('-', '/'));
  await expect(page.locator('#ballot-status')).toHaveAttribute('data-status', 'noticed');
  // its meeting notice is public and printable with a QR code
  await page.locator('#ballot-notices a').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`提前开始的表决 ${stamp}`);
  await expect(page.locator('.notice-body')).toContainText(`/ballots/${early}/roll`);
  await expect(page.locator('.qr img')).toBeVisible();
  // it was created by mistake: staff cancel it before it opens, and the reason is public
  await page.goto(`/admin/ballots/${early}`);
  await page.getByRole('button', { name: '取消这次表决' }).click();
  await expect(page.locator('#f-cancelReason-err')).toHaveText('请填写取消原因，原因会公开');
  await page.getByLabel('取消原因（公开）').fill('表决事项填写有误，将重新发起');
  await page.getByRole('button', { name: '取消这次表决' }).click();
  await expect(page.getByRole('status')).toHaveText('表决已取消，取消原因已公开。');
  await expect(page.locator('#ballot-status')).toHaveAttribute('data-status', 'cancelled');
  const cancelled = await (await browser.newContext()).newPage();
  await cancelled.setViewportSize({ width: 390, height: 844 });
  await cancelled.goto(`/ballots/${early}`);
  await expect(cancelled.locator('#ballot-cancelled')).toContainText('表决事项填写有误，将重新发起');
  await expect(cancelled.locator('#ballot-notices')).toContainText('取消通知');
  await cancelled.goto('/ballots');
  await expect(cancelled.locator(`#ballot-list-cancelled li[data-ballot="${early}"]`)).toContainText('已取消：表决事项填写有误，将重新发起');
  await expectAxeClean(cancelled, 'the public list with a cancelled vote');

  // The vote itself: the notice went up on the estate's board 20 days ago.
  const id = await createBallot(page, estateId, {
    title: `2号楼改造方案表决 ${stamp}`,
    opensAt: `${cstDay()}T00:00`,
    closesAt: `${cstDay(10)}T17:00`,
    matters: [
      ['加装电梯及外立面改造方案', '7'],
      ['选聘物业服务企业', '4'],
      ['使用专项维修资金', '5'],
    ],
  });
  // a draft is not public, but the staff who manage it see its public page as a preview
  await page.getByRole('link', { name: '查看公开页面' }).click();
  await expect(page.locator('#staff-preview')).toBeVisible();
  const outsider = await (await browser.newContext()).newPage();
  expect((await outsider.goto(`/ballots/${id}`))!.status()).toBe(404);
  // and its roll: a preview for the staff (404 for anyone else until the notice is out)
  expect((await page.goto(`/ballots/${id}/roll`))!.status()).toBe(200);
  await expect(page.locator('#staff-preview')).toBeVisible();
  await expect(page.locator('#roll')).toContainText('2-1-101');
  expect((await outsider.goto(`/ballots/${id}/roll`))!.status()).toBe(404);
  await page.goto(`/admin/ballots/${id}`);
  // posted 20 days ago: not on a word, only with a photo of the posted notice
  await page.getByLabel('张贴日期').fill(cstDay(-20));
  await page.getByRole('button', { name: '发布会议通知' }).click();
  await expect(page.locator('#f-photo-err')).toHaveText('张贴日期早于今天的，请上传公告栏张贴通知的照片或扫描件');
  await expect(page.locator('#ballot-status')).toHaveAttribute('data-status', 'draft');
  await postNotice(page, 20);
  const noticeBody = page.locator('#ballot-notices a').first();
  expect(await page.locator('#notice-photo-link').count()).toBe(1);
  expect((await page.request.get((await page.locator('#notice-photo-link').getAttribute('href'))!)).headers()['content-type']).toBe('image/png');
  await noticeBody.click();
  await expect(page.locator('.notice-body')).toContainText(`本通知于 ${cstDay(-20)} 在小区公告栏张贴，${cstDay()} 在本网站发布`);
  await outsider.goto(`/ballots/${id}`);
  await expect(outsider.locator('#notice-posted')).toContainText(cstDay(-20).replaceAll('-', '/'));
  await expect(outsider.locator('#notice-online')).toContainText(cstDay().replaceAll('-', '/'));
  await page.goto(`/admin/ballots/${id}`);
  // the public sees the roll's totals; staff and verified owners of the electorate its flats
  const rollPage = await (await browser.newContext()).newPage();
  await rollPage.goto(`/ballots/${id}/roll`);
  await expect(rollPage.locator('#roll-state')).toContainText('名册预览');
  await expect(rollPage.locator('#roll-voters')).toHaveText(/^[1-9]\d*$/);
  await expect(rollPage.locator('#roll-restricted')).toBeVisible();
  await expect(rollPage.locator('#roll')).toHaveCount(0);
  expect(await rollPage.locator('main').innerText()).not.toMatch(/2-1-10[12]/);
  await expectAxeClean(rollPage, 'the roll (public totals)');
  await ownerA.goto(`/ballots/${id}/roll`);
  await expect(ownerA.locator('#roll')).toContainText('2-1-101');
  await expect(ownerA.locator('#roll')).not.toContainText('甲业主');
  await expectAxeClean(ownerA, 'the roll (a verified owner)');
  await unverified.goto(`/ballots/${id}/roll`);
  await expect(unverified.locator('#roll-restricted')).toBeVisible();
  await expect(unverified.locator('#roll')).toHaveCount(0);
  await openVote(page);
  await expectAxeClean(page, 'the staff ballot page (open)');

  // Staff of another subdistrict neither see nor manage it.
  const beidu = await (await browser.newContext()).newPage();
  await signIn(beidu, BEIDU_STAFF);
  expect((await beidu.goto(`/admin/ballots/${id}`))!.status()).toBe(404);
  await beidu.goto('/admin/ballots');
  await expect(beidu.locator(`#office-ballots li[data-ballot="${id}"]`)).toHaveCount(0);
  for (const [action, form] of [
    ['ballots.open', {}],
    ['ballots.close', {}],
    ['ballots.publishBulletin', { stage: 'preliminary' }],
  ] as const) {
    const forged = await beidu.request.post(`/_actions/${action}`, { headers: { origin: new URL(beidu.url()).origin }, multipart: { ballotId: id, ...form } });
    expect(await forged.text(), action).toContain('err.forbidden');
  }
  const forgedPaper = await beidu.request.post(`/_actions/ballots.enterPaper`, {
    headers: { origin: new URL(beidu.url()).origin },
    multipart: { ballotId: id, voter: 'V0001', channel: 'paper', mandate: '伪造', m1: 'agree', scan: { name: 's.png', mimeType: 'image/png', buffer: PNG } },
  });
  expect(await forgedPaper.text()).toContain('err.forbidden');

  // Two owners vote; the first changes their ballot (same receipt, the last counts).
  const a = new BallotPage(ownerA, id);
  await a.goto();
  await expect(ownerA.locator('#turnout')).toBeVisible();
  await expectAxeClean(ownerA, 'the ballot page of an owner');
  // leaving a matter out is refused next to it
  await a.matter(1).getByLabel('同意', { exact: true }).check();
  await ownerA.getByRole('button', { name: '下一步：确认' }).click();
  await expect(ownerA.locator('fieldset.choice[data-matter="m2"] .field-error')).toHaveText('请对每一项表决事项作出选择');
  await expectAxeClean(ownerA, 'the refused confirmation');
  const receiptA = await a.vote(['oppose', 'agree', 'abstain']);
  await expectAxeClean(ownerA, 'the receipt');
  const receiptB = await new BallotPage(ownerB, id).vote(['agree', 'agree', 'agree']);
  expect(receiptB).not.toBe(receiptA);
  expect(await a.vote(['agree', 'oppose', 'abstain'])).toBe(receiptA);
  await a.goto();
  await expect(ownerA.locator('.my-voter')).toContainText('共提交 2 次');
  // the co-owner sees the ballot that counts now, and that someone else cast it
  const co = new BallotPage(coOwnerA, id);
  await co.goto();
  await expect(coOwnerA.locator('.my-voter')).toContainText('由另一位共有人提交');
  await expect(coOwnerA.locator('.my-voter')).toContainText('加装电梯及外立面改造方案：同意');
  await expect(coOwnerA.locator('.my-voter')).toContainText('选聘物业服务企业：反对');
  await expect(coOwnerA.locator('.my-voter')).toContainText(receiptA);
  await expect(coOwnerA.locator('fieldset.choice[data-matter="m2"] input[value="oppose"]')).toBeChecked();
  // on a phone in elder mode, confirming lands on the confirmation and the receipt
  await ownerA.setViewportSize({ width: 390, height: 844 });
  await setPrefs(ownerA, { elder: true });
  expect(await a.vote(['agree', 'oppose', 'abstain'])).toBe(receiptA);
  await expect(ownerA.locator('#cast-done')).toBeInViewport();
  await setPrefs(ownerA, { elder: false });

  // A keyboard-only owner: Tab to each group, Space to choose (an arrow key moves within it), Enter to submit.
  const c = new BallotPage(ownerC, id);
  await c.goto();
  await c.tabTo('vote-m1-agree');
  await ownerC.keyboard.press('Space');
  await ownerC.keyboard.press('Tab');
  await ownerC.keyboard.press('Space');
  await ownerC.keyboard.press('ArrowDown'); // m2: oppose
  await ownerC.keyboard.press('Tab');
  await ownerC.keyboard.press('Space');
  await c.tabTo('vote-next', 5);
  await ownerC.keyboard.press('Enter');
  await expect(ownerC.getByRole('heading', { level: 1 })).toHaveText('请确认您的表决');
  await expect(ownerC.locator('#confirm-choices tr[data-matter="m2"]')).toHaveAttribute('data-choice', 'oppose');
  await expectAxeClean(ownerC, 'the confirmation view');
  await c.tabTo('confirm-submit');
  await ownerC.keyboard.press('Enter');
  await expect(ownerC.locator('#cast-done')).toContainText('您的表决已提交');
  await expect(ownerC.locator('.my-voter')).toContainText('由您提交');
  // the account page shows the owner's role and this open vote, as voted
  await ownerC.goto('/account');
  await expect(ownerC.locator('#account-role')).toHaveText('业主（已认证）');
  await expect(ownerC.locator(`#my-votes li[data-ballot="${id}"]`)).toHaveAttribute('data-state', 'cast');

  // An unverified resident, an owner of another estate and an owner of the same estate outside the electorate get no ballot, and a forged one is refused.
  for (const [who, p] of [
    ['unverified', unverified],
    ['another estate', elsewhere],
    ['outside', null],
  ] as const) {
    const other = p ?? (await (await browser.newContext()).newPage());
    if (!p) await signIn(other, '13900000101'); // a demo owner of building 1
    await other.goto(`/ballots/${id}`);
    await expect(other.locator('#not-a-voter'), who).toBeVisible();
    await expect(other.locator('#vote-form')).toHaveCount(0);
    const forged = await other.request.post(`/ballots/${id}?_action=ballots.cast`, {
      headers: { origin: new URL(other.url()).origin },
      form: { ballotId: id, m1: 'agree', m2: 'agree', m3: 'agree' },
    });
    expect(await forged.text(), who).toContain('您不是这次表决的业主，或尚未认证');
    const api = await other.request.post(`/api/ballots/${id}/cast`, {
      headers: { origin: new URL(other.url()).origin },
      data: { choices: { m1: 'agree', m2: 'agree', m3: 'agree' } },
    });
    expect(api.status(), who).toBe(403);
  }
  const anonymous = await (await browser.newContext()).newPage();
  await anonymous.goto(`/ballots/${id}`);
  await expect(anonymous.getByRole('link', { name: '已认证的业主请登录后表决' })).toBeVisible();
  await expect(anonymous.locator('#turnout [data-voted]')).toHaveText('3');
  expect(await anonymous.locator('main').innerText()).not.toMatch(/同意 \d|反对 \d/); // turnout only while open
  const live = await (await anonymous.request.get(`/api/ballots/${id}/results.json`)).json();
  expect(live.turnout.voters).toBe(3);
  expect(JSON.stringify(live)).not.toMatch(/agree|oppose|abstain/);
  const notYet = await anonymous.request.get(`/api/ballots/${id}/bulletin.json`);
  expect(notYet.status()).toBe(404);
  expect((await notYet.json()).error_en).toMatch(/not published/);

  // Staff print the paper slips: the slip of 2-1-202 carries that household's receipt code.
  await page.goto(`/admin/ballots/${id}`);
  await page.locator('#slips-link').click();
  const slip = page.locator('article.slip', { hasText: '2-1-202' });
  await expect(slip).toHaveCount(1);
  const slipReceipt = (await slip.locator('.receipt code').innerText()).trim();
  expect(slipReceipt).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}$/);
  // matters numbered as on the notice, and by when and to whom the slip goes back
  await expect(slip.locator('tbody tr').first()).toContainText('1. 加装电梯及外立面改造方案');
  await expect(slip.locator('.return-by')).toContainText(`请于 ${cstDay(10).replaceAll('-', '/')} 17:00（北京时间）前签字后交回`);

  // Staff enter the signed paper ballot of 2-1-202, with the slip's scan.
  await page.goto(`/admin/ballots/${id}`);
  const paper = page.locator('#paper-form');
  const voterOption = paper.locator('#f-voter option', { hasText: '2-1-202' });
  await paper.getByLabel('投票人编号').selectOption((await voterOption.getAttribute('value'))!);
  await paper.getByLabel('纸质表决票').check();
  await paper.getByLabel('表决票或委托说明').fill('纸质表决票第 7 号，业主本人签字');
  await paper.getByLabel('扫描件').setInputFiles({ name: 'slip.png', mimeType: 'image/png', buffer: PNG });
  await paper.locator('fieldset.choice[data-matter="m1"]').getByLabel('同意', { exact: true }).check();
  await paper.locator('fieldset.choice[data-matter="m2"]').getByLabel('弃权', { exact: true }).check();
  await paper.locator('fieldset.choice[data-matter="m3"]').getByLabel('未填写（不计入该事项）').check();
  await paper.getByRole('button', { name: '录入表决票' }).click();
  await expect(page.getByRole('status')).toContainText('的表决票，回执码');
  await expect(page.getByRole('status')).toContainText(slipReceipt);
  const entry = page.locator('#staff-entries tr[data-channel="paper"]').first();
  await expect(entry).toContainText('纸质表决票第 7 号');
  const scan = await page.request.get((await entry.getByRole('link').getAttribute('href'))!);
  expect(scan.headers()['content-type']).toBe('image/png');
  expect((await unverified.request.get((await entry.getByRole('link').getAttribute('href'))!)).status()).toBe(403);

  // A paper ballot over one cast online is a deliberate act: staff see when it was cast, confirm and say why.
  const overC = page.locator('#paper-form #f-voter option', { hasText: '2-1-201' });
  await expect(overC).toContainText('已网上投票');
  await paper.getByLabel('投票人编号').selectOption((await overC.getAttribute('value'))!);
  await paper.getByLabel('纸质表决票').check();
  await paper.getByLabel('表决票或委托说明').fill('纸质表决票第 8 号，业主本人签字');
  await paper.getByLabel('扫描件').setInputFiles({ name: 'slip8.png', mimeType: 'image/png', buffer: PNG });
  for (const m of ['m1', 'm2', 'm3']) await paper.locator(`fieldset.choice[data-matter="${m}"]`).getByLabel('同意', { exact: true }).check();
  await paper.getByRole('button', { name: '录入表决票' }).click();
  await expect(page.locator('#voted-online')).toContainText('在网上投票（业主本人）');
  await expect(page.locator('#f-override-err')).toHaveText('该户已在网上投票：以纸质票代替，须勾选确认并填写原因');
  await paper.getByLabel(/我确认以这张纸质票代替网上投票/).check();
  await paper.locator('#f-overrideReason').fill('业主到社区交回纸质票，说明以纸质票为准');
  await paper.getByLabel('扫描件').setInputFiles({ name: 'slip8.png', mimeType: 'image/png', buffer: PNG });
  for (const m of ['m1', 'm2', 'm3']) await paper.locator(`fieldset.choice[data-matter="${m}"]`).getByLabel('同意', { exact: true }).check();
  await paper.getByRole('button', { name: '录入表决票' }).click();
  await expect(page.getByRole('status')).toContainText('的表决票，回执码');
  // an empty scan field asks for the scan
  await paper.getByLabel('表决票或委托说明').fill('没有扫描件');
  await paper.locator('fieldset.choice[data-matter="m1"]').getByLabel('同意', { exact: true }).check();
  await paper.getByRole('button', { name: '录入表决票' }).click();
  await expect(page.locator('#f-scan-err')).toHaveText('请上传签字表决票或授权委托书的扫描件');
  await page.goto(`/admin/ballots/${id}`);

  // Close; the preliminary result notice and bulletin are published.
  await page.getByRole('button', { name: '结束表决' }).click();
  await expect(page.locator('#f-confirm-err')).toHaveText('提前结束表决不能撤销，请勾选确认');
  await expect(page.locator('#ballot-status')).toHaveAttribute('data-status', 'open');
  await page.getByLabel(/我确认在公告的截止时间/).check();
  await page.getByRole('button', { name: '结束表决' }).click();
  await expect(page.getByRole('status')).toHaveText('表决已结束。');
  // the preliminary result is due within one working day of the close
  await expect(page.locator('#result-deadline')).toHaveAttribute('data-deadline', 'pending');
  await expect(page.locator('#result-deadline')).toContainText('表决结束后一个工作日内');
  const late = await ownerA.request.post('/_actions/ballots.cast', {
    headers: { origin: new URL(ownerA.url()).origin },
    multipart: { ballotId: id, m1: 'agree', m2: 'agree', m3: 'agree' },
  });
  expect(await late.text()).toContain('err.ballotNotOpen');
  await page.getByRole('button', { name: '发布初步结果公告' }).click();
  await expect(page.getByRole('status')).toHaveText('已发布第 1 版结果公告。');
  await expect(page.locator('#result-deadline')).toHaveAttribute('data-deadline', 'metOnTime');
  const sha = (await page.locator('#bulletins li[data-version="1"] [data-sha256]').innerText()).trim();
  await expectAxeClean(page, 'the staff ballot page (closed)');

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`/ballots/${id}`);
  await expect(visitor.locator('#ballot-status')).toHaveAttribute('data-status', 'closed');
  await expect(visitor.locator('#result-deadline')).toContainText('初步结果公告已在期限');
  await expect(visitor.locator('#ballot-notices')).toContainText('初步公告');
  await expect(visitor.locator('#bulletins li[data-stage="preliminary"]')).toContainText(sha);
  // the result notice prints the audit chain's latest daily head, as /api/audit/heads.json publishes it
  const heads = (await (await visitor.request.get('/api/audit/heads.json')).json()).heads as { entryId: number; hash: string }[];
  expect(heads.length).toBeGreaterThan(0);
  await expect(visitor.locator('#audit-head')).toHaveAttribute('data-entry', String(heads.at(-1)!.entryId));
  await expect(visitor.locator('#audit-head code')).toHaveText(heads.at(-1)!.hash);
  const main = await visitor.locator('main').innerText();
  expect(main).not.toMatch(/否决|rejected/i);
  const results = await (await visitor.request.get(`/api/ballots/${id}/results.json`)).json();
  // per-building figures only for groups of 5 voters or more
  expect(results.byBuildingMinVoters).toBe(5);
  for (const b of results.byBuilding) for (const m of b.matters) expect(m.participating.owners).toBeGreaterThanOrEqual(5);
  await expect(visitor.locator('#by-building tbody tr')).toHaveCount(results.byBuilding.length * results.matters.length);
  if (results.byBuilding.length === 0) await expect(visitor.locator('#by-building-none')).toBeVisible();
  await expect(visitor.locator('#bulletins .full-bulletin')).toHaveCount(0);
  await expectAxeClean(visitor, 'the public results');

  // The downloaded public bulletin: byte-exact with its sha256, no voter ids or flats, and
  // its recount equals results.json.
  const recountFile = (name: string, bytes: Buffer) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gz-bulletin-')), name);
    fs.writeFileSync(file, bytes);
    const r = spawnSync(process.execPath, ['src/cli/ballot-recount.ts', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const bulletin = await visitor.request.get(`/api/ballots/${id}/bulletin.json?version=1`);
  const body = await bulletin.body();
  expect(createHash('sha256').update(body).digest('hex')).toBe(sha);
  expect(recountFile('bulletin.json', body).matters).toEqual(results.matters);
  const published = JSON.parse(body.toString('utf8'));
  const voterA = published.voters.find((v: { receipt: string | null }) => v.receipt === receiptA);
  expect(voterA).toEqual({ receipt: receiptA, areaM2: expect.stringMatching(/^\d+\.\d\d$/), votes: { m1: 'agree', m2: 'oppose', m3: 'abstain' } });
  expect(body.toString('utf8')).not.toMatch(/甲业主|"units"|"room"|"id": "V/);

  // The full bulletin (the stored record, with flats): staff and verified owners of the
  // electorate only, each download audited; it recounts to the same figures.
  expect((await visitor.request.get(`/api/ballots/${id}/bulletin-full.json?version=1`)).status()).toBe(401);
  expect((await unverified.request.get(`/api/ballots/${id}/bulletin-full.json?version=1`)).status()).toBe(403);
  const fullSha = (await page.locator('#bulletins li[data-version="1"] [data-full-sha256]').innerText()).trim();
  const fullRes = await page.request.get(`/api/ballots/${id}/bulletin-full.json?version=1`);
  expect(fullRes.status()).toBe(200);
  const fullBody = await fullRes.body();
  expect(createHash('sha256').update(fullBody).digest('hex')).toBe(fullSha);
  expect(recountFile('full.json', fullBody).matters).toEqual(results.matters);
  const full = JSON.parse(fullBody.toString('utf8'));
  const fullA = full.voters.find((v: { receipt: string | null }) => v.receipt === receiptA);
  expect(fullA.units.map((u: { estate: string; room: string }) => [typeof u.estate, u.room])).toEqual([['string', '101']]);
  expect(JSON.stringify(full)).not.toContain('甲业主');
  expect((await ownerA.request.get(`/api/ballots/${id}/bulletin-full.json?version=1`)).status()).toBe(200);
  for (const m of results.matters) {
    await expect(visitor.locator(`section.result[data-matter="${m.id}"] .outcome`)).toHaveText(m.passed ? '通过' : '未形成有效决定');
  }

  // Every voter can find their receipt on the published bulletin.
  await visitor.goto(`/ballots/${id}?receipt=${encodeURIComponent(receiptB.toLowerCase().replaceAll('-', ' '))}`);
  await expect(visitor.locator('#receipt-result')).toHaveAttribute('data-state', 'found');
  await expect(visitor.locator('#receipt-result')).toContainText('已计入');
  await visitor.locator('#receipt-input').fill('2222-2222-22');
  await visitor.getByRole('button', { name: '查询' }).click();
  await expect(visitor.locator('#receipt-result')).toHaveAttribute('data-state', 'notFound');
  await expectAxeClean(visitor, 'the receipt lookup');

  await visitor.goto('/ballots');
  await expect(visitor.locator(`#ballot-list-closed li[data-ballot="${id}"]`)).toBeVisible();
  await expect(visitor.locator(`#ballot-list-cancelled li[data-ballot="${early}"]`)).toBeVisible();
  await expectAxeClean(visitor, 'the list of votes');

  // in English and in elder mode too; a matter that did not pass is never "rejected"
  await setPrefs(visitor, { lang: 'en', elder: true });
  for (const url of [`/ballots/${id}`, `/ballots/${id}/roll`, `/ballots/${early}`, '/ballots']) {
    await visitor.goto(url);
    await expectAxeClean(visitor, `${url} (en, elder mode)`);
  }
  await visitor.goto(`/ballots/${id}`);
  expect(await visitor.locator('main').innerText()).not.toMatch(/rejected|否决/i);
  for (const m of results.matters) {
    await expect(visitor.locator(`section.result[data-matter="${m.id}"] .outcome`)).toHaveText(m.passed ? 'Passed' : 'No valid decision');
  }
});
