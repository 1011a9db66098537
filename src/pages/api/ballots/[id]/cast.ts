import type { APIRoute } from 'astro';
import { z } from 'zod';
import { db } from '../../../../lib/db/index.ts';
import { json, problem } from '../../../../lib/http/responses.ts';
import { can } from '../../../../features/policy/can.ts';
import { castOnline } from '../../../../features/ballots/fast-cast.ts';
import { hasKey, translator } from '../../../../features/i18n/index.ts';

// JSON casting for clients and the benchmark: POST { choices: { m1: "agree", … }, voter?: "V0001" }
// with the session cookie. The origin check in the middleware covers this route.
const body = z.object({
  choices: z.record(z.string().regex(/^m\d{1,2}$/), z.enum(['agree', 'oppose', 'abstain'])),
  voter: z.string().regex(/^V\d{4,6}$/).optional(),
});

const zh = translator('zh');
const en = translator('en');
const fail = (status: number, key: string, lang: 'zh' | 'en') =>
  problem(status, hasKey(key) ? zh(key) : key, hasKey(key) ? en(key) : key, lang);

export const POST: APIRoute = async ({ params, request, locals }) => {
  const user = locals.user;
  if (!user || !can(user, 'ballot.cast', {})) return fail(401, 'err.signInFirst', locals.lang);
  const ballotId = Number(params.id);
  if (!Number.isSafeInteger(ballotId) || ballotId <= 0) return fail(404, 'err.notFound', locals.lang);
  const parsed = body.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return fail(400, 'err.form', locals.lang);
  const database = await db();
  const res = await castOnline(database, { ballotId, userId: user.id, voterCode: parsed.data.voter, choices: parsed.data.choices });
  if (!res.ok) return fail(res.error === 'err.notAVoter' ? 403 : res.error === 'err.rateLimited' ? 429 : 409, res.error, locals.lang);
  return json({ receipt: res.receipt, voter: res.voter });
};
