import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { tally, tallyByBuilding } from './tally.ts';
import { BulletinTextWriter, bulletinHeadSchema, bulletinRules, bulletinVoterSchema, publicResults } from './bulletin.ts';
import { bulletinHead, toBulletin } from './bulletin-build.ts';
import { PartWriter } from './bulletin-parts.ts';
import { frozenUnits, fullFormVoters, publicFormVoters } from './bulletin-source.ts';
import { closeIfDue, countedData } from './service.ts';
import { formatAreaM2 } from './area.ts';
import { objectionWindow } from './objection-period.ts';
import { config } from '../../lib/config.ts';
import { refuse } from '../../i18n/index.ts';
import { voteResult } from '../notifications/commands/producers.ts';

type DB = Kysely<Database>;
type Tx = Transaction<Database>;

/** A per-building figure is shown only for a group this large, so that it reveals no household's vote. */
export const MIN_BUILDING_VOTERS = 5;

export { frozenUnits, type FrozenUnit } from './bulletin-source.ts';

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

/**
 * The bulletin of a closed ballot, as a given version, whole in memory: what checks and
 * tests recount. Publishing writes the same bytes without holding them (writeBulletin).
 */
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
 * Writes both forms of a closed ballot's bulletin version into ballot_bulletin_parts, a batch
 * of voters at a time from the database, through the one serialisation (BulletinTextWriter)
 * and checked as toBulletin checks a whole one (its schema, voter by voter, and
 * bulletinRules); the sha256 of each form. Inside the publishing transaction.
 */
async function writeBulletin(trx: DB, ballotId: number, version: number, ballot: { id: number; title: string; closedAt: Date }) {
  const matters = (await trx.selectFrom('ballot_matters').select(['code', 'title', 'kind']).where('ballot_id', '=', ballotId).orderBy('id').execute()).map(
    (m) => ({ id: m.code, title: m.title, kind: m.kind }),
  );
  const head = bulletinHead({ id: String(ballot.id), title: ballot.title, closedAt: ballot.closedAt, version }, matters);
  const invalid = (path: (string | number)[], message: string) => {
    throw new Error(`bulletin of ballot ${ballotId} is invalid at ${path.join('.')}: ${message}`);
  };
  bulletinHeadSchema.parse({ ...head, voters: [] });
  const rules = bulletinRules('full', head.matters, invalid);

  const full = new PartWriter(trx as Tx, ballotId, version, 'full');
  let text = new BulletinTextWriter(head);
  await full.write(text.start());
  let i = 0;
  for await (const voters of fullFormVoters(trx, ballotId, head.matters)) {
    let piece = '';
    for (const v of voters) {
      rules.voter(bulletinVoterSchema.parse(v), i++);
      piece += text.voter(v);
    }
    await full.write(piece);
  }
  rules.end();
  await full.write(text.end());
  const sha256 = await full.end();

  const pub = new PartWriter(trx as Tx, ballotId, version, 'public');
  text = new BulletinTextWriter(head);
  await pub.write(text.start());
  for await (const voters of publicFormVoters(trx, ballotId, head.matters)) {
    let piece = '';
    for (const v of voters) piece += text.voter(v);
    await pub.write(piece);
  }
  await pub.write(text.end());
  return { sha256, publicSha256: await pub.end() };
}

/**
 * Publishes a new bulletin version (preliminary first; a correction during the objection
 * period is a new version, never an edit; the final announcement only once the objection
 * period after the first preliminary notice is over). Both forms are written in parts as they
 * are serialised (writeBulletin), and both sha256 go into the audit chain.
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
  await closeIfDue(db, ballotId);
  const b = await db.selectFrom('ballots').select(['id', 'status', 'title', 'closed_at']).where('id', '=', ballotId).executeTakeFirst();
  if (!b || b.status !== 'closed' || !b.closed_at) return refuse('err.ballotNotClosed');
  const closedAt = b.closed_at;
  const { sha256, publicSha256 } = await db.transaction().execute(async (trx) => {
    // both forms in parts, streamed by bulletin.json and bulletin-full.json, written as they
    // are serialised; then the record, whose full body the database joins from the parts
    // (the parts' reference to it is checked at commit, 0074)
    const digests = await writeBulletin(trx, ballotId, version, { id: b.id, title: b.title, closedAt });
    await trx
      .insertInto('ballot_bulletins')
      .values({
        ballot_id: ballotId,
        version,
        stage,
        body: sql<string>`(select string_agg(p.body, '' order by p.seq) from ballot_bulletin_parts p
          where p.ballot_id = ${ballotId} and p.version = ${version} and p.form = 'full')`,
        sha256: digests.sha256,
        public_sha256: digests.publicSha256,
      })
      .execute();
    await appendAudit(trx, { actorUserId, action: `ballot.bulletin.${stage}`, target: `ballot:${ballotId}`, detail: { version, ...digests } });
    // the owners on the roll are told the result is out (the first preliminary, then the final)
    await voteResult(trx, { id: ballotId, title: b.title, stage }, now);
    return digests;
  });
  return { ok: true as const, version, sha256, publicSha256 };
}
