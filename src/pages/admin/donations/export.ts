import type { APIRoute } from 'astro';
import { db } from '../../../lib/db/index.ts';
import { problem } from '../../../lib/http/responses.ts';
import { can } from '../../../features/policy/can.ts';
import { appendAudit } from '../../../features/audit/service.ts';
import { donationExportProject, donationExportRows, donationsWorkbook } from '../../../features/donations/queries/export.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * GET ?project=CODE — every donation offered to one project, with its state and dates, as
 * .xlsx. Staff of the project's office (or the district) only (`donation.manage`); each
 * download is an audit entry saying how many rows and how many phone numbers left the system.
 */
export const GET: APIRoute = async ({ url, locals }) => {
  const user = locals.user;
  const lang = locals.lang;
  if (!user) return problem(401, '请先登录', 'Sign in first', lang);
  const code = url.searchParams.get('project') ?? '';
  if (!/^[A-Za-z0-9-]{1,40}$/.test(code)) return problem(400, '请指定项目（project=项目编号）', 'Name the project (project=CODE)', lang);
  const database = await db();
  const project = await donationExportProject(database, code);
  if (!project) return problem(404, '没有这个项目', 'No such project', lang);
  if (!can(user, 'donation.manage', project)) return problem(403, '您没有权限导出这个项目的捐赠', 'You may not export the donations of this project', lang);
  const rows = await donationExportRows(database, project.projectId);
  const bytes = await donationsWorkbook(project, rows);
  await database.transaction().execute((trx) =>
    appendAudit(trx, {
      actorUserId: user.id,
      action: 'donation.export',
      target: `project:${project.projectId}`,
      detail: { rows: rows.length, phones: rows.filter((r) => r.phone !== null).length },
    }),
  );
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': `attachment; filename="donations-${project.code}.xlsx"`,
      'Cache-Control': 'private, no-store',
    },
  });
};
