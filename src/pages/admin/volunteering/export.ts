import type { APIRoute } from 'astro';
import { db } from '../../../lib/db/index.ts';
import { problem } from '../../../lib/http/responses.ts';
import { can } from '../../../features/policy/can.ts';
import { appendAudit } from '../../../features/audit/service.ts';
import { taskResource } from '../../../features/volunteering/queries/tasks.ts';
import { hoursRows, hoursWorkbook } from '../../../features/volunteering/queries/hours-export.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * GET ?task=ID — the volunteers and hours of one task as .xlsx; without `task`, of every task
 * of the office's projects. Staff of the project's office (or the district) only; logged.
 */
export const GET: APIRoute = async ({ url, locals }) => {
  const user = locals.user;
  const lang = locals.lang;
  if (!user) return problem(401, '请先登录', 'Sign in first', lang);
  const raw = url.searchParams.get('task');
  const database = await db();
  let taskId: number | null = null;
  if (raw !== null) {
    taskId = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
    if (taskId <= 0) return problem(400, '请指定任务（task=编号）', 'Name the task (task=ID)', lang);
    const task = await taskResource(database, taskId);
    if (!task) return problem(404, '没有这项任务', 'No such task', lang);
    if (!can(user, 'volunteer.manage', task)) return problem(403, '您没有权限导出这项任务', 'You may not export this task', lang);
  } else if (user.role !== 'staff' && user.role !== 'district_admin') {
    return problem(403, '您没有权限导出志愿服务时长', 'You may not export volunteer hours', lang);
  }
  const rows = await hoursRows(database, user, taskId);
  const bytes = await hoursWorkbook(rows);
  await database.transaction().execute((trx) =>
    appendAudit(trx, {
      actorUserId: user.id,
      action: 'volunteer.export',
      target: taskId === null ? 'volunteer_tasks:office' : `volunteer_task:${taskId}`,
      detail: { rows: rows.length },
    }),
  );
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': `attachment; filename="volunteer-hours${taskId === null ? '' : `-${taskId}`}.xlsx"`,
      'Cache-Control': 'private, no-store',
    },
  });
};
