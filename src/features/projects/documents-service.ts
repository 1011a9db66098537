import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import type { DocumentKind } from './documents.ts';
import type { MessageKey } from '../../i18n/index.ts';

type DB = Kysely<Database>;

/** A file already checked by its bytes and put in the public store. */
export interface StoredDocument {
  kind: DocumentKind;
  title: string;
  fileName: string;
  storageKey: string;
  mime: string;
  sizeBytes: number;
  sha256: string;
}

export type UploadResult = { ok: true; documentId: number; version: number; published: boolean } | { ok: false; error: MessageKey; field?: string };

/**
 * Records an uploaded document. A document with the same project, kind and title is a
 * new version (the earlier ones stay public: history, not overwrite). It is public at
 * once when the project is; a draft project's documents stay private until publishing the
 * project (publishProject in admin-service.ts) publishes them with it.
 */
export async function addDocument(db: DB, actorUserId: number, projectId: number, doc: StoredDocument): Promise<UploadResult> {
  return db.transaction().execute(async (trx) => {
    // the project row lock serialises concurrent uploads, so two never get the same version
    const project = await trx.selectFrom('projects').select(['id', 'published_at']).where('id', '=', projectId).forUpdate().executeTakeFirst();
    if (!project) return { ok: false as const, error: 'err.notFound' };
    const last = await trx
      .selectFrom('documents')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('project_id', '=', projectId)
      .where('kind', '=', doc.kind)
      .where('title', '=', doc.title)
      .executeTakeFirst();
    const version = Number(last?.version ?? 0) + 1;
    const publishedAt = project.published_at ? new Date() : null;
    const row = await trx
      .insertInto('documents')
      .values({
        project_id: projectId,
        kind: doc.kind,
        title: doc.title,
        file_name: doc.fileName,
        storage_key: doc.storageKey,
        mime: doc.mime,
        size_bytes: doc.sizeBytes,
        sha256: doc.sha256,
        version,
        published_at: publishedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (publishedAt) await trx.updateTable('projects').set({ updated_at: publishedAt }).where('id', '=', projectId).execute();
    await appendAudit(trx, {
      actorUserId,
      action: 'document.upload',
      target: `document:${row.id}`,
      detail: {
        projectId,
        kind: doc.kind,
        title: doc.title,
        version,
        sha256: doc.sha256,
        sizeBytes: doc.sizeBytes,
        mime: doc.mime,
        published: publishedAt !== null,
      },
    });
    return { ok: true as const, documentId: row.id, version, published: publishedAt !== null };
  });
}

/** Every document of a project, drafts included, for its office. */
export function documentsForOffice(db: DB, projectId: number) {
  return db
    .selectFrom('documents')
    .select(['id', 'kind', 'title', 'file_name', 'mime', 'size_bytes', 'sha256', 'version', 'published_at'])
    .where('project_id', '=', projectId)
    .orderBy('kind')
    .orderBy('title')
    .orderBy('version', 'desc')
    .execute();
}
