import type { APIRoute } from 'astro';
import { fileTypeFromBuffer } from 'file-type';
import { db } from '../../../../../lib/db/index.ts';
import { problem } from '../../../../../lib/http/responses.ts';
import { can } from '../../../../../features/policy/can.ts';
import { ballotResource } from '../../../../../features/ballots/web-queries.ts';
import { privateStore } from '../../../../../actions/verification.ts';
import { appendAudit } from '../../../../../features/audit/service.ts';
import { PROOF_TYPES } from '../../../../../lib/files/upload-check.ts';

/** The scan of a paper ballot or mandate: evidence, readable only by the office (and logged). */
export const GET: APIRoute = async ({ params, locals }) => {
  const user = locals.user;
  if (!user) return problem(401, '请先登录', 'Sign in first', locals.lang);
  const database = await db();
  const ballot = await ballotResource(database, Number(params.id));
  const castId = Number(params.castId);
  if (!ballot || !Number.isSafeInteger(castId) || castId <= 0) return problem(404, '文件不存在', 'No such file', locals.lang);
  if (!can(user, 'ballot.enterPaper', ballot)) return problem(403, '您没有权限进行此操作', 'You are not allowed to do this', locals.lang);
  const cast = await database.selectFrom('ballot_casts').select(['id', 'scan_storage_key']).where('id', '=', castId).where('ballot_id', '=', ballot.ballotId).executeTakeFirst();
  const bytes = cast?.scan_storage_key ? await privateStore().get(cast.scan_storage_key) : null;
  if (!cast || !bytes) return problem(404, '文件不存在', 'No such file', locals.lang);
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !PROOF_TYPES.has(type.mime)) return problem(404, '文件不存在', 'No such file', locals.lang);
  await database.transaction().execute((trx) => appendAudit(trx, { actorUserId: user.id, action: 'ballot.viewScan', target: `ballot:${ballot.ballotId}`, detail: { castId: cast.id } }));
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': type.mime,
      'Cache-Control': 'private, no-store',
      'Content-Disposition': 'inline',
      'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    },
  });
};
