import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { tally, tallyByBuilding } from './tally.ts';
import { publicResults } from './bulletin.ts';
import { toBulletin } from './bulletin-build.ts';
import { closeIfDue, countedData, sha256Hex } from './service.ts';
import { formatAreaM2 } from './area.ts';
import { objectionWindow } from './objection-period.ts';

type DB = Kysely<Database>;

/**
 * What the public may know of a ballot: while open only turnout (never choices); once
 * closed the full figures per matter and per building, from the same pure tally the
 * recount uses.
 */
export async function ballotResults(db: DB, ballotId: number, now = new Date()) {
  await closeIfDue(db, ballotId, now);
  const b = await db.selectFrom('ballots').select(['id', 'status', 'title', 'closed_at']).where('id', '=', ballotId).executeTakeFirst();
  if (!b || (b.status !== 'open' && b.status !== 'closed')) return null;
  const data = await countedData(db, ballotId);
  const roll = { voters: data.voters.map((v) => ({ id: v.id, units: v.units })) };
  if (b.status === 'open') {
    const voted = data.voters.filter((v) => v.choices !== null);
    return {
      status: 'open' as const,
      turnout: {
        voters: voted.length,
        eligibleVoters: data.voters.length,
        areaM2: formatAreaM2(voted.reduce((a, v) => a + v.units.reduce((s, u) => s + u.areaCm2, 0), 0)),
        eligibleAreaM2: formatAreaM2(data.voters.reduce((a, v) => a + v.units.reduce((s, u) => s + u.areaCm2, 0), 0)),
      },
    };
  }
  const ballots = data.voters.filter((v) => v.choices !== null).map((v) => ({ voterId: v.id, choices: v.choices! }));
  const matters = data.matters.map((m) => ({ id: m.id, kind: m.kind }));
  return {
    status: 'closed' as const,
    results: publicResults(tally(roll, ballots, matters)),
    byBuilding: tallyByBuilding(roll, ballots, matters),
  };
}

/** The bulletin of a closed ballot, as a given version. */
export async function buildBulletin(db: DB, ballotId: number, version: number) {
  await closeIfDue(db, ballotId);
  const b = await db.selectFrom('ballots').select(['id', 'status', 'title', 'closed_at']).where('id', '=', ballotId).executeTakeFirst();
  if (!b || b.status !== 'closed' || !b.closed_at) return null;
  const data = await countedData(db, ballotId);
  return toBulletin({
    ballot: { id: String(b.id), title: b.title, closedAt: b.closed_at, version },
    matters: data.matters,
    voters: data.voters.map((v) => ({ id: v.id, units: v.units })),
    ballots: data.voters.filter((v) => v.choices !== null).map((v) => ({ voterId: v.id, choices: v.choices!, receipt: v.receipt })),
  });
}

/**
 * Publishes a new bulletin version (preliminary first; a correction during the objection
 * period is a new version, never an edit; the final announcement only once the objection
 * period after the first preliminary notice is over), with its sha256 in the audit chain.
 */
export async function publishBulletin(db: DB, actorUserId: number, ballotId: number, stage: 'preliminary' | 'final', now = new Date()) {
  const last = await db.selectFrom('ballot_bulletins').select(['version', 'stage']).where('ballot_id', '=', ballotId).orderBy('version', 'desc').executeTakeFirst();
  if (stage === 'final' && !last) return { ok: false as const, error: 'err.preliminaryFirst' };
  if (last?.stage === 'final') return { ok: false as const, error: 'err.alreadyFinal' };
  if (stage === 'final') {
    const first = await db.selectFrom('ballot_bulletins').innerJoin('ballots', 'ballots.id', 'ballot_bulletins.ballot_id')
      .select(['ballot_bulletins.published_at', 'ballots.objection_days']).where('ballot_id', '=', ballotId).orderBy('version').executeTakeFirstOrThrow();
    const objectionsEnd = objectionWindow(first.published_at, first.objection_days)!.end;
    if (now < objectionsEnd) return { ok: false as const, error: 'err.objectionPeriod', objectionsEnd: objectionsEnd.toISOString() };
  }
  const version = (last?.version ?? 0) + 1;
  const bulletin = await buildBulletin(db, ballotId, version);
  if (!bulletin) return { ok: false as const, error: 'err.ballotNotClosed' };
  const body = `${JSON.stringify(bulletin, null, 2)}\n`;
  const sha256 = sha256Hex(body);
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('ballot_bulletins').values({ ballot_id: ballotId, version, stage, body, sha256 }).execute();
    await appendAudit(trx, { actorUserId, action: `ballot.bulletin.${stage}`, target: `ballot:${ballotId}`, detail: { version, sha256 } });
  });
  return { ok: true as const, version, sha256 };
}
