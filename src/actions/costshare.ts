import { defineAction } from 'astro:actions';
import { db } from '../lib/db/index.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import type { Resource } from '../features/policy/can.ts';
import { hit } from '../features/accounts/rate-limit.ts';
import type { SessionUser } from '../features/accounts/session.ts';
import { projectResource } from '../features/projects/admin-queries.ts';
import {
  answerInput,
  correctInput,
  createInput,
  editInput,
  objectInput,
  paperObjectionInput,
  paperPledgeInput,
  paymentInput,
  pledgeInput,
  postInput,
  refundInput,
  schemeIdInput,
  withdrawPledgeInput,
  withdrawSchemeInput,
} from '../features/costshare/core/schemas.ts';
import {
  answerObjection,
  correctScheme,
  createScheme,
  editDraft,
  enterPaperObjection,
  objectToScheme,
  openPledging,
  pledge,
  recordRefund,
  withdrawPledge,
  withdrawScheme,
  type Refusal,
} from '../features/costshare/commands/index.ts';
import { enterPaperPledge, enterPayment, postWithBoard } from '../features/costshare/commands/scans.ts';
import { objectionResource, paymentResource, pledgeResource, schemeResource } from '../features/costshare/queries/index.ts';
import { describeSplitError } from '../features/costshare/messages.ts';
import { PLEDGE_LIMIT } from '../features/costshare/core/rules.ts';
import type { Lang } from '../i18n/index.ts';
import { authorise } from './authorise.ts';

// Cost-share schemes (居民合理分摊). Staff of the project's office create, edit, post (with the
// day and a photo when it went up on the estate's board earlier), enter objections received on
// paper or in person, answer objections, open pledges, correct, withdraw, and record paper pledges, payments and
// refunds, each audited by its command. A signed-in person objects, pledges and withdraws
// for themself only (the user is the session's, never a form field); the command checks
// that they are a verified owner of a flat of that household. Before its command, each
// action refuses with the HTTP status (./errors.ts): 401 signed out, 404 no such project,
// scheme, objection, pledge or payment, 403 without the right.
// What changes shows on its own project's pages only (the state of a scheme, and, with a
// payment or a refund, the money received on the budget and in the CSV and OC4IDS feeds):
// the database touches that project's page-cache tag for every instance (migration 0038)
// and the action drops it here at once. The scheme page itself is never cached.

const rateLimited = { ok: false as const, error: 'err.rateLimited' };

/** A refusal of the split module carries its own words: handed to the page as a parameter. */
function worded<T>(res: T | Refusal, lang: Lang): T | (Refusal & { params?: Record<string, string> }) {
  const r = res as Refusal;
  if (r && r.ok === false && r.split) return { ok: false, error: r.error, field: r.field, params: { detail: describeSplitError(r.split, lang) } };
  return res;
}

/** The caller, once signed in and the record named by the form exists and the caller may act on it as `verb` (one's own act: judged on oneself). */
const authorised = <R extends Resource>(
  user: SessionUser | null,
  verb: 'scheme.manage' | 'scheme.pledge',
  find: (database: Awaited<ReturnType<typeof db>>) => Promise<R | null>,
) => authorise(user, verb, find, verb === 'scheme.pledge' ? (_, u) => ({ userId: u.id }) : undefined);

const office = (user: SessionUser | null, schemeId: number) => authorised(user, 'scheme.manage', (d) => schemeResource(d, schemeId));
/** An owner's own act on a scheme, rate-limited per person. */
async function owner<R extends Resource>(user: SessionUser | null, find: (database: Awaited<ReturnType<typeof db>>) => Promise<R | null>) {
  const a = await authorised(user, 'scheme.pledge', find);
  return { ...a, limited: !(await hit(a.database, PLEDGE_LIMIT, String(a.user.id))) };
}

/** After a change to one project's pages (and, with `funds`, to the money feeds): this instance drops them at once. */
const touching =
  (projectId: number, funds = false) =>
  <T extends { ok: boolean }>(res: T): T => {
    if (res.ok) pageCache.invalidateProject(projectId, { funds });
    return res;
  };

export const costshareActions = {
  create: defineAction({
    accept: 'form',
    input: createInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'scheme.manage', (d) => projectResource(d, input.projectId));
      return worded(await createScheme(a.database, a.user.id, { projectId: a.where.projectId, content: input.content }), ctx.locals.lang);
    },
  }),
  edit: defineAction({
    accept: 'form',
    input: editInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      return worded(await editDraft(a.database, a.user.id, input), ctx.locals.lang);
    },
  }),
  post: defineAction({
    accept: 'form',
    input: postInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      return touching(a.where.projectId)(worded(await postWithBoard(a.database, a.user.id, input), ctx.locals.lang));
    },
  }),
  paperObjection: defineAction({
    accept: 'form',
    input: paperObjectionInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      return touching(a.where.projectId)(await enterPaperObjection(a.database, a.user.id, input));
    },
  }),
  answerObjection: defineAction({
    accept: 'form',
    input: answerInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'scheme.manage', (d) => objectionResource(d, input.objectionId));
      return touching(a.where.projectId)(await answerObjection(a.database, a.user.id, input));
    },
  }),
  openPledging: defineAction({
    accept: 'form',
    input: schemeIdInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      return touching(a.where.projectId)(await openPledging(a.database, a.user.id, input));
    },
  }),
  correct: defineAction({
    accept: 'form',
    input: correctInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      return touching(a.where.projectId)(worded(await correctScheme(a.database, a.user.id, input), ctx.locals.lang));
    },
  }),
  withdraw: defineAction({
    accept: 'form',
    input: withdrawSchemeInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      return touching(a.where.projectId)(await withdrawScheme(a.database, a.user.id, input));
    },
  }),
  paperPledge: defineAction({
    accept: 'form',
    input: paperPledgeInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      return touching(a.where.projectId)(await enterPaperPledge(a.database, a.user.id, input));
    },
  }),
  payment: defineAction({
    accept: 'form',
    input: paymentInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'scheme.manage', (d) => pledgeResource(d, input.pledgeId));
      return touching(a.where.projectId, true)(await enterPayment(a.database, a.user.id, input));
    },
  }),
  refund: defineAction({
    accept: 'form',
    input: refundInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'scheme.manage', (d) => paymentResource(d, input.paymentId));
      return touching(a.where.projectId, true)(await recordRefund(a.database, a.user.id, input));
    },
  }),
  object: defineAction({
    accept: 'form',
    input: objectInput,
    handler: async (input, ctx) => {
      const a = await owner(ctx.locals.user, (d) => schemeResource(d, input.schemeId));
      if (a.limited) return rateLimited;
      return touching(a.where.projectId)(await objectToScheme(a.database, a.user.id, input));
    },
  }),
  pledge: defineAction({
    accept: 'form',
    input: pledgeInput,
    handler: async (input, ctx) => {
      const a = await owner(ctx.locals.user, (d) => schemeResource(d, input.schemeId));
      if (a.limited) return rateLimited;
      return touching(a.where.projectId)(await pledge(a.database, a.user.id, input));
    },
  }),
  withdrawPledge: defineAction({
    accept: 'form',
    input: withdrawPledgeInput,
    handler: async (input, ctx) => {
      const a = await owner(ctx.locals.user, (d) => pledgeResource(d, input.pledgeId));
      if (a.limited) return rateLimited;
      return touching(a.where.projectId)(await withdrawPledge(a.database, a.user.id, input));
    },
  }),
};
