import type { APIRoute } from 'astro';
import { db } from '../../../lib/db/index.ts';
import { problem } from '../../../lib/http/responses.ts';
import { can } from '../../../features/policy/can.ts';
import { estateResource } from '../../../features/geography/scope.ts';
import { appendAudit } from '../../../features/audit/service.ts';
import { registerRowsOfEstate } from '../../../features/register/export-rows.ts';
import { writeXlsx } from '../../../features/register/read-table.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * GET ?estate=ID — the estate's register as a masked .xlsx for the office to check (ID numbers
 * and phones masked: the file cannot be imported again). Staff of the estate's area only; logged.
 * POST estate=ID&reason=… — the same with phones in full: only with a reason, which the audit
 * entry keeps (PIPL: minimum necessary; ID numbers are never stored in clear, so they stay masked).
 */
export const GET: APIRoute = ({ url, locals }) => exportRegister(locals, url.searchParams.get('estate') ?? '', null);

export const POST: APIRoute = async ({ request, locals }) => {
  const form = await request.formData().catch(() => null);
  const reason = String(form?.get('reason') ?? '').trim();
  if (reason.length < 4 || reason.length > 200) {
    return problem(400, '导出完整电话须说明理由（4–200 字）', 'Exporting phones in full needs a reason (4–200 characters)', locals.lang);
  }
  return exportRegister(locals, String(form?.get('estate') ?? ''), reason);
};

async function exportRegister(locals: App.Locals, raw: string, reason: string | null): Promise<Response> {
  const user = locals.user;
  const lang = locals.lang;
  if (!user) return problem(401, '请先登录', 'Sign in first', lang);
  const estateId = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  if (estateId <= 0) return problem(400, '请指定小区（estate=编号）', 'Name the estate (estate=ID)', lang);
  const database = await db();
  const estate = await estateResource(database, estateId);
  if (!estate) return problem(404, '没有这个小区', 'No such estate', lang);
  if (!can(user, 'register.export', estate)) return problem(403, '您没有权限导出这个小区的名册', 'You may not export the register of this estate', lang);
  const rows = await registerRowsOfEstate(database, estate.estateId);
  const bytes = await writeXlsx(rows, { unmasked: reason !== null });
  await database.transaction().execute((trx) =>
    appendAudit(trx, {
      actorUserId: user.id,
      action: 'register.export',
      target: `estate:${estate.estateId}`,
      detail: { flats: rows.length, owners: rows.reduce((n, r) => n + r.owners.length, 0), ...(reason !== null ? { unmasked: true, reason } : {}) },
    }),
  );
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': `attachment; filename="register-${estate.estateId}${reason !== null ? '-phones' : ''}.xlsx"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
