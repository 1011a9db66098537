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

/** Voters a batch: a few MB of text and rows, whatever the size of the vote (smaller batches cost more in joins than they save). */
export const VOTERS_A_BATCH = 5000;

export type FrozenUnit = { estate: string; building: string; entrance: string; room: string; areaCm2: number };

/**
 * The flats of a frozen roll with their estate (a vote may span estates, and two estates
 * may both have a 1-1-101), by voter code, each voter's flats in natural order.
 */
export async function frozenUnits(db: DB, ballotId: number): Promise<Map<string, FrozenUnit[]>> {
  const rows = await db
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
    ])
    .execute();
  const of = new Map<string, FrozenUnit[]>();
  for (const r of rows) {
    const list = of.get(r.code) ?? [];
    list.push({ estate: r.estate, building: r.building, entrance: r.entrance, room: r.room, areaCm2: Number(r.area_cm2) });
    of.set(r.code, list);
  }
  for (const list of of.values()) sortUnits(list);
  return of;
}

/** A voter's flats in natural order (building, entrance, room, then estate): the full form's order. */
export function sortUnits<U extends { estate: string; building: string; entrance: string; room: string }>(units: U[]): U[] {
  return units.sort((a, b) => compareUnitKeys(a, b) || naturalCompare(a.estate, b.estate));
}

/**
 * A ballot's voters with their counted choices (JSON text, null when they did not vote),
 * their flats (JSON text of [estate, building, entrance, room, area]) and their whole area,
 * each aggregated in one pass over the ballot's rows (as countedData reads them): joined
 * batch by batch instead, the planner may scan the ballot's million choices for every batch.
 */
const votersOf = (b: ReturnType<typeof sql.lit>) => sql`
  select bv.code, bv.receipt, ch.choices, un.units, coalesce(un.area, 0) as area
  from ballot_voters bv
  left join (
    select c.voter_id, json_object_agg(m.code, c.choice)::text as choices
    from ballot_choices c join ballot_matters m on m.id = c.matter_id
    where c.ballot_id = ${b} group by c.voter_id) ch on ch.voter_id = bv.id
  left join (
    select u.voter_id, json_agg(json_build_array(e.name, u.building, u.entrance, u.room, u.area_cm2))::text as units, sum(u.area_cm2) as area
    from ballot_voter_units u join ballot_voters v on v.id = u.voter_id
    join units un on un.id = u.unit_id join entrances en on en.id = un.entrance_id
    join buildings bu on bu.id = en.building_id join estates e on e.id = bu.estate_id
    where v.ballot_id = ${b} group by u.voter_id) un on un.voter_id = bv.id
  where bv.ballot_id = ${b}`;

/**
 * votersOf, worked out once per publishing transaction into a temporary table (dropped at
 * commit) that both forms read in their own order: the database aggregates the ballot once.
 */
async function bulletinVoters(trx: DB, ballotId: number) {
  const name = `gz_bulletin_voters_${ballotId}`;
  const table = sql.table(name);
  const there = await sql<{ t: string | null }>`select to_regclass(${`pg_temp.${name}`})::text as t`.execute(trx);
  if (there.rows[0]?.t == null) await sql`create temporary table ${table} on commit drop as ${votersOf(sql.lit(ballotId))}`.execute(trx);
  return table;
}

type Cursor<R> = { fetch(): Promise<R[]> };

/** A cursor over a query, read VOTERS_A_BATCH rows at a time and closed when read to its end (a reader that stops early does so on an error, and the transaction's end closes it). */
async function cursor<R>(trx: DB, name: string, query: ReturnType<typeof sql>): Promise<Cursor<R>> {
  await sql`declare ${sql.id(name)} no scroll cursor for ${query}`.execute(trx);
  return {
    async fetch() {
      const rows = (await sql<R>`fetch forward ${sql.lit(VOTERS_A_BATCH)} from ${sql.id(name)}`.execute(trx)).rows;
      if (rows.length === 0) await sql`close ${sql.id(name)}`.execute(trx);
      return rows;
    },
  };
}

const parseChoices = (c: string | null) => (c === null ? undefined : (JSON.parse(c) as Record<string, Choice>));

/**
 * The full form's voters in roll order (by code, as countedData lists them), a batch at a
 * time: each with their flats and, when they voted, their receipt code and counted choices
 * on the given matters — toBulletin's voters exactly. Inside a transaction (a cursor lives in one).
 */
export async function* fullFormVoters(trx: DB, ballotId: number, matters: readonly { id: string }[]): AsyncGenerator<BulletinVoter[]> {
  if (!Number.isSafeInteger(ballotId)) throw new RangeError(`ballot id ${ballotId}`);
  const rows = await cursor<{ code: string; receipt: string; choices: string | null; units: string | null }>(
    trx,
    'gz_full_bulletin',
    sql`select v.code, v.receipt, v.choices, v.units from ${await bulletinVoters(trx, ballotId)} v order by v.code`,
  );
  for (let batch = await rows.fetch(); batch.length > 0; batch = await rows.fetch()) {
    yield batch.map((r) => {
      const units = sortUnits(
        ((r.units === null ? [] : JSON.parse(r.units)) as [string, string, string, string, number | string][]).map(
          ([estate, building, entrance, room, area]) => ({
            estate,
            building,
            entrance,
            room,
            areaCm2: Number(area),
          }),
        ),
      );
      const choices = parseChoices(r.choices);
      return bulletinVoterOf(matters, { id: r.code, units }, choices ? { receipt: r.receipt, choices } : undefined);
    });
  }
}

/**
 * The public form's voters in its published order (toPublicBulletin's): those who voted by
 * receipt code in code-point order (receipt codes are ASCII, so the "C" collation's order),
 * then those who did not by their whole area, smallest first, in roll order when equal; a
 * batch at a time through a cursor, so the order is worked out once by the database. Inside
 * a transaction.
 */
export async function* publicFormVoters(trx: DB, ballotId: number, matters: readonly { id: string }[]): AsyncGenerator<PublicBulletinVoter[]> {
  if (!Number.isSafeInteger(ballotId)) throw new RangeError(`ballot id ${ballotId}`);
  const rows = await cursor<{ receipt: string; choices: string | null; area: string }>(
    trx,
    'gz_public_bulletin',
    sql`select v.receipt, v.choices, v.area::text as area from ${await bulletinVoters(trx, ballotId)} v
      order by v.choices is null, (case when v.choices is not null then v.receipt end) collate "C", v.area, v.code`,
  );
  for (let batch = await rows.fetch(); batch.length > 0; batch = await rows.fetch()) {
    yield batch.map((r) => {
      const choices = parseChoices(r.choices);
      return choices ? publicVoterOf(r.receipt, Number(r.area), votesOf(matters, choices)) : publicVoterOf(null, Number(r.area), {});
    });
  }
}
