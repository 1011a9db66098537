import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { Choice } from './cast.ts';
import type { BulletinVoter, PublicBulletinVoter } from './bulletin.ts';
import { publicVoterOf } from './bulletin.ts';
import { bulletinVoterOf, votesOf } from './bulletin-build.ts';
import { compareUnitKeys, naturalCompare } from './natural-order.ts';

// A closed vote's bulletin read from the database a batch of voters at a time, in both forms
// and in their published order, for publishing it without holding it whole (results-service.ts).

type DB = Kysely<Database>;

/** Voters a batch: a few hundred KB of text each, whatever the size of the vote. */
export const VOTERS_A_BATCH = 1000;

export type FrozenUnit = { estate: string; building: string; entrance: string; room: string; areaCm2: number };

/**
 * The flats of a frozen roll with their estate (a vote may span estates, and two estates
 * may both have a 1-1-101), by voter code, each voter's flats in natural order; of the given
 * voters (ballot_voters ids) only, when given.
 */
export async function frozenUnits(db: DB, ballotId: number, voterIds?: readonly number[]): Promise<Map<string, FrozenUnit[]>> {
  if (voterIds?.length === 0) return new Map();
  let q = db
    .selectFrom('ballot_voter_units')
    .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_voter_units.voter_id')
    .innerJoin('units', 'units.id', 'ballot_voter_units.unit_id')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .innerJoin('estates', 'estates.id', 'buildings.estate_id')
    .where('ballot_voters.ballot_id', '=', ballotId)
    .select([
      'ballot_voters.code',
      'estates.name as estate',
      'ballot_voter_units.building',
      'ballot_voter_units.entrance',
      'ballot_voter_units.room',
      'ballot_voter_units.area_cm2',
    ]);
  if (voterIds) q = q.where('ballot_voter_units.voter_id', 'in', voterIds);
  const rows = await q.execute();
  const of = new Map<string, FrozenUnit[]>();
  for (const r of rows) {
    const list = of.get(r.code) ?? [];
    list.push({ estate: r.estate, building: r.building, entrance: r.entrance, room: r.room, areaCm2: Number(r.area_cm2) });
    of.set(r.code, list);
  }
  for (const list of of.values()) list.sort((a, b) => compareUnitKeys(a, b) || naturalCompare(a.estate, b.estate));
  return of;
}

/** The counted choices of the given voters (one row a voter, as countedData reads them), by ballot_voters id. */
async function choicesOf(db: DB, ballotId: number, voterIds: readonly number[]): Promise<Map<number, Record<string, Choice>>> {
  const of = new Map<number, Record<string, Choice>>();
  if (voterIds.length === 0) return of;
  const rows = await sql<{ voter_id: number; choices: string | Record<string, Choice> }>`
    select c.voter_id, json_object_agg(m.code, c.choice)::text as choices
    from ballot_choices c join ballot_matters m on m.id = c.matter_id
    where c.ballot_id = ${ballotId} and c.voter_id in (${sql.join(voterIds)}) group by c.voter_id`.execute(db);
  for (const r of rows.rows) of.set(r.voter_id, typeof r.choices === 'string' ? (JSON.parse(r.choices) as Record<string, Choice>) : r.choices);
  return of;
}

/**
 * The full form's voters in roll order (by code, as countedData lists them), a batch at a
 * time: each with their flats and, when they voted, their receipt code and counted choices
 * on the given matters — toBulletin's voters exactly.
 */
export async function* fullFormVoters(db: DB, ballotId: number, matters: readonly { id: string }[]): AsyncGenerator<BulletinVoter[]> {
  let after: string | null = null;
  for (;;) {
    let q = db.selectFrom('ballot_voters').select(['id', 'code', 'receipt']).where('ballot_id', '=', ballotId).orderBy('code').limit(VOTERS_A_BATCH);
    if (after !== null) q = q.where('code', '>', after);
    const voters = await q.execute();
    if (voters.length === 0) return;
    after = voters[voters.length - 1]!.code;
    const ids = voters.map((v) => v.id);
    const units = await frozenUnits(db, ballotId, ids);
    const choices = await choicesOf(db, ballotId, ids);
    yield voters.map((v) => {
      const c = choices.get(v.id);
      return bulletinVoterOf(matters, { id: v.code, units: units.get(v.code) ?? [] }, c ? { receipt: v.receipt, choices: c } : undefined);
    });
  }
}

/**
 * The public form's voters in its published order (toPublicBulletin's): those who voted by
 * receipt code in code-point order (receipt codes are ASCII, so the "C" collation's order),
 * then those who did not by their whole area, smallest first, in roll order when equal; a
 * batch at a time through a cursor, so the order is worked out once by the database. Inside
 * a transaction (a cursor lives in one).
 */
export async function* publicFormVoters(trx: DB, ballotId: number, matters: readonly { id: string }[]): AsyncGenerator<PublicBulletinVoter[]> {
  if (!Number.isSafeInteger(ballotId)) throw new RangeError(`ballot id ${ballotId}`);
  const b = sql.lit(ballotId);
  await sql`
    declare gz_public_bulletin no scroll cursor for
    select bv.id, bv.receipt, v.voted, coalesce(a.area, 0)::text as area
    from ballot_voters bv
    cross join lateral (select exists (select 1 from ballot_choices c where c.ballot_id = ${b} and c.voter_id = bv.id) as voted) v
    cross join lateral (select sum(u.area_cm2) as area from ballot_voter_units u where u.voter_id = bv.id) a
    where bv.ballot_id = ${b}
    order by v.voted desc, (case when v.voted then bv.receipt end) collate "C", a.area, bv.code`.execute(trx);
  // closed when read to its end; a reader that stops early does so on an error, and the
  // transaction's end closes it
  for (;;) {
    const batch = await sql<{
      id: number;
      receipt: string;
      voted: boolean;
      area: string;
    }>`fetch forward ${sql.lit(VOTERS_A_BATCH)} from gz_public_bulletin`.execute(trx);
    if (batch.rows.length === 0) break;
    const choices = await choicesOf(
      trx,
      ballotId,
      batch.rows.filter((r) => r.voted).map((r) => r.id),
    );
    yield batch.rows.map((r) =>
      r.voted ? publicVoterOf(r.receipt, Number(r.area), votesOf(matters, choices.get(r.id))) : publicVoterOf(null, Number(r.area), {}),
    );
  }
  await sql`close gz_public_bulletin`.execute(trx);
}
