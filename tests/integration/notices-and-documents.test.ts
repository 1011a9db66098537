import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { listNotices, noticeById } from '../../src/features/notices/queries.ts';
import { createNotice, publishNotice, withdrawNotice } from '../../src/features/notices/admin-service.ts';
import { noticeResource, noticesForOffice } from '../../src/features/notices/admin-queries.ts';
import { addDocument, type StoredDocument } from '../../src/features/projects/documents-service.ts';
import { documentById, projectDisclosure } from '../../src/features/projects/disclosure.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';
import { can, type Actor } from '../../src/features/policy/can.ts';
import { checkUpload, DOCUMENT_TYPES } from '../../src/lib/files/upload-check.ts';
import { zhanhe } from '../support/districts.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

function stored(title: string, bytes: Uint8Array = PNG, kind: StoredDocument['kind'] = 'design_drawing'): StoredDocument {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { kind, title, fileName: 'drawing.png', storageKey: sha256, mime: 'image/png', sizeBytes: bytes.byteLength, sha256 };
}

describe.each(BACKENDS)('notices and documents on %s', (kind) => {
  let open: OpenDatabase;
  let hebin: number;
  let beidu: number;
  let staff: Actor;
  let other: Actor;
  let published: { id: number; code: string };
  let draft: { id: number; code: string };

  const auditOf = (target: string) =>
    open.db.selectFrom('audit_log').select(['action', 'actor_user_id', 'detail']).where('target', '=', target).orderBy('id').execute();
  const version = async () => Number((await open.db.selectFrom('disclosure_version').select('version').executeTakeFirstOrThrow()).version);

  beforeAll(async () => {
    open = await freshDatabase(kind);
    hebin = (
      await open.db
        .insertInto('subdistricts')
        .values({ district_id: await zhanhe(open.db), code: 'hebin', name: '河滨街道', name_en: 'Hebin' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    beidu = (
      await open.db
        .insertInto('subdistricts')
        .values({ district_id: await zhanhe(open.db), code: 'beidu', name: '北渡街道', name_en: 'Beidu' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const staffId = (
      await open.db
        .insertInto('users')
        .values({ phone: '13700000001', password_hash: 'x', display_name: '河滨', role: 'staff', subdistrict_id: hebin })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const otherId = (
      await open.db
        .insertInto('users')
        .values({ phone: '13700000002', password_hash: 'x', display_name: '北渡', role: 'staff', subdistrict_id: beidu })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    staff = { id: staffId, role: 'staff', subdistrictId: hebin, communityId: null };
    other = { id: otherId, role: 'staff', subdistrictId: beidu, communityId: null };
    published = await open.db
      .insertInto('projects')
      .values({ code: 'ZH-T-1', subdistrict_id: hebin, title: '建设小区改造', batch_year: 2020, stage: 3, published_at: new Date() })
      .returning(['id', 'code'])
      .executeTakeFirstOrThrow();
    draft = await open.db
      .insertInto('projects')
      .values({ code: 'ZH-T-2', subdistrict_id: hebin, title: '草稿项目', batch_year: 2021, stage: 1 })
      .returning(['id', 'code'])
      .executeTakeFirstOrThrow();
  });
  afterAll(() => open.close());

  it('keeps a draft notice private, shows it once published and hides it again when withdrawn, with an audit entry for each step', async () => {
    const created = await createNotice(open.db, staff.id, {
      subdistrictId: hebin,
      projectId: published.id,
      kind: 'construction',
      title: '施工公告：建设小区',
      body: '第一行\n第二行',
    });
    if (!created.ok) throw new Error(created.error);
    const id = created.noticeId;
    const ids = async () => (await listNotices(open.db, {})).map((n) => n.id);

    expect(await ids()).not.toContain(id);
    expect(await noticeById(open.db, id)).toBeUndefined();
    expect((await projectDisclosure(open.db, published.code))!.notices.map((n) => n.id)).not.toContain(id);

    const before = await version();
    expect(await publishNotice(open.db, staff.id, id)).toEqual({ ok: true, noticeId: id });
    expect(await version()).toBeGreaterThan(before);
    expect(await ids()).toContain(id);
    expect(await listNotices(open.db, { subdistrict: 'hebin', kind: 'construction', project: published.code })).toHaveLength(1);
    expect((await noticeById(open.db, id))!.body).toBe('第一行\n第二行');
    expect((await projectDisclosure(open.db, published.code))!.notices.map((n) => n.id)).toContain(id);
    expect(await publishNotice(open.db, staff.id, id)).toMatchObject({ ok: false, error: 'err.noticeAlreadyPublished' });

    expect(await withdrawNotice(open.db, staff.id, id, '日期有误')).toEqual({ ok: true, noticeId: id });
    expect(await ids()).not.toContain(id);
    expect(await noticeById(open.db, id)).toBeUndefined();
    expect((await projectDisclosure(open.db, published.code))!.notices.map((n) => n.id)).not.toContain(id);
    const row = await open.db.selectFrom('notices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ title: '施工公告：建设小区', published_at: null });
    expect(await withdrawNotice(open.db, staff.id, id)).toMatchObject({ ok: false, error: 'err.noticeNotPublished' });

    const audit = await auditOf(`notice:${id}`);
    expect(audit.map((a) => a.action)).toEqual(['notice.create', 'notice.publish', 'notice.withdraw']);
    expect(audit.every((a) => a.actor_user_id === staff.id)).toBe(true);
    expect(audit[2]!.detail).toMatchObject({ reason: '日期有误' });
    expect((await verifyAudit(open.db)).ok).toBe(true);
  });

  it('lists the office’s notices with their status and lets only that office act on them', async () => {
    const a = await createNotice(open.db, staff.id, { subdistrictId: hebin, projectId: null, kind: 'publicity', title: '草稿', body: '正文' });
    const b = await createNotice(open.db, staff.id, { subdistrictId: hebin, projectId: null, kind: 'publicity', title: '已发布', body: '正文' });
    const c = await createNotice(open.db, other.id, { subdistrictId: beidu, projectId: null, kind: 'other', title: '北渡的', body: '正文' });
    if (!a.ok || !b.ok || !c.ok) throw new Error('create failed');
    await publishNotice(open.db, staff.id, b.noticeId);
    const mine = await noticesForOffice(open.db, staff);
    const status = Object.fromEntries(mine.map((n) => [n.title, n.status]));
    expect(status).toMatchObject({ 草稿: 'draft', 已发布: 'published', '施工公告：建设小区': 'withdrawn' });
    expect(status['北渡的']).toBeUndefined();

    const res = (await noticeResource(open.db, b.noticeId))!;
    expect(res).toEqual({ noticeId: b.noticeId, subdistrictId: hebin, communityId: null });
    expect(can(staff, 'notice.publish', res)).toBe(true);
    expect(can(other, 'notice.publish', res)).toBe(false);
    expect(can(other, 'notice.withdraw', res)).toBe(false);
    expect(await noticeResource(open.db, 999_999)).toBeNull();
  });

  it('refuses to publish a notice about a project that is not public yet', async () => {
    const n = await createNotice(open.db, staff.id, { subdistrictId: hebin, projectId: draft.id, kind: 'plan', title: '方案公示（草稿项目）', body: '正文' });
    if (!n.ok) throw new Error(n.error);
    expect(await publishNotice(open.db, staff.id, n.noticeId)).toMatchObject({ ok: false, error: 'err.noticeProjectDraft' });
    expect((await listNotices(open.db, {})).map((x) => x.title)).not.toContain('方案公示（草稿项目）');
  });

  it('numbers versions per project, kind and title, and publishes them with the project', async () => {
    const v1 = await addDocument(open.db, staff.id, published.id, stored('总平面图'));
    const v2 = await addDocument(open.db, staff.id, published.id, stored('总平面图', Buffer.concat([PNG, Buffer.from([0])])));
    const otherTitle = await addDocument(open.db, staff.id, published.id, stored('立面图'));
    const otherKind = await addDocument(open.db, staff.id, published.id, stored('总平面图', PNG, 'plan'));
    expect([v1, v2, otherTitle, otherKind].map((r) => r.ok && r.version)).toEqual([1, 2, 1, 1]);
    expect([v1, v2].every((r) => r.ok && r.published)).toBe(true);

    // concurrent uploads of the same title never share a version
    const many = await Promise.all(Array.from({ length: 5 }, () => addDocument(open.db, staff.id, published.id, stored('总平面图'))));
    expect(many.map((r) => (r.ok ? r.version : 0)).sort()).toEqual([3, 4, 5, 6, 7]);

    const disclosure = (await projectDisclosure(open.db, published.code))!;
    const plans = disclosure.documents.filter((d) => d.kind === 'design_drawing' && d.title === '总平面图');
    expect(plans.map((d) => d.version).sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(plans.find((d) => d.version === 1)!.sha256).toBe(createHash('sha256').update(PNG).digest('hex'));
    // a new document on a published project is part of its public history
    const history = await open.db
      .selectFrom('disclosure_history')
      .select(['entity', 'field'])
      .where('project_id', '=', published.id)
      .where('entity', '=', 'document')
      .execute();
    expect(history.length).toBeGreaterThanOrEqual(4);

    const audit = await auditOf(`document:${v2.ok && v2.documentId}`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'document.upload', actor_user_id: staff.id, detail: { version: 2, title: '总平面图', published: true } });
    expect((await verifyAudit(open.db)).ok).toBe(true);
  });

  it('keeps a draft project’s document out of every public view: the disclosure shows only documents with published_at set', async () => {
    const doc = await addDocument(open.db, staff.id, draft.id, stored('设计方案'));
    if (!doc.ok) throw new Error(doc.error);
    expect(doc).toMatchObject({ version: 1, published: false });
    expect(await projectDisclosure(open.db, draft.code)).toBeNull();
    expect(await documentById(open.db, doc.documentId)).toBeUndefined();
    // publishing the project is what publishes its documents (publishProject); a bare flag change shows none
    await open.db.updateTable('projects').set({ published_at: new Date() }).where('id', '=', draft.id).execute();
    expect((await projectDisclosure(open.db, draft.code))!.documents).toEqual([]);
    expect(await documentById(open.db, doc.documentId)).toBeUndefined();
    await open.db.updateTable('projects').set({ published_at: null }).where('id', '=', draft.id).execute();
  });

  it('accepts PDF and images by their bytes and refuses SVG, HTML and disguised files', async () => {
    const file = (bytes: Uint8Array | string, name: string, type: string) =>
      new File([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], name, { type });
    const max = 10 * 1024 * 1024;
    expect(await checkUpload(file(PNG, 'a.png', 'image/png'), DOCUMENT_TYPES, max)).toMatchObject({ ok: true, mime: 'image/png' });
    expect(
      await checkUpload(file('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'a.pdf', 'application/pdf'), DOCUMENT_TYPES, max),
    ).toMatchObject({ ok: true, mime: 'application/pdf' });
    expect(await checkUpload(file('<svg xmlns="http://www.w3.org/2000/svg"/>', 'a.svg', 'image/svg+xml'), DOCUMENT_TYPES, max)).toMatchObject({ ok: false });
    expect(await checkUpload(file('<!doctype html><script>alert(1)</script>', 'a.pdf', 'application/pdf'), DOCUMENT_TYPES, max)).toMatchObject({ ok: false });
    expect(
      await checkUpload(file(Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), 'setup.pdf', 'application/pdf'), DOCUMENT_TYPES, max),
    ).toMatchObject({ ok: false });
    expect(await checkUpload(file(new Uint8Array(max + 1), 'big.pdf', 'application/pdf'), DOCUMENT_TYPES, max)).toMatchObject({ ok: false });
  });
});
