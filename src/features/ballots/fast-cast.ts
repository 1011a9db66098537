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
 * One statement: finds the voter this person may cast for (verified, not held, owner of
 * one of its flats), counts the cast against the rate limit, checks the ballot is open,
 * keeps the cast as evidence and upserts the counted choices.
 */
export async function castOnline(db: DB, input: { ballotId: number; userId: number; voterCode?: string; choices: Record<string, Choice> }, now = new Date()): Promise<CastResult> {
  const matters = await mattersOf(db, input.ballotId);
  const entries = Object.entries(input.choices);
  if (entries.length !== matters.size || entries.some(([code]) => !matters.has(code))) return { ok: false, error: 'err.everyMatter' };
  const values = sql.join(entries.map(([code, choice]) => sql`(${matters.get(code)!}::integer, ${choice}::text)`));
  const windowStart = new Date(Math.floor(now.getTime() / (CAST_LIMIT.windowSeconds * 1000)) * CAST_LIMIT.windowSeconds * 1000);
  const res = await sql<{ voters: string; hits: number | null; cast_id: string | null; code: string | null; receipt: string | null }>`
    with v as (
      select distinct bv.id, bv.code, bv.receipt
      from ballot_voters bv
      join ballot_voter_owners bvo on bvo.voter_id = bv.id
      join owner_verifications ov on ov.register_owner_id = bvo.register_owner_id and ov.status = 'verified' and ov.user_id = ${input.userId}
      join users u on u.id = ov.user_id and u.owner_status_held_since is null
      where bv.ballot_id = ${input.ballotId} ${input.voterCode ? sql`and bv.code = ${input.voterCode}` : sql``}
    ),
    one as (select * from v where (select count(*) from v) = 1),
    rl as (
      insert into rate_limits (bucket, key, window_start, hits) select ${CAST_LIMIT.bucket}, ${String(input.userId)}, ${windowStart}, 1 from one
      on conflict (bucket, key, window_start) do update set hits = rate_limits.hits + 1
      returning hits
    ),
    b as (select id from ballots where id = ${input.ballotId} and status = 'open' and closes_at > ${now}),
    c as (
      insert into ballot_casts (ballot_id, voter_id, cast_by, channel, choices, cast_at)
      select b.id, one.id, ${input.userId}, 'online', ${JSON.stringify(input.choices)}::jsonb, ${now}
      from b, one, rl where rl.hits <= ${CAST_LIMIT.max}
      returning id, voter_id
    ),
    u as (
      insert into ballot_choices (ballot_id, voter_id, matter_id, choice, cast_id)
      select ${input.ballotId}, c.voter_id, x.matter_id, x.choice, c.id from c cross join (values ${values}) as x(matter_id, choice)
      on conflict (voter_id, matter_id) do update set choice = excluded.choice, cast_id = excluded.cast_id
      returning 1
    )
    select (select count(*) from v) as voters, (select hits from rl) as hits, (select id from c) as cast_id,
           (select code from one) as code, (select receipt from one) as receipt, (select count(*) from u) as n`.execute(db);
  const r = res.rows[0]!;
  if (Number(r.voters) === 0) return { ok: false, error: 'err.notAVoter' };
  if (Number(r.voters) > 1) return { ok: false, error: 'err.chooseVoter' };
  if (r.hits !== null && Number(r.hits) > CAST_LIMIT.max) return { ok: false, error: 'err.rateLimited' };
  if (r.cast_id === null) return { ok: false, error: 'err.ballotNotOpen' };
  return { ok: true, receipt: r.receipt!, voter: r.code! };
}
