import { defineAction } from 'astro:actions';
import { db } from '../lib/db/index.ts';
import { can } from '../features/policy/can.ts';
import { hit, LIMITS } from '../features/accounts/rate-limit.ts';
import { privateStore } from '../lib/files/private-store.ts';
import { checkUpload, PROOF_TYPES } from '../lib/files/upload-check.ts';
import { projectResource } from '../features/projects/admin-queries.ts';
import { hideRatingCommentInput, openRatingInput, paperRatingInput, rateInput, ratingCommentInput } from '../features/ratings/core/schemas.ts';
import { GOALS, type Scores } from '../features/ratings/core/goals.ts';
import { enterPaperRating, openRating, rateProject } from '../features/ratings/commands/index.ts';
import { hideRatingComment, reportRatingComment, restoreRatingComment } from '../features/ratings/commands/moderation.ts';
import { RATING_REPORT_LIMIT } from '../features/ratings/core/moderation.ts';
import { authorise } from './authorise.ts';
import { forbidden, notFound, signedOut } from './errors.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';

// Ratings (效果共评): the project's office opens a project's rating (freezing its rating roll)
// and enters paper questionnaires with their scans, each audited; any signed-in account may
// ask to rate, and the rating roll decides for which household (its verified owners). The
// rating page and ratings.json are not cached; the project page shows the figures and is:
// each of these invalidates that project's page only (here at once; other instances through
// the tag the database touches, migration 0048). Rating comments are moderated like
// consultation comments: anyone signed in reports one (rate-limited per person), the office
// hides one with a reason or restores it, audited in its command; each drops that project's
// pages only (other instances: the tag migration 0056 touches).

const SCAN_MAX = 5 * 1024 * 1024;
const scoresOf = (input: Record<`g${(typeof GOALS)[number]}`, number>): Scores => Object.fromEntries(GOALS.map((g) => [`g${g}`, input[`g${g}`]])) as Scores;

export const ratingActions = {
  open: defineAction({
    accept: 'form',
    input: openRatingInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const r = await projectResource(database, input.projectId);
      if (!r) throw notFound();
      if (!can(user, 'rating.manage', r)) throw forbidden();
      const res = await openRating(database, user.id, { projectId: r.projectId });
      if (res.ok) pageCache.invalidateProject(r.projectId);
      return res;
    },
  }),

  rate: defineAction({
    accept: 'form',
    input: rateInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'rating.rate', {})) throw forbidden();
      const database = await db();
      if (!(await hit(database, LIMITS.ratingRate, String(user.id)))) return { ok: false as const, error: 'err.rateLimited' as const };
      const res = await rateProject(database, user.id, {
        projectId: input.projectId,
        householdId: input.householdId,
        scores: scoresOf(input),
        comment: input.comment,
      });
      if (res.ok) pageCache.invalidateProject(input.projectId);
      return res;
    },
  }),

  enterPaper: defineAction({
    accept: 'form',
    input: paperRatingInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const r = await projectResource(database, input.projectId);
      if (!r) throw notFound();
      if (!can(user, 'rating.manage', r)) throw forbidden();
      if (input.scan.size === 0) return { ok: false as const, error: 'err.scanRequired' as const, field: 'scan' };
      const checked = await checkUpload(input.scan, PROOF_TYPES, SCAN_MAX);
      if (!checked.ok) return { ok: false as const, error: checked.error, field: 'scan' };
      const stored = await privateStore().put(checked.bytes);
      const res = await enterPaperRating(database, user.id, {
        projectId: r.projectId,
        flat: input.flat,
        scores: scoresOf(input),
        comment: input.comment,
        scanKey: stored.key,
      });
      if (res.ok) pageCache.invalidateProject(r.projectId);
      return res;
    },
  }),

  reportComment: defineAction({
    accept: 'form',
    input: ratingCommentInput,
    handler: async (input, ctx) => {
      const a = await authorise(ctx.locals.user, 'rating.report', (d) => projectResource(d, input.projectId));
      if (!(await hit(a.database, RATING_REPORT_LIMIT, String(a.user.id)))) return { ok: false as const, error: 'err.rateLimited' as const };
      const res = await reportRatingComment(a.database, a.user.id, { ...input, projectId: a.where.projectId });
      if (res.ok) pageCache.invalidateProject(res.projectId);
      return res;
    },
  }),

  hideComment: defineAction({
    accept: 'form',
    input: hideRatingCommentInput,
    handler: async (input, ctx) => {
      const a = await authorise(ctx.locals.user, 'rating.manage', (d) => projectResource(d, input.projectId));
      const res = await hideRatingComment(a.database, a.user.id, { ...input, projectId: a.where.projectId });
      if (res.ok) pageCache.invalidateProject(res.projectId);
      return res;
    },
  }),

  restoreComment: defineAction({
    accept: 'form',
    input: ratingCommentInput,
    handler: async (input, ctx) => {
      const a = await authorise(ctx.locals.user, 'rating.manage', (d) => projectResource(d, input.projectId));
      const res = await restoreRatingComment(a.database, a.user.id, { ...input, projectId: a.where.projectId });
      if (res.ok) pageCache.invalidateProject(res.projectId);
      return res;
    },
  }),
};
