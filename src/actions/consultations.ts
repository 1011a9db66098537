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

// Consultations (意见征集). Any signed-in account comments, replies, edits or deletes its
// own and reports (rate-limited per person; the author is the session's, never a form
// field); staff of the project's office open, enter paper opinions, hide and review,
// close, dispose and publish the report, each audited in its command. A comment changes
// the public project and consultation pages: each write drops this instance's page cache.

const forbidden = { ok: false as const, error: 'err.forbidden' };
const signInFirst = { ok: false as const, error: 'err.signInFirst' };
const rateLimited = { ok: false as const, error: 'err.rateLimited' };

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
      const user = ctx.locals.user;
      if (!user) return forbidden;
      const database = await db();
      const project = await projectResource(database, input.projectId);
      if (!project || !can(user, 'consultation.manage', project)) return forbidden;
      return invalidating(await openConsultation(database, user.id, { ...input, projectId: project.projectId }, new Date(), config().workCalendar));
    },
  }),

  comment: defineAction({
    accept: 'form',
    input: commentInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user || !can(user, 'consultation.comment', { userId: user.id })) return signInFirst;
      const database = await db();
      if (!(await hit(database, COMMENT_LIMIT, String(user.id)))) return rateLimited;
      const where = await consultationResource(database, input.consultationId);
      if (!where) return { ok: false as const, error: 'err.notFound' };
      // the staff badge belongs to the project's own office; anyone else writes as a resident
      const asStaff = can(user, 'consultation.manage', where);
      return invalidatingProject(await postComment(database, { id: user.id, role: asStaff ? user.role : 'resident' }, input));
    },
  }),

  edit: defineAction({
    accept: 'form',
    input: editInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user || !can(user, 'consultation.comment', { userId: user.id })) return signInFirst;
      const database = await db();
      if (!(await hit(database, COMMENT_LIMIT, String(user.id)))) return rateLimited;
      return invalidatingProject(await editComment(database, user.id, input));
    },
  }),

  delete: defineAction({
    accept: 'form',
    input: commentIdInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user || !can(user, 'consultation.comment', { userId: user.id })) return signInFirst;
      return invalidatingProject(await deleteComment(await db(), user.id, input));
    },
  }),

  report: defineAction({
    accept: 'form',
    input: commentIdInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user || !can(user, 'consultation.comment', { userId: user.id })) return signInFirst;
      const database = await db();
      if (!(await hit(database, REPORT_LIMIT, String(user.id)))) return rateLimited;
      return invalidatingProject(await reportComment(database, user.id, input));
    },
  }),

  enterPaper: defineAction({
    accept: 'form',
    input: paperInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const where = await consultationResource(database, input.consultationId);
      if (!user || !where || !can(user, 'consultation.manage', where)) return forbidden;
      return invalidatingProject(await enterPaperOpinion(database, user.id, input));
    },
  }),

  hide: defineAction({
    accept: 'form',
    input: hideInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const where = await commentResource(database, input.commentId);
      if (!user || !where || !can(user, 'consultation.manage', where)) return forbidden;
      return invalidatingProject(await hideComment(database, user.id, input));
    },
  }),

  review: defineAction({
    accept: 'form',
    input: reviewInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const where = await commentResource(database, input.commentId);
      if (!user || !where || !can(user, 'consultation.manage', where)) return forbidden;
      return invalidatingProject(await reviewComment(database, user.id, input));
    },
  }),

  close: defineAction({
    accept: 'form',
    input: closeInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const where = await consultationResource(database, input.consultationId);
      if (!user || !where || !can(user, 'consultation.manage', where)) return forbidden;
      return invalidating(await closeConsultation(database, user.id, input));
    },
  }),

  dispose: defineAction({
    accept: 'form',
    input: disposeInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const where = await opinionResource(database, input.opinionId);
      if (!user || !where || !can(user, 'consultation.manage', where)) return forbidden;
      return disposeOpinion(database, user.id, input);
    },
  }),

  publish: defineAction({
    accept: 'form',
    input: consultationIdInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const where = await consultationResource(database, input.consultationId);
      if (!user || !where || !can(user, 'consultation.manage', where)) return forbidden;
      return invalidating(await publishReport(database, user.id, input));
    },
  }),
};
