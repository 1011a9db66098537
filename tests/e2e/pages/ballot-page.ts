import { expect, type Browser, type Page } from '@playwright/test';
import { parse as devalueParse } from 'devalue';
import { expectActionOk } from '../support/action-result.ts';
import { latestCode } from '../support/sms.ts';
import { residentIdCheckChar } from '../../../src/features/register/id-numbers.ts';

// The owners' vote as people use it: the public ballot page with its voting form, the
// confirmation view, and the setup of owners who can sign in (residents verified against
// owners staff added to the register on a legal basis, which later register imports of
// other specs leave in place).

const DAY = 86_400_000;
/** A day in Asia/Shanghai as YYYY-MM-DD, offset by whole days from today. */
export const cstDay = (offsetDays = 0) => new Date(Date.now() + 8 * 3_600_000 + offsetDays * DAY).toISOString().slice(0, 10);

export type Choice = 'agree' | 'oppose' | 'abstain';
const LABEL: Record<Choice, string> = { agree: '同意', oppose: '反对', abstain: '弃权' };
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** A valid resident ID number that no demo register holds. */
export function residentId(seq: number): string {
  const body = `410402195803${String(10 + (seq % 18)).padStart(2, '0')}${String(100 + (Date.now() % 800) + seq).slice(-3)}`;
  return body + residentIdCheckChar(body);
}

const origin = (page: Page) => new URL(page.url() === 'about:blank' ? 'http://x.invalid' : page.url()).origin;

/** Staff add an owner to a flat on a legal basis (with a proof), as /admin/register does. */
export async function addOwner(
  staff: Page,
  estateId: string,
  flat: { building: string; entrance: string; room: string },
  name: string,
  idNumber: string,
  phone = '',
) {
  const res = await staff.request.post('/_actions/register.addOwner', {
    headers: { origin: origin(staff) },
    multipart: {
      estateId,
      ...flat,
      name,
      idType: 'resident_id',
      idNumber,
      basis: 'occupation',
      phone,
      proof: { name: 'contract.png', mimeType: 'image/png', buffer: PNG },
    },
  });
  expectActionOk(await res.text(), `add owner ${name}`);
}

/** Staff import a one-flat household register into an estate (preview, then confirm), as /admin/register does. */
export async function importOneFlat(
  staff: Page,
  estateId: string,
  flat: { building: string; entrance: string; room: string },
  name: string,
  idNumber: string,
  phone = '',
) {
  const csv = Buffer.from(
    `楼栋,单元,楼层,房号,专有面积,业主姓名,身份证号,电话,开发商持有\n${flat.building},${flat.entrance},1,${flat.room},80.00,${name},${idNumber},${phone},否\n`,
  );
  const preview = await staff.request.post('/_actions/register.preview', {
    headers: { origin: origin(staff) },
    multipart: { estateId, file: { name: 'one-flat.csv', mimeType: 'text/csv', buffer: csv } },
  });
  const { importId } = devalueParse(await preview.text()) as { importId?: number };
  expect(importId, 'register preview').toBeGreaterThan(0);
  const confirm = await staff.request.post('/_actions/register.confirm', { headers: { origin: origin(staff) }, multipart: { importId: String(importId) } });
  expectActionOk(await confirm.text(), 'register confirm');
}

/**
 * A new resident account in its own browser context, signed in; verified as owner of the flat
 * when given (the register must hold this phone for that owner: see addOwner, importOneFlat).
 */
export async function resident(
  browser: Browser,
  phone: string,
  name: string,
  claim?: { estateId: string; building: string; entrance: string; room: string; idNumber: string },
  javaScriptEnabled = true,
) {
  // each resident from an address of their own (the e2e server trusts 127.0.0.1 as a proxy)
  const address = `10.${Number(phone.slice(-6, -4))}.${Number(phone.slice(-4, -2))}.${Number(phone.slice(-2)) + 1}`;
  const context = await browser.newContext({ javaScriptEnabled, extraHTTPHeaders: { 'x-forwarded-for': address } });
  const page = await context.newPage();
  await page.goto('/');
  const post = (action: string, multipart: Record<string, string>) =>
    page.request.post(`/_actions/${action}`, { headers: { origin: origin(page) }, multipart });
  const { request } = expectActionOk(
    await (await post('accounts.signUp', { phone, displayName: name, password: 'owner long password' })).text(),
    `sign up ${phone}`,
  );
  const code = await latestCode(phone);
  expectActionOk(await (await post('accounts.confirmPhone', { request: String(request), code })).text(), `confirm ${phone}`);
  if (claim) {
    const res = await post('verification.claim', {
      estateId: claim.estateId,
      building: claim.building,
      entrance: claim.entrance,
      room: claim.room,
      name,
      idType: 'resident_id',
      idNumber: claim.idNumber,
      consentIdNumber: 'yes',
    });
    expect(await res.text(), `claim of ${name}`).toContain('verified');
  }
  return page;
}

/** Staff create a draft vote of building 2 of an estate; returns its id. */
export async function createBallot(page: Page, estateId: string, v: { title: string; opensAt?: string; closesAt?: string; matters: [string, string][] }) {
  await page.goto('/admin/ballots/new');
  await page.getByLabel('召集人').selectOption('subdistrict');
  await page.getByLabel('表决名称').fill(v.title);
  await page.getByLabel('说明').fill('改造方案详见项目公示。\n表决以最后一次提交为准。');
  await page.locator(`#estate-${estateId}`).check();
  await page.locator(`#buildings-${estateId}`).fill('2');
  for (const [i, [title, item]] of v.matters.entries()) {
    await page.getByLabel(`事项 ${i + 1}：标题`).fill(title);
    await page.getByLabel(`事项 ${i + 1}：民法典第二百七十八条`).selectOption(item);
  }
  if (v.opensAt) await page.getByLabel('表决开始时间').fill(v.opensAt);
  if (v.closesAt) await page.getByLabel('表决截止时间').fill(v.closesAt);
  await page.getByRole('button', { name: '保存为草稿' }).click();
  await expect(page).toHaveURL(/\/admin\/ballots\/\d+$/);
  return page.url().split('/').pop()!;
}

/** Staff post the meeting notice, put up on the board `daysAgo` days ago: a backdated posting comes with a photo of the posted sheet. */
export async function postNotice(page: Page, daysAgo: number) {
  await page.getByLabel('张贴日期').fill(cstDay(-daysAgo));
  if (daysAgo > 0) await page.getByLabel('公告栏张贴照片或扫描件').setInputFiles({ name: 'board.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: '发布会议通知' }).click();
  await expect(page.getByRole('status')).toHaveText('会议通知已发布；名册已公开：公众可见合计，本表决范围内的已认证业主可逐户核对。');
}

/**
 * Staff open the vote. Other specs' register imports may leave flats of the electorate
 * without an owner: those are listed, and opening then needs the box ticked.
 */
export async function openVote(page: Page) {
  if ((await page.locator('#unowned-flats').count()) > 0) await page.locator('#f-confirmUnowned').check();
  await page.getByRole('button', { name: '开始表决' }).click();
  await expect(page.getByRole('status')).toContainText('表决已开始，名册已冻结');
}

export class BallotPage {
  readonly page: Page;
  readonly id: string;
  constructor(page: Page, id: string) {
    this.page = page;
    this.id = id;
  }

  goto() {
    return this.page.goto(`/ballots/${this.id}`);
  }

  matter(n: number) {
    return this.page.locator(`#vote-form fieldset.choice[data-matter="m${n}"]`);
  }

  /** Chooses with the mouse, goes to the confirmation view and confirms; returns the receipt. */
  async vote(choices: Choice[]): Promise<string> {
    await this.goto();
    for (const [i, c] of choices.entries())
      await this.matter(i + 1)
        .getByLabel(LABEL[c], { exact: true })
        .check();
    await this.page.getByRole('button', { name: '下一步：确认' }).click();
    await expect(this.page.getByRole('heading', { level: 1 })).toHaveText('请确认您的表决');
    for (const [i, c] of choices.entries()) await expect(this.page.locator(`#confirm-choices tr[data-matter="m${i + 1}"]`)).toHaveAttribute('data-choice', c);
    await this.page.getByRole('button', { name: '确认提交' }).click();
    await expect(this.page.locator('#cast-done')).toContainText('您的表决已提交');
    return (await this.page.locator('#receipt').innerText()).trim();
  }

  /** Presses Tab until the element with this id has the focus. */
  async tabTo(id: string, max = 120) {
    for (let i = 0; i < max; i++) {
      await this.page.keyboard.press('Tab');
      if (await this.page.evaluate((want) => document.activeElement?.id === want, id)) return;
    }
    throw new Error(`Tab never reached #${id}`);
  }
}
