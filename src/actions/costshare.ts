import { defineAction } from 'astro:actions';
import { db } from '../lib/db/index.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import { checkUpload, PROOF_TYPES } from '../lib/files/upload-check.ts';
import { privateStore } from '../lib/files/private-store.ts';
import { can } from '../features/policy/can.ts';
import { hit } from '../features/accounts/rate-limit.ts';
import { projectResource } from '../features/projects/admin-queries.ts';
import {
  answerInput,
  correctInput,
  createInput,
  editInput,
  objectInput,
  paperPledgeInput,
  paymentInput,
  pledgeInput,
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
  objectToScheme,
  openPledging,
  pledge,
  postScheme,
  recordPaperPledge,
  recordPayment,
  recordRefund,
  withdrawPledge,
  withdrawScheme,
  type Refusal,
} from '../features/costshare/commands/index.ts';
import { objectionResource, paymentResource, pledgeResource, schemeResource } from '../features/costshare/queries/index.ts';
import { describeSplitError } from '../features/costshare/messages.ts';
import { PLEDGE_LIMIT } from '../features/costshare/core/rules.ts';
import type { Lang } from '../i18n/index.ts';

// Cost-share schemes (居民合理分摊). Staff of the project's office create, edit, post, answer
// objections, open pledges, correct, withdraw, and record paper pledges, payments and
// refunds, each audited by its command. A signed-in person objects, pledges and withdraws
// for themself only (the user is the session's, never a form field); the command checks
// that they are a verified owner of a flat of that household. The scheme page is never
// cached; what the cached project page shows (a scheme's state, the money received) is
// bumped by the database and, for the acts that change it, dropped here at once: a pledge,
// a withdrawal or an objection leaves the page cache alone.

const forbidden = { ok: false as const, error: 'err.forbidden' };
const SCAN_MAX = 5 * 1024 * 1024;

/** A refusal of the split module carries its own words: handed to the page as a parameter. */
function worded<T>(res: T | Refusal, lang: Lang): T | (Refusal & { params?: Record<string, string> }) {
  const r = res as Refusal;
  if (r && r.ok === false && r.split) return { ok: false, error: r.error, field: r.field, params: { detail: describeSplitError(r.split, lang) } };
  return res;
}

async function office(user: App.Locals['user'], schemeId: number) {
  const database = await db();
  const r = await schemeResource(database, schemeId);
  if (!user || !r || !can(user, 'scheme.manage', r)) return null;
  return { database, user, scheme: r };
}

async function scan(file: File | undefined, required: boolean): Promise<{ ok: true; key: string | null } | { ok: false; error: string; field: string }> {
  if (!file || file.size === 0) return required ? { ok: false, error: 'costshare.err.scanRequired', field: 'scan' } : { ok: true, key: null };
  const checked = await checkUpload(file, PROOF_TYPES, SCAN_MAX);
  if (!checked.ok) return { ok: false, error: checked.error, field: 'scan' };
  return { ok: true, key: (await privateStore().put(checked.bytes)).key };
}

const done = <T extends { ok: boolean }>(res: T): T => {
  if (res.ok) pageCache.invalidate();
  return res;
};

export const costshareActions = {
  create: defineAction({
    accept: 'form',
    input: createInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) return forbidden;
      const database = await db();
      const project = await projectResource(database, input.projectId);
      if (!project || !can(user, 'scheme.manage', project)) return forbidden;
      return worded(await createScheme(database, user.id, { projectId: project.projectId, content: input.content }), ctx.locals.lang);
    },
  }),
  edit: defineAction({
    accept: 'form',
    input: editInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      if (!a) return forbidden;
      return worded(await editDraft(a.database, a.user.id, input), ctx.locals.lang);
    },
  }),
  post: defineAction({
    accept: 'form',
    input: schemeIdInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      if (!a) return forbidden;
      return done(worded(await postScheme(a.database, a.user.id, input), ctx.locals.lang));
    },
  }),
  answerObjection: defineAction({
    accept: 'form',
    input: answerInput,
    handler: async (input, ctx) => {
      const database = await db();
      const r = await objectionResource(database, input.objectionId);
      const user = ctx.locals.user;
      if (!user || !r || !can(user, 'scheme.manage', r)) return forbidden;
      return answerObjection(database, user.id, input);
    },
  }),
  openPledging: defineAction({
    accept: 'form',
    input: schemeIdInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      if (!a) return forbidden;
      return done(await openPledging(a.database, a.user.id, input));
    },
  }),
  correct: defineAction({
    accept: 'form',
    input: correctInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      if (!a) return forbidden;
      return done(worded(await correctScheme(a.database, a.user.id, input), ctx.locals.lang));
    },
  }),
  withdraw: defineAction({
    accept: 'form',
    input: withdrawSchemeInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      if (!a) return forbidden;
      return done(await withdrawScheme(a.database, a.user.id, input));
    },
  }),
  paperPledge: defineAction({
    accept: 'form',
    input: paperPledgeInput,
    handler: async (input, ctx) => {
      const a = await office(ctx.locals.user, input.schemeId);
      if (!a) return forbidden;
      const s = await scan(input.scan, true);
      if (!s.ok) return s;
      return recordPaperPledge(a.database, a.user.id, {
        schemeId: input.schemeId,
        householdNo: input.householdNo,
        amountFen: input.amount ?? null,
        reason: input.reason,
        scanKey: s.key!,
      });
    },
  }),
  payment: defineAction({
    accept: 'form',
    input: paymentInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const r = await pledgeResource(database, input.pledgeId);
      if (!user || !r || !can(user, 'scheme.manage', r)) return forbidden;
      const s = await scan(input.scan, false);
      if (!s.ok) return s;
      return done(
        await recordPayment(database, user.id, {
          pledgeId: input.pledgeId,
          amountFen: input.amount,
          paidOn: input.paidOn,
          method: input.method,
          receiptNo: input.receiptNo,
          scanKey: s.key,
        }),
      );
    },
  }),
  refund: defineAction({
    accept: 'form',
    input: refundInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      const database = await db();
      const r = await paymentResource(database, input.paymentId);
      if (!user || !r || !can(user, 'scheme.manage', r)) return forbidden;
      return done(await recordRefund(database, user.id, input));
    },
  }),
  object: defineAction({
    accept: 'form',
    input: objectInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user || !can(user, 'scheme.pledge', { userId: user.id })) return { ok: false as const, error: 'err.signInFirst' };
      const database = await db();
      if (!(await hit(database, PLEDGE_LIMIT, String(user.id)))) return { ok: false as const, error: 'err.rateLimited' };
      return objectToScheme(database, user.id, input);
    },
  }),
  pledge: defineAction({
    accept: 'form',
    input: pledgeInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user || !can(user, 'scheme.pledge', { userId: user.id })) return { ok: false as const, error: 'err.signInFirst' };
      const database = await db();
      if (!(await hit(database, PLEDGE_LIMIT, String(user.id)))) return { ok: false as const, error: 'err.rateLimited' };
      return pledge(database, user.id, input);
    },
  }),
  withdrawPledge: defineAction({
    accept: 'form',
    input: withdrawPledgeInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user || !can(user, 'scheme.pledge', { userId: user.id })) return { ok: false as const, error: 'err.signInFirst' };
      const database = await db();
      if (!(await hit(database, PLEDGE_LIMIT, String(user.id)))) return { ok: false as const, error: 'err.rateLimited' };
      return withdrawPledge(database, user.id, input);
    },
  }),
};
