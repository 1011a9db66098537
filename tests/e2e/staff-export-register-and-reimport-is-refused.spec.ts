import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { test, expect } from './support/fixtures.ts';
import { DISTRICT_ADMIN, HEBIN_STAFF, signIn } from './support/accounts.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

test('河滨 staff download the masked XLSX register of an estate; uploading it again is refused as an export', async ({ page, browser }) => {
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/register');
  const link = page.locator('#register-exports a').first(); // the first demo estate, which has the demo register
  const estateId = await link.getAttribute('data-estate');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe(`register-${estateId}.xlsx`);
  const bytes = fs.readFileSync((await download.path())!);

  // the same file over HTTP: its type, and that it is not cached
  const res = await page.request.get(`/admin/register/export?estate=${estateId}`);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe(XLSX);
  expect(res.headers()['content-disposition']).toBe(`attachment; filename="register-${estateId}.xlsx"`);
  expect(res.headers()['cache-control']).toContain('no-store');

  // ID numbers are masked to their last four; no full ID number anywhere in the sheet
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes.slice().buffer);
  const sheet = wb.worksheets[0]!;
  const header = Array.from(sheet.getRow(1).values as unknown[], (v) => String(v ?? ''));
  const idCol = header.findIndex((h) => h.includes('证件号码'));
  expect(idCol).toBeGreaterThan(0);
  const ids: string[] = [];
  sheet.eachRow((row, n) => {
    if (n > 1)
      ids.push(
        ...String(row.getCell(idCol).value ?? '')
          .split(';')
          .filter(Boolean),
      );
  });
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) expect(id).toMatch(/^\*{14}[0-9X]{4}$/);
  expect(JSON.stringify(sheet.getSheetValues())).not.toMatch(/\d{17}[\dX]/);

  // uploaded again: refused whole, nothing importable
  await page.goto('/admin/register');
  await page.getByLabel('小区', { exact: true }).selectOption(estateId!);
  await page.getByLabel('名册文件（最大 10 MB）').setInputFiles({ name: download.suggestedFilename(), mimeType: XLSX, buffer: bytes });
  await page.getByRole('button', { name: '上传并检查' }).click();
  await expect(page).toHaveURL(/\/admin\/register\/\d+$/);
  await expect(page.locator('#good-flats')).toHaveText('0');
  await expect(page.locator('#faults tr[data-code="masked_export"]')).toContainText('脱敏');

  // phones in full only with a reason, which the audit log keeps
  const origin = new URL(page.url()).origin;
  const noReason = await page.request.post('/admin/register/export', { headers: { origin }, form: { estate: estateId!, reason: '' } });
  expect(noReason.status()).toBe(400);
  await page.goto('/admin/register');
  await page.locator('#register-export-full').getByLabel('导出的小区').selectOption(estateId!);
  await page.locator('#register-export-full').getByLabel('导出理由').fill('逐户电话通知加装电梯意见征询');
  const [full] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#register-export-full').getByRole('button', { name: '说明理由后导出' }).click(),
  ]);
  expect(full.suggestedFilename()).toBe(`register-${estateId}-phones.xlsx`);

  // staff of another subdistrict may not export this estate; the district office sees the export in the log
  const other = await (await browser.newContext()).newPage();
  await signIn(other, '13900000002');
  expect((await other.request.get(`/admin/register/export?estate=${estateId}`)).status()).toBe(403);
  expect((await other.request.get('/admin/register/export?estate=abc')).status()).toBe(400);
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, DISTRICT_ADMIN);
  await admin.goto('/admin/audit');
  await expect(
    admin
      .locator('#audit-log tr[data-action="register.export"]')
      .filter({ has: admin.locator('td', { hasText: new RegExp(`^estate:${estateId}$`) }) })
      .first(),
  ).toContainText('河滨街道工作人员');
  await expect(admin.locator('#audit-log tr[data-action="register.export"]', { hasText: '逐户电话通知加装电梯意见征询' }).first()).toContainText(
    '"unmasked":true',
  );
  expect(
    (
      await other.request.post('/admin/register/export', {
        headers: { origin: new URL(other.url()).origin },
        form: { estate: estateId!, reason: '试图导出别处的名册' },
      })
    ).status(),
  ).toBe(403);
});
