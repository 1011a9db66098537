import type { APIRoute } from 'astro';
import { db } from '../../../../lib/db/index.ts';
import { parseId } from '../../../../lib/input.ts';
import { problem } from '../../../../lib/http/responses.ts';
import { can } from '../../../../features/policy/can.ts';
import { appendAudit } from '../../../../features/audit/service.ts';
import { schemeResource } from '../../../../features/costshare/queries/index.ts';
import { pledgesWorkbook } from '../../../../features/costshare/queries/export.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The pledges and payments of one scheme as .xlsx: staff of the project's office (or the district) only; logged. */
export const GET: APIRoute = async ({ params, locals }) => {
  const user = locals.user;
  const lang = locals.lang;
  if (!user) return problem(401, '请先登录', 'Sign in first', lang);
  const id = parseId(params.id);
  const database = await db();
  const r = id ? await schemeResource(database, id) : null;
  if (!r) return problem(404, '没有这个方案', 'No such scheme', lang);
  if (!can(user, 'scheme.manage', r)) return problem(403, '您没有权限导出这个方案', 'You may not export this scheme', lang);
  const { bytes, rows } = await pledgesWorkbook(database, r.schemeId);
  await database
    .transaction()
    .execute((trx) => appendAudit(trx, { actorUserId: user.id, action: 'costshare.export', target: `scheme:${r.schemeId}`, detail: { rows } }));
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': `attachment; filename="scheme-${r.schemeId}-pledges.xlsx"`,
      'Cache-Control': 'private, no-store',
    },
  });
};
