import { test, expect } from './support/fixtures.ts';
import { HEBIN_STAFF, latestCode, signIn } from './support/accounts.ts';

// A 1×1 PNG as the "property certificate" photo; and an SVG, which must be refused.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');

test('a resident signs up, claims a flat with a proof, staff approve, and the resident is a verified owner', async ({ browser }) => {
  const resident = await browser.newPage();
  const phone = `136${String(Date.now()).slice(-8)}`;
  await resident.goto('/account/signup');
  await resident.getByLabel('手机号').fill(phone);
  await resident.getByLabel('姓名或称呼').fill('周建国');
  await resident.getByLabel('新密码（至少 8 位）').fill('三楼东户的老周家');
  await resident.getByRole('button', { name: '获取验证码' }).click();
  const verifyUrl = resident.url();
  const code = await latestCode(phone);
  await resident.goto(verifyUrl);
  await resident.getByLabel('短信验证码').fill(code);
  await resident.getByRole('button', { name: '完成注册' }).click();
  await expect(resident).toHaveURL(/\/account$/);

  await resident.getByRole('link', { name: '认证我的房屋' }).click();
  // the demo register (2-2-601 among its flats) is the first estate's (db/seed/demo-accounts.ts); the
  // list is by name and other estates have registers too (the demo ratings')
  await resident.locator('#f-estateId').selectOption('1');
  await resident.getByLabel('楼栋').fill('2');
  await resident.getByLabel('单元').fill('2');
  await resident.getByLabel('房号').fill('601');
  await resident.getByLabel('业主姓名').fill('周建国');
  await resident.getByLabel('证件号码').fill('11010519491231002X');
  // before anything is collected: what is kept, why, how long, who sees it; consent to each sensitive item apart
  await expect(resident.locator('#privacy-claim')).toContainText('只保存密钥哈希和末四位');
  await expect(resident.locator('#privacy-claim')).toContainText('180天后删除');
  await resident.getByRole('button', { name: '提交认证' }).click();
  await expect(resident.locator('#f-consentIdNumber-err')).toHaveText('请先同意处理您的证件号码');
  await resident.getByLabel(/我同意为核对业主名册处理上面填写的证件信息/).check();
  await resident.getByLabel('证件号码').fill('11010519491231002X');
  await resident.getByRole('button', { name: '提交认证' }).click();
  await expect(resident.getByRole('alert')).toContainText('请上传证明材料');
  await resident.getByLabel(/证明材料（图片/).setInputFiles({ name: 'cert.png', mimeType: 'image/png', buffer: PNG });
  await resident.getByLabel('证件号码').fill('11010519491231002X');
  await resident.getByRole('button', { name: '提交认证' }).click();
  await expect(resident.locator('#f-consentProof-err')).toHaveText('上传证明材料前请先同意工作人员查看');
  await resident.getByLabel(/我同意街道工作人员为审核认证查看我上传的材料/).check();
  await resident.getByLabel(/证明材料（图片/).setInputFiles({ name: 'cert.png', mimeType: 'image/png', buffer: SVG });
  await resident.getByLabel('证件号码').fill('11010519491231002X');
  await resident.getByRole('button', { name: '提交认证' }).click();
  await expect(resident.locator('#f-proof-err')).toHaveText('只接受 PNG、JPEG、WebP 图片或 PDF 文件');
  await resident.getByLabel(/证明材料（图片/).setInputFiles({ name: '../../etc/passwd.png', mimeType: 'image/png', buffer: PNG });
  await resident.getByLabel('证件号码').fill('11010519491231002X');
  await resident.getByRole('button', { name: '提交认证' }).click();
  await expect(resident.getByRole('status')).toHaveText('已提交，等待社区工作人员审核。');
  await expect(resident.locator('#my-claims li[data-status=pending]')).toContainText('2-2-601');

  const staff = await browser.newPage();
  await signIn(staff, HEBIN_STAFF);
  await staff.goto('/admin/verifications');
  const claim = staff.locator('#office-claims li[data-status=pending]', { hasText: '2-2-601' });
  await expect(claim).toContainText('周建国');
  await expect(claim).toContainText('尾号 002X');
  const proof = await staff.request.get((await claim.getByRole('link', { name: '查看证明材料' }).getAttribute('href'))!);
  expect(proof.status()).toBe(200);
  expect(proof.headers()['content-type']).toBe('image/png');
  // the resident cannot read proofs, not even their own
  expect((await resident.request.get((await claim.getByRole('link', { name: '查看证明材料' }).getAttribute('href'))!)).status()).toBe(403);
  const claimId = await claim.getAttribute('data-claim');

  // staff of another subdistrict neither see the claim nor can decide it with a forged form
  const other = await browser.newPage();
  await signIn(other, '13900000002'); // 北渡
  await other.goto('/admin/verifications');
  await expect(other.locator(`#office-claims li[data-claim="${claimId}"]`)).toHaveCount(0);
  const forged = await other.request.post('/admin/verifications?_action=verification.decide', {
    headers: { origin: new URL(other.url()).origin },
    form: { verificationId: claimId!, decision: 'approve', ground: 'occupation' },
  });
  expect(await forged.text()).toContain('您没有权限进行此操作');

  await claim.getByRole('button', { name: '通过', exact: true }).click();
  await expect(staff.getByRole('alert')).toHaveText('请选择通过依据');
  // the uploaded proof alone does not put someone on the register: a ground names why
  await expect(staff.locator('#office-claims li[data-status=pending]', { hasText: '2-2-601' }).getByLabel('通过依据').locator('option')).toHaveText([
    '—',
    '已在办公室查验不动产权证书',
    '名册有误，已更正',
    '继承（补录进名册）',
    '法院判决（补录进名册）',
    '购房已合法占有（补录进名册）',
  ]);
  await staff.locator('#office-claims li[data-status=pending]', { hasText: '2-2-601' }).getByLabel('通过依据').selectOption('occupation');
  await staff.locator('#office-claims li[data-status=pending]', { hasText: '2-2-601' }).getByRole('button', { name: '通过', exact: true }).click();
  await expect(staff.getByRole('status')).toHaveText('已保存。');

  await resident.goto('/account');
  await expect(resident.locator('#my-claims li[data-status=verified]')).toContainText('已认证业主');
  await expect(resident.locator('#account-role')).toHaveText('业主（已认证）');
});
