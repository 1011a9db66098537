import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { db } from '../lib/db/index.ts';
import { publicStore } from '../lib/files/private-store.ts';
import { checkUpload, DOCUMENT_TYPES } from '../lib/files/upload-check.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import { can } from '../features/policy/can.ts';
import { projectResource } from '../features/projects/admin-queries.ts';
import { DOCUMENT_KINDS } from '../features/projects/documents.ts';
import { addDocument } from '../features/projects/documents-service.ts';
import { zId } from '../lib/input.ts';
import { forbidden, notFound, signedOut } from './errors.ts';

/** 10 MB: the server refuses action bodies over 11 MB (astro.config.mjs), form fields included. */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

// checkUpload's messages are worded for proofs (5 MB); documents have their own.
const DOCUMENT_ERRORS: Record<string, string> = { 'err.fileTooLargeProof': 'err.fileTooLarge', 'err.proofType': 'err.documentType' };

export const documentActions = {
  upload: defineAction({
    accept: 'form',
    input: z.object({
      projectId: zId(),
      kind: z.enum(DOCUMENT_KINDS, { message: 'err.documentKind' }),
      title: z.string().trim().min(1, 'err.required').max(200, 'err.tooLong'),
      file: z.instanceof(File, { message: 'err.fileRequired' }),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const project = await projectResource(database, input.projectId);
      if (!project) throw notFound();
      if (!can(user, 'document.upload', project)) throw forbidden();
      if (!input.file.name && input.file.size === 0) return { ok: false as const, error: 'err.fileRequired', field: 'file' };
      const checked = await checkUpload(input.file, DOCUMENT_TYPES, DOCUMENT_MAX_BYTES);
      if (!checked.ok) return { ok: false as const, error: DOCUMENT_ERRORS[checked.error] ?? checked.error, field: 'file' };
      const stored = await publicStore().put(checked.bytes);
      const res = await addDocument(database, user.id, project.projectId, {
        kind: input.kind,
        title: input.title,
        fileName: checked.safeName,
        storageKey: stored.key,
        mime: checked.mime,
        sizeBytes: stored.size,
        sha256: stored.sha256,
      });
      if (res.ok && res.published) pageCache.invalidate();
      return res;
    },
  }),
};
