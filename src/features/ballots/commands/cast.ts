import type { z } from 'zod';
import { hit, LIMITS, within } from '../../accounts/rate-limit.ts';
import { castOnline } from '../fast-cast.ts';
import { MATTER_CODES, choicesOf, type castInput } from '../web-schemas.ts';
import { refuse, type CommandActor, type DB } from './result.ts';

/**
 * An owner's online ballot from the form (the JSON endpoint is the hot path, cast-endpoint.ts):
 * every matter, for the voter whose flats they own; the last one before the close counts.
 * Accepted casts are limited per household inside castOnline; refused attempts (not a voter
 * here) are limited per account (LIMITS.castRefused). `now` is the database's clock unless given.
 */
export async function castCommand(db: DB, actor: CommandActor, input: z.infer<typeof castInput>, now?: Date) {
  const matters = await db.selectFrom('ballot_matters').select('code').where('ballot_id', '=', input.ballotId).orderBy('id').execute();
  if (matters.length === 0) return refuse('err.notFound');
  const codes = matters.map((m) => m.code);
  const choices = choicesOf(input, codes);
  const missing = codes.find((c) => !(c in choices));
  if (missing) return refuse('err.everyMatter', missing);
  if (MATTER_CODES.some((c) => !codes.includes(c) && (input as Record<string, unknown>)[c] !== undefined)) return refuse('err.unknownMatter');
  const key = String(actor.id);
  if (!(await within(db, LIMITS.castRefused, key, now))) return refuse('err.rateLimited');
  const res = await castOnline(db, { ballotId: input.ballotId, userId: actor.id, voterCode: input.voter, choices }, now);
  // refused attempts count too (an accepted cast was already counted by castOnline)
  if (!res.ok && (res.error === 'err.notAVoter' || res.error === 'err.chooseVoter')) await hit(db, LIMITS.castRefused, key, now);
  return res;
}
