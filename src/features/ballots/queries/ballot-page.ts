import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { config } from '../../../lib/config.ts';
import type { SessionUser } from '../../accounts/session.ts';
import { can } from '../../policy/can.ts';
import { ballotResults } from '../results-service.ts';
import { ballotDetail, ballotResource, bulletinsOf, findReceipt, myVoters, noticesOfBallot, publicBulletinBody, whyNotVoter } from '../web-queries.ts';
import { normaliseReceipt } from '../receipt.ts';
import { cosignaturesOf, objectionFacts, objectionFlatsFor, objectionsOf } from '../objections-service.ts';
import { periodState } from '../objection-period.ts';
import { voteDeadline } from '../result-deadline.ts';

type DB = Kysely<Database>;

/** What a receipt lookup found: its state, and on the latest published bulletin the voter's public line (area and votes, never flats). */
export type ReceiptLookup =
  { state: 'invalid' | 'notYet' | 'notPublished' | 'notFound' } | { state: 'found'; version: number; voter: NonNullable<ReturnType<typeof findReceipt>> };

/**
 * Everything the public page of a ballot shows to this viewer, read once: the ballot, its live
 * turnout or results, bulletins and notices, the viewer's own voters (or why they have none),
 * a receipt lookup, and the objection period with the viewer's flats that may object.
 * Null when there is no such ballot for this viewer: a draft (or a ballot cancelled before
 * its notice) is shown only to staff who manage it, as a preview.
 */
export async function loadBallotPage(db: DB, ballotId: number, viewer: SessionUser | null, now: Date, opts: { receipt?: string | null } = {}) {
  const ballot = await ballotDetail(db, ballotId);
  if (!ballot) return null;
  const unpublished = ballot.status === 'draft' || (ballot.status === 'cancelled' && !ballot.notice_published_at);
  if (unpublished) {
    const resource = viewer ? await ballotResource(db, ballot.id) : null;
    if (!viewer || !resource || !can(viewer, 'ballot.manage', resource)) return null;
  }
  const [live, bulletins, notices] = await Promise.all([ballotResults(db, ballot.id, now), bulletinsOf(db, ballot.id), noticesOfBallot(db, ballot.id)]);
  const status = live?.status ?? ballot.status;
  const mine = viewer && status === 'open' ? await myVoters(db, ballot.id, viewer.id) : [];
  // not a voter here: say exactly why
  const whyNot = viewer && status === 'open' && mine.length === 0 ? await whyNotVoter(db, ballot.id, viewer.id) : null;

  let lookup: ReceiptLookup | null = null;
  const receiptText = opts.receipt ?? null;
  if (receiptText !== null) {
    const receipt = normaliseReceipt(receiptText.slice(0, 40));
    if (!receipt) lookup = { state: 'invalid' };
    else if (status !== 'closed') lookup = { state: 'notYet' };
    else {
      const latest = await publicBulletinBody(db, ballot.id, null);
      if (!latest) lookup = { state: 'notPublished' };
      else {
        const voter = findReceipt(latest.body, receipt);
        lookup = voter ? { state: 'found', version: latest.version, voter } : { state: 'notFound' };
      }
    }
  }

  // the objection period after a preliminary result: what was received, and the viewer's flats that may object
  const [facts, objections, cosignatures] =
    status === 'closed' ? await Promise.all([objectionFacts(db, ballot.id), objectionsOf(db, ballot.id), cosignaturesOf(db, ballot.id)]) : [null, [], []];
  const objectionOpen = facts !== null && periodState(facts.window, now) === 'open';
  const objectionFlats = viewer && objectionOpen ? await objectionFlatsFor(db, ballot.id, viewer.id) : [];
  return {
    ballot,
    /** a staff preview of a ballot not yet public */
    unpublished,
    /** the status as of now: an open ballot past its end reads as closed */
    status,
    live,
    bulletins,
    notices,
    mine,
    whyNot,
    lookup,
    facts,
    objections,
    cosignatures,
    objectionOpen,
    objectionFlats,
    preliminaries: bulletins.filter((b) => b.stage === 'preliminary'),
    deadline: voteDeadline(ballot, bulletins[0]?.published_at ?? null, now, config().workCalendar),
  };
}

export type BallotPage = NonNullable<Awaited<ReturnType<typeof loadBallotPage>>>;
