import { defineAction } from 'astro:actions';
import { db } from '../lib/db/index.ts';
import { config } from '../lib/config.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import { can } from '../features/policy/can.ts';
import { hit } from '../features/accounts/rate-limit.ts';
import { projectResource } from '../features/projects/admin-queries.ts';
import {
  closeInput,
  commentIdInput,
  commentInput,
  consultationIdInput,
  disposeInput,
  editInput,
  hideInput,
  openInput,
  paperInput,
  reviewInput,
} from '../features/consultations/core/schemas.ts';
import { COMMENT_LIMIT, REPORT_LIMIT } from '../features/consultations/core/rules.ts';
import {
  closeConsultation,
  deleteComment,
  disposeOpinion,
  editComment,
  enterPaperOpinion,
  hideComment,
  openConsultation,
  postComment,
  publishReport,
  reportComment,
  reviewComment,
} from '../features/consultations/commands/index.ts';
import { commentResource, consultationResource, opinionResource } from '../features/consultations/queries/index.ts';
import type { SessionUser } from '../features/accounts/session.ts';
import type { Resource } from '../features/policy/can.ts';
import { authorise } from './authorise.ts';

// Consultations (意见征集). Any signed-in account comments, replies, edits or deletes its
// own and reports (rate-limited per person; the author is the session's, never a form
// field); staff of the project's office open, enter paper opinions, hide and review,
// close, dispose and publish the report, each audited in its command. A comment changes
// the public project and consultation pages: each write drops this instance's page cache.
// Before its command, each action refuses with the HTTP status (./errors.ts): 401 signed
// out, 404 no such consultation, comment or opinion, 403 without the right.

const rateLimited = { ok: false as const, error: 'err.rateLimited' };

/** The caller, once signed in and the record named by the form exists and the caller may act on it as `verb` (one's own act: judged on oneself). */
const authorised = <R extends Resource>(
  user: SessionUser | null,
  verb: 'consultation.manage' | 'consultation.comment',
  find: (database: Awaited<ReturnType<typeof db>>) => Promise<R | null>,
) => authorise(user, verb, find, verb === 'consultation.comment' ? (_, u) => ({ userId: u.id }) : undefined);

/** Opening, closing and publishing change lists and notices: every cached page goes. */
function invalidating<T extends { ok: boolean }>(res: T): T {
  if (res.ok) pageCache.invalidate();
  return res;
}

/** A comment shows on its own project's pages only (other instances: trigger of migration 0037). */
function invalidatingProject<T extends { ok: true; projectId: number } | { ok: false }>(res: T): T {
  if (res.ok) pageCache.invalidateProject(res.projectId);
  return res;
}

export const consultationActions = {
  open: defineAction({
    accept: 'form',
    input: openInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'consultation.manage', (d) => projectResource(d, input.projectId));
      return invalidating(await openConsultation(a.database, a.user.id, { ...input, projectId: a.where.projectId }, new Date(), config().workCalendar));
    },
  }),

  comment: defineAction({
    accept: 'form',
    input: commentInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'consultation.comment', (d) => consultationResource(d, input.consultationId));
      if (!(await hit(a.database, COMMENT_LIMIT, String(a.user.id)))) return rateLimited;
      // the staff badge belongs to the project's own office; anyone else writes as a resident
      const asStaff = can(a.user, 'consultation.manage', a.where);
      return invalidatingProject(await postComment(a.database, { id: a.user.id, role: asStaff ? a.user.role : 'resident' }, input));
    },
  }),

  edit: defineAction({
    accept: 'form',
    input: editInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'consultation.comment', (d) => commentResource(d, input.commentId));
      if (!(await hit(a.database, COMMENT_LIMIT, String(a.user.id)))) return rateLimited;
      return invalidatingProject(await editComment(a.database, a.user.id, input));
    },
  }),

  delete: defineAction({
    accept: 'form',
    input: commentIdInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'consultation.comment', (d) => commentResource(d, input.commentId));
      return invalidatingProject(await deleteComment(a.database, a.user.id, input));
    },
  }),

  report: defineAction({
    accept: 'form',
    input: commentIdInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'consultation.comment', (d) => commentResource(d, input.commentId));
      if (!(await hit(a.database, REPORT_LIMIT, String(a.user.id)))) return rateLimited;
      return invalidatingProject(await reportComment(a.database, a.user.id, input));
    },
  }),

  enterPaper: defineAction({
    accept: 'form',
    input: paperInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'consultation.manage', (d) => consultationResource(d, input.consultationId));
      return invalidatingProject(await enterPaperOpinion(a.database, a.user.id, input));
    },
  }),

  hide: defineAction({
    accept: 'form',
    input: hideInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'consultation.manage', (d) => commentResource(d, input.commentId));
      return invalidatingProject(await hideComment(a.database, a.user.id, input));
    },
  }),

  review: defineAction({
    accept: 'form',
    input: reviewInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'consultation.manage', (d) => commentResource(d, input.commentId));
      return invalidatingProject(await reviewComment(a.database, a.user.id, input));
    },
  }),

  close: defineAction({
    accept: 'form',
    input: closeInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'consultation.manage', (d) => consultationResource(d, input.consultationId));
      return invalidating(await closeConsultation(a.database, a.user.id, input));
    },
  }),

  dispose: defineAction({
    accept: 'form',
    input: disposeInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'consultation.manage', (d) => opinionResource(d, input.opinionId));
      return disposeOpinion(a.database, a.user.id, input);
    },
  }),

  publish: defineAction({
    accept: 'form',
    input: consultationIdInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'consultation.manage', (d) => consultationResource(d, input.consultationId));
      return invalidating(await publishReport(a.database, a.user.id, input));
    },
  }),
};
