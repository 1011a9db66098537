import type { APIRoute } from 'astro';
import { fileTypeFromBuffer } from 'file-type';
import { db } from '../../../../../lib/db/index.ts';
import { problem } from '../../../../../lib/http/responses.ts';
import { can } from '../../../../../features/policy/can.ts';
import { ballotResource } from '../../../../../features/ballots/web-queries.ts';
import { privateStore } from '../../../../../actions/verification.ts';
import { appendAudit } from '../../../../../features/audit/service.ts';
import { PROOF_TYPES } from '../../../../../lib/files/upload-check.ts';

/** The scan of a result page signed by an owners' committee member: kept privately, readable only by the office (and logged). */
export const GET: APIRoute = async ({ params, locals }) => {
  const user = locals.user;
  if (!user) return problem(401, '请先登录', 'Sign in first', locals.lang);
  const database = await db();
  const ballot = await ballotResource(database, Number(params.id));
  const id = Number(params.cosignatureId);
  if (!ballot || !Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) return problem(404, '文件不存在', 'No such file', locals.lang);
  if (!can(user, 'ballot.manage', ballot)) return problem(403, '您没有权限进行此操作', 'You are not allowed to do this', locals.lang);
  const row = await database.selectFrom('ballot_cosignatures').select(['id', 'scan_storage_key']).where('id', '=', id).where('ballot_id', '=', ballot.ballotId).executeTakeFirst();
  const bytes = row?.scan_storage_key ? await privateStore().get(row.scan_storage_key) : null;
  if (!row || !bytes) return problem(404, '文件不存在', 'No such file', locals.lang);
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !PROOF_TYPES.has(type.mime)) return problem(404, '文件不存在', 'No such file', locals.lang);
  await database.transaction().execute((trx) => appendAudit(trx, { actorUserId: user.id, action: 'ballot.viewCosignScan', target: `ballot:${ballot.ballotId}`, detail: { cosignatureId: row.id } }));
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': type.mime,
      'Cache-Control': 'private, no-store',
      'Content-Disposition': 'inline',
      'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    },
  });
};
