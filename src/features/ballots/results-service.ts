import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { tally, tallyByBuilding } from './tally.ts';
import { bulletinText, publicResults, toPublicBulletin } from './bulletin.ts';
import { toBulletin } from './bulletin-build.ts';
import { storeBulletinParts } from './bulletin-parts.ts';
import { closeIfDue, countedData } from './service.ts';
import { compareUnitKeys, naturalCompare } from './natural-order.ts';
import { formatAreaM2 } from './area.ts';
import { objectionWindow } from './objection-period.ts';
import { config } from '../../lib/config.ts';
import { refuse } from '../../i18n/index.ts';
import { voteResult } from '../notifications/commands/producers.ts';

type DB = Kysely<Database>;

/** A per-building figure is shown only for a group this large, so that it reveals no household's vote. */
export const MIN_BUILDING_VOTERS = 5;

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
  for (const list of of.values()) list.sort((a, b) => compareUnitKeys(a, b) || naturalCompare(a.estate, b.estate));
  return of;
}

/**
 * What the public may know of a ballot: while open only turnout (never choices); once
 * closed the full figures per matter and per building, from the same pure tally the
 * recount uses.
 */
export async function ballotResults(db: DB, ballotId: number, now = new Date()) {
  await closeIfDue(db, ballotId, now);
  const b = await db.selectFrom('ballots').select(['id', 'status', 'title', 'closed_at']).where('id', '=', ballotId).executeTakeFirst();
  if (!b || (b.status !== 'open' && b.status !== 'closed')) return null;
  if (b.status === 'open') return { status: 'open' as const, turnout: await turnout(db, ballotId) };
  return closedResults(db, ballotId);
}

/** While a vote is open: how many voters (and how much area) have a counted ballot, in one aggregate. */
async function turnout(db: DB, ballotId: number) {
  const res = await sql<{ voters: number; eligible_voters: number; area: string; eligible_area: string }>`
    select count(*) filter (where v.voted)::int as voters, count(*)::int as eligible_voters,
      coalesce(sum(v.area_cm2) filter (where v.voted), 0)::text as area, coalesce(sum(v.area_cm2), 0)::text as eligible_area
    from (select bv.area_cm2, exists (select 1 from ballot_choices c where c.voter_id = bv.id) as voted
          from ballot_voters bv where bv.ballot_id = ${ballotId}) v`.execute(db);
  const r = res.rows[0]!;
  return { voters: r.voters, eligibleVoters: r.eligible_voters, areaM2: formatAreaM2(Number(r.area)), eligibleAreaM2: formatAreaM2(Number(r.eligible_area)) };
}

type ClosedResults = Awaited<ReturnType<typeof computeClosedResults>>;
const computing = new Map<number, Promise<ClosedResults>>();

/**
 * A closed ballot's figures, computed once and kept (ballot_results): its roll and counted
 * choices never change after the close, so every later page and results.json reads them
 * instead of tallying again. Concurrent first readers on this server share one computation.
 */
async function closedResults(db: DB, ballotId: number): Promise<ClosedResults> {
  const kept = await db.selectFrom('ballot_results').select('body').where('ballot_id', '=', ballotId).executeTakeFirst();
  if (kept) return JSON.parse(kept.body) as ClosedResults;
  let p = computing.get(ballotId);
  if (!p) {
    p = computeClosedResults(db, ballotId)
      .then(async (r) => {
        await db
          .insertInto('ballot_results')
          .values({ ballot_id: ballotId, body: JSON.stringify(r) })
          .onConflict((oc) => oc.column('ballot_id').doNothing())
          .execute();
        return r;
      })
      .finally(() => computing.delete(ballotId));
    computing.set(ballotId, p);
  }
  return p;
}

async function computeClosedResults(db: DB, ballotId: number) {
  const [data, units] = await Promise.all([countedData(db, ballotId), frozenUnits(db, ballotId)]);
  const roll = { voters: data.voters.map((v) => ({ id: v.id, units: units.get(v.id) ?? [] })) };
  const ballots = data.voters.filter((v) => v.choices !== null).map((v) => ({ voterId: v.id, choices: v.choices! }));
  const matters = data.matters.map((m) => ({ id: m.id, kind: m.kind }));
  const buildings = tallyByBuilding(roll, ballots, matters);
  // a building's figures only when at least MIN_BUILDING_VOTERS of its voters took part in every matter:
  // otherwise a handful of ballots (one, on a roll of five) could be read off the table
  const shown = buildings.filter((x) => x.matters.length > 0 && x.matters.every((m) => m.participating.owners >= MIN_BUILDING_VOTERS));
  return {
    status: 'closed' as const,
    results: publicResults(tally(roll, ballots, matters)),
    /** buildings where MIN_BUILDING_VOTERS voters or more took part in every matter only */
    byBuilding: shown,
    /** how many buildings were left out for having fewer voters taking part */
    hiddenBuildings: buildings.length - shown.length,
  };
}

/** The bulletin of a closed ballot, as a given version. */
export async function buildBulletin(db: DB, ballotId: number, version: number) {
  await closeIfDue(db, ballotId);
  const b = await db.selectFrom('ballots').select(['id', 'status', 'title', 'closed_at']).where('id', '=', ballotId).executeTakeFirst();
  if (!b || b.status !== 'closed' || !b.closed_at) return null;
  const [data, units] = await Promise.all([countedData(db, ballotId), frozenUnits(db, ballotId)]);
  return toBulletin({
    ballot: { id: String(b.id), title: b.title, closedAt: b.closed_at, version },
    matters: data.matters,
    voters: data.voters.map((v) => ({ id: v.id, units: units.get(v.id) ?? [] })),
    ballots: data.voters.filter((v) => v.choices !== null).map((v) => ({ voterId: v.id, choices: v.choices!, receipt: v.receipt })),
  });
}

/**
 * Publishes a new bulletin version (preliminary first; a correction during the objection
 * period is a new version, never an edit; the final announcement only once the objection
 * period after the first preliminary notice is over). The full form is stored; the public
 * form is derived from it (toPublicBulletin), and both sha256 go into the audit chain.
 */
export async function publishBulletin(db: DB, actorUserId: number, ballotId: number, stage: 'preliminary' | 'final', now = new Date()) {
  const last = await db
    .selectFrom('ballot_bulletins')
    .select(['version', 'stage'])
    .where('ballot_id', '=', ballotId)
    .orderBy('version', 'desc')
    .executeTakeFirst();
  if (stage === 'final' && !last) return refuse('err.preliminaryFirst');
  if (last?.stage === 'final') return refuse('err.alreadyFinal');
  if (stage === 'final') {
    const first = await db
      .selectFrom('ballot_bulletins')
      .innerJoin('ballots', 'ballots.id', 'ballot_bulletins.ballot_id')
      .select(['ballot_bulletins.published_at', 'ballots.objection_days'])
      .where('ballot_id', '=', ballotId)
      .orderBy('version')
      .executeTakeFirstOrThrow();
    const objectionsEnd = objectionWindow(first.published_at, first.objection_days, config().workCalendar)!.end;
    if (now < objectionsEnd) return { ...refuse('err.objectionPeriod'), objectionsEnd: objectionsEnd.toISOString() };
  }
  const version = (last?.version ?? 0) + 1;
  const bulletin = await buildBulletin(db, ballotId, version);
  if (!bulletin) return refuse('err.ballotNotClosed');
  const { body, sha256 } = bulletinText(bulletin);
  const publicText = bulletinText(toPublicBulletin(bulletin));
  const publicSha256 = publicText.sha256;
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('ballot_bulletins').values({ ballot_id: ballotId, version, stage, body, sha256, public_sha256: publicSha256 }).execute();
    // both forms in parts, streamed by bulletin.json and bulletin-full.json
    await storeBulletinParts(trx, ballotId, version, { full: body, public: publicText.body });
    await appendAudit(trx, { actorUserId, action: `ballot.bulletin.${stage}`, target: `ballot:${ballotId}`, detail: { version, sha256, publicSha256 } });
    // the owners on the roll are told the result is out (the first preliminary, then the final)
    await voteResult(trx, { id: ballotId, title: bulletin.ballot.title, stage }, now);
  });
  return { ok: true as const, version, sha256, publicSha256 };
}
