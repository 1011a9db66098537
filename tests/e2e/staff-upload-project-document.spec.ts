import { createHash } from 'node:crypto';
import { expectAxeClean } from './support/axe.ts';
import { test, expect } from './support/fixtures.ts';
import { HEBIN_STAFF, signIn } from './support/accounts.ts';

// A 1×1 PNG; the second version differs by bytes after the image end, which PNG readers ignore.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const PNG_V2 = Buffer.concat([PNG, Buffer.from('version 2')]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
const FAKE_PDF = Buffer.from('这不是 PDF，只是改了扩展名的文本。\n');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('staff upload a design drawing, the public page shows each version with its sha256, and files that are not PDF or images are refused', async ({
  page,
  browser,
}) => {
  const title = `总平面布置图 ${Date.now()}`;
  await signIn(page, HEBIN_STAFF);
  await page.goto('/admin/projects');
  await page.locator('#office-projects li', { hasText: '已公开' }).first().getByRole('link').click();
  const code = decodeURIComponent(page.url().split('/').pop()!);

  const form = page.locator('#document-form');
  const upload = async (file: { name: string; mimeType: string; buffer: Buffer }) => {
    await form.getByLabel('文件类型').selectOption('design_drawing');
    await form.getByLabel('文件标题').fill(title);
    await form.getByLabel(/^文件（PDF、PNG、JPEG 或 WebP，最大 10 MB）$/).setInputFiles(file);
    await form.getByRole('button', { name: '上传' }).click();
  };

  await upload({ name: '总平面布置图.png', mimeType: 'image/png', buffer: PNG });
  await expect(page.getByRole('status')).toHaveText('已上传第 1 版，公开页面已显示。');
  await upload({ name: '总平面布置图-修订.png', mimeType: 'image/png', buffer: PNG_V2 });
  await expect(page.getByRole('status')).toHaveText('已上传第 2 版，公开页面已显示。');

  // refused by their bytes, whatever their name or claimed type; the error sits next to the field
  await upload({ name: 'drawing.svg', mimeType: 'image/svg+xml', buffer: SVG });
  await expect(page.locator('#doc-file-err')).toHaveText('只接受 PDF、PNG、JPEG 或 WebP 文件（按文件内容识别，不看扩展名）');
  await expect(form.getByLabel(/^文件（PDF/)).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert')).toHaveText('只接受 PDF、PNG、JPEG 或 WebP 文件（按文件内容识别，不看扩展名）');
  await upload({ name: '图纸.pdf', mimeType: 'application/pdf', buffer: FAKE_PDF });
  await expect(page.locator('#doc-file-err')).toHaveText('只接受 PDF、PNG、JPEG 或 WebP 文件（按文件内容识别，不看扩展名）');
  await expect(page.locator('#office-documents li', { hasText: title })).toHaveCount(2);
  await expectAxeClean(page, 'the documents section', { include: '#documents-admin' });

  // over the 10 MB cap, and over the server's 11 MB body limit: the same clear message
  const projectId = await form.locator('input[name=projectId]').inputValue();
  for (const size of [10 * 1024 * 1024 + 1, 12 * 1024 * 1024]) {
    const big = Buffer.concat([PNG, Buffer.alloc(size - PNG.length)]);
    const res = await page.request.post(`${new URL(page.url()).pathname}?_action=documents.upload`, {
      headers: { origin: new URL(page.url()).origin },
      multipart: { projectId, kind: 'design_drawing', title, file: { name: 'big.png', mimeType: 'image/png', buffer: big } },
    });
    expect(await res.text()).toMatch(/id="doc-file-err"[^>]*>文件超过 10 MB</);
  }
  await page.reload();
  await expect(page.locator('#office-documents li', { hasText: title })).toHaveCount(2);

  const visitor = await browser.newPage();
  await visitor.goto(`/projects/${encodeURIComponent(code)}`);
  const docs = visitor.locator('section#documents ul.docs li', { hasText: title });
  await expect(docs).toHaveCount(2);
  for (const [version, bytes] of [
    [1, PNG],
    [2, PNG_V2],
  ] as const) {
    const doc = docs.filter({ hasText: new RegExp(`版本 ${version} ·`) });
    await expect(doc).toHaveCount(1);
    await expect(doc).toContainText('设计图纸');
    await expect(doc.locator('code.hash')).toHaveText(sha256(bytes));
    const href = await doc.getByRole('link', { name: '下载' }).getAttribute('href');
    const file = await visitor.request.get(href!);
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toBe('image/png');
    expect(sha256(await file.body())).toBe(sha256(bytes));
  }
  await expect(visitor.locator('section#documents')).not.toContainText('drawing.svg');
});
