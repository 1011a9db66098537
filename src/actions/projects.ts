import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { db } from '../lib/db/index.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import { can } from '../features/policy/can.ts';
import { yuan } from '../features/projects/schemas.ts';
import { projectResource } from '../features/projects/admin-queries.ts';
import { transitionStage, updateBudgetLine } from '../features/projects/admin-service.ts';
import type { Stage } from '../features/projects/stages.ts';
import { zDate, zId } from '../lib/input.ts';
import { forbidden, notFound, signedOut } from './errors.ts';

export const projectActions = {
  updateBudgetLine: defineAction({
    accept: 'form',
    input: z.object({ projectId: zId(), lineId: zId(), amount: yuan, note: z.string().trim().max(200, 'err.tooLong').optional() }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const project = await projectResource(database, input.projectId);
      if (!project) throw notFound();
      if (!can(user, 'project.edit', project)) throw forbidden();
      const res = await updateBudgetLine(database, user.id, project.projectId, input.lineId, input.amount, input.note || null);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),
  transition: defineAction({
    accept: 'form',
    input: z.object({
      projectId: zId(),
      stage: z.coerce.number().int().min(1, 'err.stage').max(6, 'err.stage'),
      enteredOn: zDate(),
      note: z.string().trim().max(200, 'err.tooLong').optional(),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const project = await projectResource(database, input.projectId);
      if (!project) throw notFound();
      if (!can(user, 'project.transition', project)) throw forbidden();
      const res = await transitionStage(database, user.id, project.projectId, input.stage as Stage, input.enteredOn, input.note || null);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),
};
