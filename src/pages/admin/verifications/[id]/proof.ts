import type { APIRoute } from 'astro';
import { db } from '../../../../lib/db/index.ts';
import { problem } from '../../../../lib/http/responses.ts';
import { can } from '../../../../features/policy/can.ts';
import { verificationResource } from '../../../../features/register/verification-service.ts';
import { privateStore } from '../../../../lib/files/private-store.ts';
import { appendAudit } from '../../../../features/audit/service.ts';
import { parseId } from '../../../../lib/input.ts';

/** A verification proof, readable only by staff of the flat's subdistrict (and logged). */
export const GET: APIRoute = async ({ params, locals }) => {
  const user = locals.user;
  const id = parseId(params.id);
  const database = await db();
  const v = id !== null ? await verificationResource(database, id) : undefined;
  if (!user) return problem(401, '请先登录', 'Sign in first', locals.lang);
  if (!v || !v.proof_storage_key || !v.proof_mime) return problem(404, '文件不存在', 'No such file', locals.lang);
  if (!can(user, 'verification.viewProof', { subdistrictId: v.subdistrict_id, communityId: v.community_id }))
    return problem(403, '您没有权限进行此操作', 'You are not allowed to do this', locals.lang);
  const bytes = await privateStore().get(v.proof_storage_key);
  if (!bytes) return problem(404, '文件不存在', 'No such file', locals.lang);
  await database.transaction().execute((trx) => appendAudit(trx, { actorUserId: user.id, action: 'verification.viewProof', target: `verification:${v.id}` }));
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': v.proof_mime,
      'Cache-Control': 'private, no-store',
      'Content-Disposition': 'inline',
      'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    },
  });
};
