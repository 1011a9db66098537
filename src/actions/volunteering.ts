import { defineAction } from 'astro:actions';
import { db } from '../lib/db/index.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import { can } from '../features/policy/can.ts';
import { hit } from '../features/accounts/rate-limit.ts';
import { projectResource } from '../features/projects/admin-queries.ts';
import { attendanceInput, createTaskInput, taskInput } from '../features/volunteering/schemas.ts';
import { taskResource } from '../features/volunteering/queries/tasks.ts';
import { createTask } from '../features/volunteering/commands/create-task.ts';
import { signUp } from '../features/volunteering/commands/sign-up.ts';
import { cancelSignUp } from '../features/volunteering/commands/cancel-sign-up.ts';
import { markAttendance } from '../features/volunteering/commands/mark-attendance.ts';
import { VOLUNTEER_LIMIT } from '../features/volunteering/core/rules.ts';
import { forbidden, notFound, signedOut } from './errors.ts';

// Volunteering. Staff of the project's office post tasks and mark attendance; any
// signed-in resident signs up and cancels for themself (the user is the session's, never
// a form field). Places left show on the public project page: each change drops this
// instance's page cache.

export const volunteeringActions = {
  createTask: defineAction({
    accept: 'form',
    input: createTaskInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const project = await projectResource(database, input.projectId);
      if (!project) throw notFound();
      if (!can(user, 'volunteer.manage', project)) throw forbidden();
      const { projectId: _p, ...task } = input;
      const res = await createTask(database, user.id, { ...task, projectId: project.projectId });
      if (res.ok) pageCache.invalidateProject(project.projectId);
      return res;
    },
  }),
  signUp: defineAction({
    accept: 'form',
    input: taskInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'volunteer.signUp', { userId: user.id })) throw forbidden();
      const database = await db();
      if (!(await hit(database, VOLUNTEER_LIMIT, String(user.id)))) return { ok: false as const, error: 'err.rateLimited' };
      const res = await signUp(database, user.id, input.taskId);
      if (res.ok) pageCache.invalidateProject(res.projectId);
      return res;
    },
  }),
  cancel: defineAction({
    accept: 'form',
    input: taskInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'volunteer.signUp', { userId: user.id })) throw forbidden();
      const database = await db();
      if (!(await hit(database, VOLUNTEER_LIMIT, String(user.id)))) return { ok: false as const, error: 'err.rateLimited' };
      const res = await cancelSignUp(database, user.id, input.taskId);
      if (res.ok) pageCache.invalidateProject(res.projectId);
      return res;
    },
  }),
  markAttendance: defineAction({
    accept: 'form',
    input: attendanceInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const task = await taskResource(database, input.taskId);
      if (!task) throw notFound();
      if (!can(user, 'volunteer.manage', task)) throw forbidden();
      return markAttendance(database, user.id, input);
    },
  }),
};
