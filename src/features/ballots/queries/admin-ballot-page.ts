import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { config } from '../../../lib/config.ts';
import { cstDate } from '../../../lib/calendar.ts';
import type { SessionUser } from '../../accounts/session.ts';
import { can } from '../../policy/can.ts';
import { ballotResults } from '../results-service.ts';
import { ballotDetail, ballotResource, bulletinsOf, castCounts, lastCasts, noticesOfBallot, rollOf, staffEntries } from '../web-queries.ts';
import { grantorsOf, proxiesOf } from '../proxies-service.ts';
import { cosignaturesOf, objectionFacts, objectionsOf } from '../objections-service.ts';
import { windowDays } from '../objection-period.ts';
import { voteDeadline } from '../result-deadline.ts';

type DB = Kysely<Database>;

/**
 * Everything the office's page of a ballot shows, read once: the ballot and its roll, live
 * turnout or results, bulletins, notices, staff entries and cast counts, the last casts while
 * it is open, proxies (for staff who may enter paper ballots) and the objection period.
 * Null when there is no such ballot or the viewer may not manage it (the page answers 404).
 */
export async function loadAdminBallotPage(db: DB, ballotId: number, viewer: SessionUser, now: Date) {
  const resource = await ballotResource(db, ballotId);
  if (!resource || !can(viewer, 'ballot.manage', resource)) return null;
  const ballot = await ballotDetail(db, resource.ballotId);
  if (!ballot) return null;
  const [live, bulletins, notices, entries, counts, roll] = await Promise.all([
    ballotResults(db, ballot.id, now),
    bulletinsOf(db, ballot.id),
    noticesOfBallot(db, ballot.id),
    staffEntries(db, ballot.id),
    castCounts(db, ballot.id),
    rollOf(db, ballot.id, ballot.status),
  ]);
  const status = live?.status ?? ballot.status;
  const today = cstDate(now);
  const cast: Awaited<ReturnType<typeof lastCasts>> = status === 'open' ? await lastCasts(db, ballot.id) : new Map();
  const canPaper = can(viewer, 'ballot.enterPaper', resource);
  const [grantors, proxies] =
    canPaper && status !== 'draft' && status !== 'noticed'
      ? await Promise.all([status === 'open' ? grantorsOf(db, ballot.id) : [], proxiesOf(db, ballot.id)])
      : [[], []];
  const [facts, objections, cosignatures] =
    status === 'closed' ? await Promise.all([objectionFacts(db, ballot.id), objectionsOf(db, ballot.id), cosignaturesOf(db, ballot.id)]) : [null, [], []];
  const period = facts?.window ? windowDays(facts.window) : null;
  return {
    ballot,
    resource,
    /** the status as of now: an open ballot past its end reads as closed */
    status,
    live,
    bulletins,
    notices,
    entries,
    counts,
    roll,
    today,
    /** the last cast of each voter, while the vote is open */
    cast,
    /** may this viewer enter paper ballots and record proxies */
    canPaper,
    grantors,
    proxies,
    facts,
    objections,
    cosignatures,
    preliminaries: bulletins.filter((b) => b.stage === 'preliminary'),
    deadline: voteDeadline(ballot, bulletins[0]?.published_at ?? null, now, config().workCalendar),
    period,
    /** the latest day a written objection may be dated: the period's last day, or today if sooner */
    writtenMax: period ? (period.last < today ? period.last : today) : today,
  };
}

export type AdminBallotPage = NonNullable<Awaited<ReturnType<typeof loadAdminBallotPage>>>;
