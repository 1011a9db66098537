import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { db } from '../lib/db/index.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import { can, type Resource } from '../features/policy/can.ts';
import { projectResource } from '../features/projects/admin-queries.ts';
import { NOTICE_KINDS } from '../features/notices/queries.ts';
import { noticeResource } from '../features/notices/admin-queries.ts';
import { createNotice, publishNotice, withdrawNotice } from '../features/notices/admin-service.ts';
import { subdistrictResource } from '../features/geography/scope.ts';
import { zId } from '../lib/input.ts';
import { forbidden, notFound, signedOut } from './errors.ts';

const id = zId();

export const noticeActions = {
  /** Writes a draft; nothing is public until it is published. */
  create: defineAction({
    accept: 'form',
    input: z.object({
      kind: z.enum(NOTICE_KINDS, { message: 'err.noticeKind' }),
      title: z.string().trim().min(1, 'err.required').max(200, 'err.tooLong'),
      body: z.string().trim().min(1, 'err.required').max(10_000, 'err.tooLong'),
      projectId: id.optional(),
      /** only district administrators choose; staff write for their own subdistrict */
      subdistrictId: id.optional(),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      let resource: Resource & { subdistrictId: number };
      let projectId: number | null = null;
      if (input.projectId !== undefined) {
        const project = await projectResource(database, input.projectId);
        if (!project) throw notFound();
        resource = { subdistrictId: project.subdistrictId!, communityId: project.communityId };
        projectId = project.projectId;
      } else {
        const subdistrictId = input.subdistrictId ?? user.subdistrictId;
        if (subdistrictId === null) return { ok: false as const, error: 'err.required', field: 'subdistrictId' };
        const known = await subdistrictResource(database, subdistrictId);
        if (!known) throw notFound();
        resource = known;
      }
      if (!can(user, 'notice.publish', resource)) throw forbidden();
      return createNotice(database, user.id, { subdistrictId: resource.subdistrictId, projectId, kind: input.kind, title: input.title, body: input.body });
    },
  }),
  publish: defineAction({
    accept: 'form',
    input: z.object({ noticeId: id }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const notice = await noticeResource(database, input.noticeId);
      if (!notice) throw notFound();
      if (!can(user, 'notice.publish', notice)) throw forbidden();
      const res = await publishNotice(database, user.id, notice.noticeId);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),
  withdraw: defineAction({
    accept: 'form',
    input: z.object({ noticeId: id, reason: z.string().trim().max(200, 'err.tooLong').optional() }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const notice = await noticeResource(database, input.noticeId);
      if (!notice) throw notFound();
      if (!can(user, 'notice.withdraw', notice)) throw forbidden();
      const res = await withdrawNotice(database, user.id, notice.noticeId, input.reason || null);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),
};
