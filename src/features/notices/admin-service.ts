import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { noticePublished } from '../notifications/commands/producers.ts';
import type { NOTICE_KINDS } from './queries.ts';
import type { MessageKey } from '../../i18n/index.ts';

type DB = Kysely<Database>;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
type Result = { ok: true; noticeId: number } | { ok: false; error: MessageKey; field?: string };

// A notice is written as a draft, published (public at once, printable with its QR code)
// and may be withdrawn: the row stays, only published_at goes back to null. Each step
// writes its audit entry in the same transaction. The notices table bumps the disclosure
// version by trigger (migration 0002), so every page cache drops the old lists.

export interface NoticeDraft {
  subdistrictId: number;
  projectId: number | null;
  kind: NoticeKind;
  title: string;
  body: string;
}

export async function createNotice(db: DB, actorUserId: number, draft: NoticeDraft): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('notices')
      .values({ subdistrict_id: draft.subdistrictId, project_id: draft.projectId, kind: draft.kind, title: draft.title, body: draft.body, published_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorUserId,
      action: 'notice.create',
      target: `notice:${row.id}`,
      detail: { subdistrictId: draft.subdistrictId, projectId: draft.projectId, kind: draft.kind, title: draft.title },
    });
    return { ok: true as const, noticeId: row.id };
  });
}

export async function publishNotice(db: DB, actorUserId: number, noticeId: number, now = new Date()): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const n = await trx.selectFrom('notices').select(['id', 'published_at', 'project_id', 'title']).where('id', '=', noticeId).forUpdate().executeTakeFirst();
    if (!n) return { ok: false as const, error: 'err.notFound' };
    if (n.published_at) return { ok: false as const, error: 'err.noticeAlreadyPublished' };
    if (n.project_id !== null) {
      // a notice must not reveal a project that is not public yet
      const p = await trx.selectFrom('projects').select('published_at').where('id', '=', n.project_id).executeTakeFirst();
      if (!p?.published_at) return { ok: false as const, error: 'err.noticeProjectDraft' };
    }
    await trx.updateTable('notices').set({ published_at: now }).where('id', '=', noticeId).execute();
    await appendAudit(trx, { actorUserId, action: 'notice.publish', target: `notice:${noticeId}`, detail: { publishedAt: now.toISOString() } });
    // owners of the project's estates are told (rows only; the job loop sends them)
    await noticePublished(trx, { id: noticeId, title: n.title, projectId: n.project_id }, now);
    return { ok: true as const, noticeId };
  });
}

export async function withdrawNotice(db: DB, actorUserId: number, noticeId: number, reason: string | null = null): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const n = await trx.selectFrom('notices').select(['id', 'published_at']).where('id', '=', noticeId).forUpdate().executeTakeFirst();
    if (!n) return { ok: false as const, error: 'err.notFound' };
    if (!n.published_at) return { ok: false as const, error: 'err.noticeNotPublished' };
    await trx.updateTable('notices').set({ published_at: null }).where('id', '=', noticeId).execute();
    await appendAudit(trx, {
      actorUserId,
      action: 'notice.withdraw',
      target: `notice:${noticeId}`,
      detail: { wasPublishedAt: new Date(n.published_at).toISOString(), reason },
    });
    return { ok: true as const, noticeId };
  });
}
