import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { votersFor } from './service.ts';
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

export async function castOnline(db: DB, input: { ballotId: number; userId: number; voterCode?: string; choices: Record<string, Choice> }, now = new Date()): Promise<CastResult> {
  const [voters, matters] = await Promise.all([votersFor(db, input.ballotId, input.userId), mattersOf(db, input.ballotId)]);
  const voter = input.voterCode ? voters.find((v) => v.code === input.voterCode) : voters.length === 1 ? voters[0] : undefined;
  if (!voter) return { ok: false, error: voters.length > 1 ? 'err.chooseVoter' : 'err.notAVoter' };
  const entries = Object.entries(input.choices);
  if (entries.length !== matters.size || entries.some(([code]) => !matters.has(code))) return { ok: false, error: 'err.everyMatter' };
  const values = sql.join(entries.map(([code, choice]) => sql`(${matters.get(code)!}::integer, ${choice}::text)`));
  const res = await sql<{ id: string }>`
    with b as (select id from ballots where id = ${input.ballotId} and status = 'open' and closes_at > ${now}),
    c as (
      insert into ballot_casts (ballot_id, voter_id, cast_by, channel, choices, cast_at)
      select b.id, ${voter.id}, ${input.userId}, 'online', ${JSON.stringify(input.choices)}::jsonb, ${now} from b
      returning id
    ),
    u as (
      insert into ballot_choices (ballot_id, voter_id, matter_id, choice, cast_id)
      select ${input.ballotId}, ${voter.id}, v.matter_id, v.choice, c.id from c cross join (values ${values}) as v(matter_id, choice)
      on conflict (voter_id, matter_id) do update set choice = excluded.choice, cast_id = excluded.cast_id
      returning 1
    )
    select c.id, (select count(*) from u) as n from c`.execute(db);
  if (res.rows.length === 0) return { ok: false, error: 'err.ballotNotOpen' };
  return { ok: true, receipt: voter.receipt, voter: voter.code };
}
