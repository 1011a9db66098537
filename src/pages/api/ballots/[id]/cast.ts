import type { APIRoute } from 'astro';
import { db } from '../../../../lib/db/index.ts';
import { json } from '../../../../lib/http/responses.ts';
import { castReply } from '../../../../features/ballots/cast-endpoint.ts';

// JSON casting for clients and the benchmark. In production the lean Node route
// (src/lib/http/cast-route.ts) answers first, with the same castReply; this route serves
// `astro dev` and any other adapter. The middleware has checked the origin and the session.
export const POST: APIRoute = async ({ params, request, locals }) => {
  const payload = await request.json().catch(() => null);
  const reply = await castReply(await db(), locals.user ? { userId: locals.user.id } : null, params.id, payload, locals.lang);
  return json(reply.body, { status: reply.status, headers: { 'Cache-Control': 'no-store' } });
};
