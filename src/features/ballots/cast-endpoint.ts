import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { problemBody } from '../../lib/http/responses.ts';
import { translator, type Lang, type MessageKey } from '../../i18n/index.ts';
import { castOnline, type Caster } from './fast-cast.ts';
import { hit, LIMITS } from '../accounts/rate-limit.ts';

// POST /api/ballots/{id}/cast, { choices: { m1: "agree", … }, voter?: "V0001" }: the one
// definition of what the endpoint answers, shared by the Astro route and the lean Node
// route that serves it in production (src/lib/http/cast-route.ts).

export const castRequestBody = z.object({
  choices: z.record(z.string().regex(/^m\d{1,2}$/), z.enum(['agree', 'oppose', 'abstain'])),
  voter: z
    .string()
    .regex(/^V\d{4,6}$/)
    .optional(),
});

export interface CastReply {
  status: number;
  body: Record<string, unknown>;
  /** the session cookie: unchanged, slid to a new expiry, or cleared (unknown or expired session) */
  session: 'keep' | 'clear' | Date;
}

const zh = translator('zh');
const en = translator('en');
const STATUS: Partial<Record<MessageKey, number>> = {
  'err.signInFirst': 401,
  'err.notAVoter': 403,
  'err.rateLimited': 429,
  'err.form': 400,
  'err.notFound': 404,
};

function refusal(key: MessageKey, lang: Lang, session: CastReply['session'] = 'keep'): CastReply {
  return { status: STATUS[key] ?? 409, body: problemBody(zh(key), en(key), lang), session };
}

export async function castReply(
  db: Kysely<Database>,
  caster: Caster | null,
  ballotParam: string | undefined,
  payload: unknown,
  lang: Lang,
): Promise<CastReply> {
  if (!caster) return refusal('err.signInFirst', lang);
  const ballotId = Number(ballotParam);
  if (!Number.isSafeInteger(ballotId) || ballotId <= 0 || ballotId > 2_147_483_647) return refusal('err.notFound', lang);
  const parsed = castRequestBody.safeParse(payload);
  if (!parsed.success) return refusal('err.form', lang);
  const res = await castOnline(db, { ...caster, ballotId, voterCode: parsed.data.voter, choices: parsed.data.choices });
  const session = !res.ok && res.error === 'err.signInFirst' ? 'clear' : (res.sessionExpires ?? 'keep');
  if (!res.ok) {
    // refused attempts (not a voter here) are counted per person, as the ballot form does
    const refusedAs = res.userId ?? ('userId' in caster ? caster.userId : undefined);
    if (
      (res.error === 'err.notAVoter' || res.error === 'err.chooseVoter') &&
      refusedAs !== undefined &&
      !(await hit(db, LIMITS.castRefused, String(refusedAs)))
    ) {
      return refusal('err.rateLimited', lang, session);
    }
    return refusal(res.error, lang, session);
  }
  return { status: 200, body: { receipt: res.receipt, voter: res.voter }, session };
}
