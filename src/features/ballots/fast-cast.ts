import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Choice } from './cast.ts';
import type { MessageKey } from '../../i18n/index.ts';

// The hot path of a vote: an owner casts every matter in one request, one round trip to
// the database (after the first cast of a ballot, whose matter ids are then cached).

type DB = Kysely<Database>;

// Matters cannot change once a ballot is open (database trigger), so they can be cached.
const matterIds = new Map<number, Map<string, number>>();

async function mattersOf(db: DB, ballotId: number): Promise<Map<string, number>> {
  const hit = matterIds.get(ballotId);
  if (hit) return hit;
  const rows = await db
    .selectFrom('ballot_matters')
    .innerJoin('ballots', 'ballots.id', 'ballot_matters.ballot_id')
    .where('ballot_id', '=', ballotId)
    .select(['ballot_matters.id', 'ballot_matters.code', 'ballots.status'])
    .execute();
  const map = new Map(rows.map((r) => [r.code, r.id]));
  if (rows.some((r) => r.status === 'open' || r.status === 'closed')) matterIds.set(ballotId, map);
  return map;
}

export type CastResult =
  { ok: true; receipt: string; voter: string; sessionExpires: Date | null } | { ok: false; error: MessageKey; sessionExpires?: Date; userId?: number };

/** At most 30 casts by one person for one household in any 60 seconds (counted from the casts themselves). */
export const CAST_LIMIT = { max: 30, windowSeconds: 60 };

const ERRORS: Record<string, MessageKey> = {
  no_session: 'err.signInFirst',
  not_voter: 'err.notAVoter',
  choose_voter: 'err.chooseVoter',
  rate_limited: 'err.rateLimited',
  ballot_stands: 'err.ballotStands',
  not_open: 'err.ballotNotOpen',
};

/** Who casts: a signed-in user, or a session id (its validation then happens in the same call). */
export type Caster = { userId: number } | { sessionId: string };

/**
 * One call of the gz_cast database function (migrations 0007, 0009, 0010): validates the session when
 * given one, finds the voter this person may cast for and by what right (owner still
 * holding a flat, new owner of a whole holding, recorded proxy), checks the
 * person's rate limit for that household, checks the ballot is open, keeps the cast as evidence and upserts the
 * counted choices.
 */
/** `now` is for tests that travel in time; otherwise the database's clock decides (cast time, open check). */
export async function castOnline(
  db: DB,
  input: Caster & { ballotId: number; voterCode?: string; choices: Record<string, Choice> },
  now?: Date,
): Promise<CastResult> {
  const matters = await mattersOf(db, input.ballotId);
  const entries = Object.entries(input.choices);
  if (entries.length !== matters.size || entries.some(([code]) => !matters.has(code))) return { ok: false, error: 'err.everyMatter' };
  entries.sort(([a], [b]) => matters.get(a)! - matters.get(b)!); // rows in one order, whatever order the client sent
  const sessionId = 'sessionId' in input ? input.sessionId : null;
  const userId = 'userId' in input ? input.userId : null;
  const res = await sql<{ status: string; user_id: number | null; session_expires: Date | null; code: string | null; receipt: string | null }>`
    select * from gz_cast(${input.ballotId}::integer, ${sessionId}::text, ${userId}::integer, ${input.voterCode ?? null}::text, ${JSON.stringify(input.choices)}::jsonb,
      ${entries.map(([code]) => matters.get(code)!)}::integer[], ${entries.map(([, choice]) => choice)}::text[],
      ${now ?? null}::timestamptz, ${CAST_LIMIT.max}::integer, ${CAST_LIMIT.windowSeconds}::integer)`.execute(db);
  const r = res.rows[0]!;
  if (r.status === 'ok') return { ok: true, receipt: r.receipt!, voter: r.code!, sessionExpires: r.session_expires };
  const error = ERRORS[r.status] ?? 'err.ballotNotOpen';
  return {
    ok: false,
    error,
    ...(r.session_expires ? { sessionExpires: r.session_expires } : {}),
    // who was refused, when a session named them (the caller may count refusals per person)
    ...('sessionId' in input && r.user_id !== null ? { userId: r.user_id } : {}),
  };
}
