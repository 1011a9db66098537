import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Choice } from './cast.ts';

// The hot path of a vote: an owner casts every matter in one request. Two round trips:
// who may cast (one query), and one statement that checks the ballot is open, keeps the
// cast as evidence and makes it the counted one (upsert on the one-per-voter-and-matter key).

type DB = Kysely<Database>;

// Matters cannot change once a ballot is open (database trigger), so they can be cached.
const matterIds = new Map<number, Map<string, number>>();

async function mattersOf(db: DB, ballotId: number): Promise<Map<string, number>> {
  const hit = matterIds.get(ballotId);
  if (hit) return hit;
  const rows = await db.selectFrom('ballot_matters').innerJoin('ballots', 'ballots.id', 'ballot_matters.ballot_id')
    .where('ballot_id', '=', ballotId).select(['ballot_matters.id', 'ballot_matters.code', 'ballots.status']).execute();
  const map = new Map(rows.map((r) => [r.code, r.id]));
  if (rows.some((r) => r.status === 'open' || r.status === 'closed')) matterIds.set(ballotId, map);
  return map;
}

export type CastResult = { ok: true; receipt: string; voter: string } | { ok: false; error: string };

export const CAST_LIMIT = { bucket: 'cast', max: 30, windowSeconds: 60 };

/**
 * One call of the gz_cast database function (migration 0005): finds the voter this person may cast for (verified, not held, owner of
 * one of its flats), counts the cast against the rate limit, checks the ballot is open,
 * keeps the cast as evidence and upserts the counted choices.
 */
export async function castOnline(db: DB, input: { ballotId: number; userId: number; voterCode?: string; choices: Record<string, Choice> }, now = new Date()): Promise<CastResult> {
  const matters = await mattersOf(db, input.ballotId);
  const entries = Object.entries(input.choices);
  if (entries.length !== matters.size || entries.some(([code]) => !matters.has(code))) return { ok: false, error: 'err.everyMatter' };
  const windowStart = new Date(Math.floor(now.getTime() / (CAST_LIMIT.windowSeconds * 1000)) * CAST_LIMIT.windowSeconds * 1000);
  const res = await sql<{ voters: number; hits: number | null; cast_id: string | null; code: string | null; receipt: string | null }>`
    select * from gz_cast(${input.ballotId}::integer, ${input.userId}::integer, ${input.voterCode ?? null}::text, ${JSON.stringify(input.choices)}::jsonb,
      ${entries.map(([code]) => matters.get(code)!)}::integer[], ${entries.map(([, choice]) => choice)}::text[],
      ${now}::timestamptz, ${windowStart}::timestamptz, ${CAST_LIMIT.max}::integer, ${CAST_LIMIT.bucket}::text)`.execute(db);
  const r = res.rows[0]!;
  if (Number(r.voters) === 0) return { ok: false, error: 'err.notAVoter' };
  if (Number(r.voters) > 1) return { ok: false, error: 'err.chooseVoter' };
  if (r.hits !== null && Number(r.hits) > CAST_LIMIT.max) return { ok: false, error: 'err.rateLimited' };
  if (r.cast_id === null) return { ok: false, error: 'err.ballotNotOpen' };
  return { ok: true, receipt: r.receipt!, voter: r.code! };
}
