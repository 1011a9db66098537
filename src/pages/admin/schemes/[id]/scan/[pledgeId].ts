import type { APIRoute } from 'astro';
import { fileTypeFromBuffer } from 'file-type';
import { db } from '../../../../../lib/db/index.ts';
import { parseId } from '../../../../../lib/input.ts';
import { problem } from '../../../../../lib/http/responses.ts';
import { privateStore } from '../../../../../lib/files/private-store.ts';
import { PROOF_TYPES } from '../../../../../lib/files/upload-check.ts';
import { can } from '../../../../../features/policy/can.ts';
import { appendAudit } from '../../../../../features/audit/service.ts';
import { schemeResource } from '../../../../../features/costshare/queries/index.ts';

/**
 * The scan of a paper pledge (?of=pledge, the default) or of a payment's receipt (?of=payment)
 * entered by staff: evidence, readable only by the office of the scheme's project; each view
 * in the audit log.
 */
export const GET: APIRoute = async ({ params, url, locals }) => {
  const user = locals.user;
  const lang = locals.lang;
  if (!user) return problem(401, '请先登录', 'Sign in first', lang);
  const schemeId = parseId(params.id);
  const pledgeId = parseId(params.pledgeId);
  const database = await db();
  const r = schemeId ? await schemeResource(database, schemeId) : null;
  if (!r || !pledgeId) return problem(404, '没有这个文件', 'No such file', lang);
  if (!can(user, 'scheme.manage', r)) return problem(403, '您没有权限查看这个文件', 'You may not see this file', lang);
  const of = url.searchParams.get('of') === 'payment' ? 'payment' : 'pledge';
  const row =
    of === 'pledge'
      ? await database.selectFrom('cost_pledges').select('scan_key').where('id', '=', pledgeId).where('scheme_id', '=', r.schemeId).executeTakeFirst()
      : await database
          .selectFrom('cost_payments')
          .innerJoin('cost_pledges', 'cost_pledges.id', 'cost_payments.pledge_id')
          .select('cost_payments.scan_key')
          .where('cost_pledges.id', '=', pledgeId)
          .where('cost_pledges.scheme_id', '=', r.schemeId)
          .executeTakeFirst();
  const bytes = row?.scan_key ? await privateStore().get(row.scan_key) : null;
  const type = bytes ? await fileTypeFromBuffer(bytes) : undefined;
  if (!bytes || !type || !PROOF_TYPES.has(type.mime)) return problem(404, '没有这个文件', 'No such file', lang);
  await database
    .transaction()
    .execute((trx) => appendAudit(trx, { actorUserId: user.id, action: 'costshare.viewScan', target: `scheme:${r.schemeId}`, detail: { pledgeId, of } }));
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': type.mime,
      'Cache-Control': 'private, no-store',
      'Content-Disposition': 'inline',
      'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    },
  });
};
