import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { db } from '../lib/db/index.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import { can, type Verb } from '../features/policy/can.ts';
import { projectResource } from '../features/projects/admin-queries.ts';
import * as service from '../features/projects/admin-service.ts';
import * as s from '../features/projects/schemas.ts';
import type { SessionUser } from '../features/accounts/session.ts';
import { zId } from '../lib/input.ts';
import { forbidden, notFound, signedOut } from './errors.ts';

// Staff editing of a project's disclosure. Each action finds the project, authorises the
// caller for it, and writes through admin-service (one transaction with an audit entry).

/** The project and the database, for a caller allowed the verb on it; refusals thrown (401, 404, 403). */
async function authorised(user: SessionUser | null, verb: Verb, projectId: number) {
  if (!user) throw signedOut();
  const database = await db();
  const project = await projectResource(database, projectId);
  if (!project) throw notFound();
  if (!can(user, verb, project)) throw forbidden();
  return { database, project, user };
}

function done<T extends { ok: boolean }>(res: T): T {
  if (res.ok) pageCache.invalidate();
  return res;
}

/** Removing a scope item, budget line or fee: the same steps, another table. */
const removeRow =
  (table: 'scope_items' | 'budget_lines' | 'fee_schedules') => async (input: { projectId: number; id: number }, ctx: { locals: App.Locals }) => {
    const a = await authorised(ctx.locals.user, 'project.edit', input.projectId);
    return done(await service.removeChild(a.database, a.user.id, table, a.project.projectId, input.id));
  };

export const projectEditingActions = {
  create: defineAction({
    accept: 'form',
    input: s.createProjectInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'project.create', { subdistrictId: input.subdistrictId, communityId: null })) throw forbidden();
      return service.createProject(await db(), user.id, input);
    },
  }),
  updateFields: defineAction({
    accept: 'form',
    input: s.projectFieldsInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'project.edit', input.projectId);
      return done(await service.updateProjectFields(a.database, a.user.id, a.project.projectId, input));
    },
  }),
  publish: defineAction({
    accept: 'form',
    input: z.object({ projectId: zId() }),
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'project.publish', input.projectId);
      return done(await service.publishProject(a.database, a.user.id, a.project.projectId));
    },
  }),
  addScopeItem: defineAction({
    accept: 'form',
    input: s.scopeItemInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'project.edit', input.projectId);
      return done(
        await service.addChild(a.database, a.user.id, 'scope_items', a.project.projectId, {
          code: input.code,
          description: input.description,
          quantity_x100: input.quantity,
          unit: input.unit,
          estimated_cost_fen: input.cost,
        }),
      );
    },
  }),
  addBudgetLine: defineAction({
    accept: 'form',
    input: s.budgetLineInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'project.edit', input.projectId);
      return done(
        await service.addChild(a.database, a.user.id, 'budget_lines', a.project.projectId, {
          channel: input.channel,
          amount_fen: input.amount,
          note: input.note || null,
        }),
      );
    },
  }),
  addFee: defineAction({
    accept: 'form',
    input: s.feeInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'project.edit', input.projectId);
      return done(
        await service.addChild(a.database, a.user.id, 'fee_schedules', a.project.projectId, {
          item: input.item,
          unit: input.unit,
          before_fen: input.before,
          after_fen: input.after,
          subsidy_fen_per_m2_month: input.subsidy,
          subsidy_months: input.subsidyMonths,
        }),
      );
    },
  }),
  removeScopeItem: defineAction({ accept: 'form', input: s.removeInput, handler: removeRow('scope_items') }),
  removeBudgetLine: defineAction({ accept: 'form', input: s.removeInput, handler: removeRow('budget_lines') }),
  removeFee: defineAction({ accept: 'form', input: s.removeInput, handler: removeRow('fee_schedules') }),
  addParty: defineAction({
    accept: 'form',
    input: s.partyInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'project.edit', input.projectId);
      return done(await service.addParty(a.database, a.user.id, a.project.projectId, input));
    },
  }),
  removeParty: defineAction({
    accept: 'form',
    input: s.removePartyInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'project.edit', input.projectId);
      return done(await service.removeParty(a.database, a.user.id, a.project.projectId, input.partyId, input.role));
    },
  }),
};
