import type { APIRoute } from 'astro';
import { db } from '../../../lib/db/index.ts';
import { problem } from '../../../lib/http/responses.ts';
import { can } from '../../../features/policy/can.ts';
import { personalData } from '../../../features/privacy/service.ts';

/** GET — everything the portal holds about the signed-in person, as JSON (PIPL Art. 45). */
export const GET: APIRoute = async ({ locals }) => {
  const user = locals.user;
  if (!user || !can(user, 'account.update', { userId: user.id })) return problem(401, '请先登录', 'Sign in first', locals.lang);
  const data = await personalData(await db(), user.id);
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': 'attachment; filename="gongzhi-my-data.json"',
      'Cache-Control': 'private, no-store',
    },
  });
};
