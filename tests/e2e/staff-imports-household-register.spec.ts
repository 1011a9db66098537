import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { test, expect } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';
import { fixture } from '../support/fixtures.ts';

const FIXTURE = fixture('register-sample.csv');
const TRAPS = [74, 75, 76, 77, 78, 79, 80, 81, 82, 83];

test('staff import the sample register: every trap reported with its line, nothing written until confirmed', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/register');
  await page.getByLabel('小区', { exact: true }).selectOption({ index: 1 });
  await page.getByLabel('名册文件（最大 10 MB）').setInputFiles(FIXTURE);
  await page.getByRole('button', { name: '上传并检查' }).click();
  await expect(page).toHaveURL(/\/admin\/register\/\d+$/);
  await expect(page.locator('#good-flats')).toHaveText('72');
  await expect(page.locator('#bad-lines')).toHaveText('10');
  const lines = await page.locator('#faults tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-line'))));
  expect([...new Set(lines)].sort((a, b) => a - b)).toEqual(TRAPS);
  await expect(page.locator('#faults tr[data-line="78"]')).toContainText('第 ');
  // the flat count is compared with the households the estate declares, before confirming
  await expect(page.locator('#import-households')).toContainText('文件中有 72 套房屋');
  // each fault names its column with the file's own header (身份证号), never an internal key (id_numbers)
  const header = readFileSync(FIXTURE, 'utf8').split(/\r?\n/)[0]!.split(',');
  const named = await page.locator('#faults tbody td:nth-child(2)').allInnerTexts();
  expect(named).toContain('身份证号');
  for (const text of named) expect([...header, '—']).toContain(text.trim());
  await page.getByRole('button', { name: '确认导入 72 户' }).click();
  await expect(page.getByRole('status')).toHaveText('已导入名册。');
  await expect(page.getByRole('button', { name: /确认导入/ })).toHaveCount(0);
});

test('staff import their own XLSX with English headers', async ({ page }) => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('register');
  ws.addRow(['building', 'entrance', 'floor', 'room', 'area_m2', 'owner_names', 'id_numbers', 'phone', 'developer_held']);
  ws.addRow(['9', '1', 1, '101', 88.5, '赵敏', '11010519491231002X', '13812345678', 'no']);
  ws.addRow(['9', '1', 1, '102', '70.25', '', '', '', 'yes']);
  ws.addRow(['9', '1', 2, '201', '70.123', '钱多', '110105194912310021', '', 'no']);
  const file = Buffer.from(await wb.xlsx.writeBuffer());
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/register');
  await page.getByLabel('小区', { exact: true }).selectOption({ index: 2 });
  await page
    .getByLabel('名册文件（最大 10 MB）')
    .setInputFiles({ name: 'register.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
  await page.getByRole('button', { name: '上传并检查' }).click();
  await expect(page.locator('#good-flats')).toHaveText('2');
  const faults = await page
    .locator('#faults tbody tr')
    .evaluateAll((rows) => rows.map((r) => [Number(r.getAttribute('data-line')), r.getAttribute('data-code')]));
  expect(faults.map(([line]) => line)).toEqual([4, 4]); // three decimals and a wrong check digit, both on line 4
});

test('a file that is not a spreadsheet behind a spreadsheet name is refused with a clear message', async ({ page }) => {
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/register');
  await page.getByLabel('名册文件（最大 10 MB）').setInputFiles({
    name: 'register.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: Buffer.from('%PDF-1.4 not a workbook'),
  });
  await page.getByRole('button', { name: '上传并检查' }).click();
  await expect(page.locator('#f-file-err')).toHaveText('只接受 CSV 或 XLSX 文件');
});

test('a resident cannot reach the register import', async ({ page }) => {
  await signIn(page, '13900000101');
  const res = await page.goto('/admin/register');
  expect(res!.status()).toBe(403);
});

test('a register of thousands of flats uploads with a progress bar and is checked in seconds', async ({ page }) => {
  const lines = ['楼栋,单元,楼层,房号,专有面积,业主姓名,身份证号,电话,开发商持有'];
  for (let i = 0; i < 6000; i++) lines.push(`${1 + Math.floor(i / 120)},${1 + (i % 4)},${1 + (i % 6)},${1000 + i},${60 + (i % 40)}.50,,,,是`);
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/register');
  await page.getByLabel('小区', { exact: true }).selectOption({ index: 2 });
  await page.getByLabel('名册文件（最大 10 MB）').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
  await page.getByRole('button', { name: '上传并检查' }).click();
  await expect(page.locator('.upload-progress')).toBeVisible();
  await expect(page.locator('#good-flats')).toHaveText('6000', { timeout: 30_000 });
  await page.getByRole('button', { name: '确认导入 6000 户' }).click();
  await expect(page.getByRole('status')).toHaveText('已导入名册。', { timeout: 30_000 });
});
