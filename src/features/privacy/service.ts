import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import { discardStalePreviews } from '../register/import-service.ts';
import type { ClosedClaim, ConsentPurpose } from './tables.ts';
import type { MessageKey } from '../../i18n/index.ts';

type DB = Kysely<Database>;

/** The version of the privacy notice (src/pages/privacy.astro) a consent was given under. */
export const PRIVACY_NOTICE_VERSION = '2026-11-30';
/** Proof documents of claims are deleted this long after the decision, unless under dispute. */
export const PROOF_KEEP_DAYS = 180;
/** Ballot evidence is kept for the period in which an owner may sue to overturn a decision (SPC interpretation Art. 12). */
export const CHALLENGE_PERIOD_DAYS = 365;
const DAY = 86_400_000;

/** Records consent, given on the form that collects the data, before it is processed. */
export async function recordConsents(db: DB | Transaction<Database>, userId: number, purposes: readonly ConsentPurpose[]): Promise<void> {
  if (purposes.length === 0) return;
  await db
    .insertInto('privacy_consents')
    .values(purposes.map((purpose) => ({ user_id: userId, purpose, notice_version: PRIVACY_NOTICE_VERSION })))
    .execute();
}

/** Files in the private store that some row still points to. */
async function stillReferenced(db: DB | Transaction<Database>, key: string): Promise<boolean> {
  const r = await sql<{ n: number }>`
    select (select count(*) from owner_verifications where proof_storage_key = ${key})
         + (select count(*) from register_owners where proof_storage_key = ${key})
         + (select count(*) from ballot_casts where scan_storage_key = ${key})
         + (select count(*) from ballot_proxies where scan_storage_key = ${key})
         + (select count(*) from ballot_cosignatures where scan_storage_key = ${key}) as n`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

export interface FileRemover {
  remove(key: string): Promise<void>;
}

/** Deletes the files no row points to any more (after the transaction that let go of them). */
async function removeUnreferenced(db: DB, store: FileRemover, keys: Iterable<string>): Promise<number> {
  let removed = 0;
  for (const key of new Set(keys)) {
    if (await stillReferenced(db, key)) continue;
    await store.remove(key);
    removed++;
  }
  return removed;
}

/** Reasons staff see on a claim that would tell its claimant the name and ID number matched a register owner. */
const MATCH_REASONS = new Set(['owner.phoneNotRegisters', 'owner.noPhoneOnRegister', 'owner.alreadyVerifiedElsewhere']);

/**
 * What the portal holds about a person, for them to download (PIPL Arts. 45): the account,
 * their claims (ID numbers only as the last four: the keyed hash is not theirs to read and
 * proves nothing), consents, ballots they cast and by what right, mandates, objections.
 * The register's entry (name, last four, legal basis; never its mobile) only for a verified
 * claim: a pending one may be someone trying a guessed name and ID number.
 */
export async function personalData(db: DB, userId: number) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'phone', 'display_name', 'role', 'phone_verified_at', 'created_at'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const claims = await db
    .selectFrom('owner_verifications')
    .innerJoin('units', 'units.id', 'owner_verifications.unit_id')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .innerJoin('estates', 'estates.id', 'buildings.estate_id')
    .leftJoin('register_owners', 'register_owners.id', 'owner_verifications.register_owner_id')
    .where('owner_verifications.user_id', '=', userId)
    .select([
      'owner_verifications.id',
      'estates.name as estate',
      'buildings.label as building',
      'entrances.label as entrance',
      'units.room',
      'owner_verifications.status',
      'owner_verifications.method',
      'owner_verifications.ground',
      'owner_verifications.claimed_name',
      'owner_verifications.claimed_id_type',
      'owner_verifications.claimed_id_last4',
      'owner_verifications.reason',
      'owner_verifications.created_at',
      'owner_verifications.decided_at',
      'owner_verifications.proof_mime',
      'owner_verifications.proof_storage_key',
      'owner_verifications.proof_deleted_at',
      'register_owners.name as register_name',
      'register_owners.id_last4 as register_id_last4',
      'register_owners.legal_basis',
    ])
    .orderBy('owner_verifications.id')
    .execute();
  const consents = await db
    .selectFrom('privacy_consents')
    .select(['purpose', 'notice_version', 'given_at'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  const casts = await db
    .selectFrom('ballot_casts')
    .innerJoin('ballots', 'ballots.id', 'ballot_casts.ballot_id')
    .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_casts.voter_id')
    .where('ballot_casts.cast_by', '=', userId)
    .select([
      'ballots.id as ballotId',
      'ballots.title',
      'ballot_voters.code as voter',
      'ballot_casts.cast_at',
      'ballot_casts.channel',
      'ballot_casts.cast_right',
    ])
    .orderBy('ballot_casts.id')
    .execute();
  const mandates = await db
    .selectFrom('ballot_proxies')
    .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_proxies.voter_id')
    .where('ballot_proxies.proxy_user_id', '=', userId)
    .select(['ballot_proxies.ballot_id as ballotId', 'ballot_voters.code as voter', 'ballot_proxies.recorded_at', 'ballot_proxies.revoked_at'])
    .orderBy('ballot_proxies.id')
    .execute();
  const objections = await db
    .selectFrom('ballot_objections')
    .where('lodged_by', '=', userId)
    .select(['ballot_id as ballotId', 'version', 'received_on', 'building', 'entrance', 'room', 'body', 'response'])
    .orderBy('id')
    .execute();
  // Consultations: the person's own comments (hidden or deleted ones too, with why staff hid
  // them but not who), and which comments they reported (not whose comment it was).
  const comments = await db
    .selectFrom('consultation_comments')
    .where('author_user_id', '=', userId)
    .select([
      'id',
      'consultation_id as consultationId',
      'parent_id as replyTo',
      'channel',
      'author_kind as postedAs',
      'building_label as building',
      'body',
      'created_at as createdAt',
      'edited_at as editedAt',
      'deleted_at as deletedAt',
      'hidden_at as hiddenAt',
      'hidden_reason as hiddenReason',
    ])
    .orderBy('id')
    .execute();
  const commentReports = await db
    .selectFrom('consultation_comment_reports')
    .innerJoin('consultation_comments', 'consultation_comments.id', 'consultation_comment_reports.comment_id')
    .where('consultation_comment_reports.reporter_user_id', '=', userId)
    .select([
      'consultation_comments.consultation_id as consultationId',
      'consultation_comment_reports.comment_id as commentId',
      'consultation_comment_reports.created_at as reportedAt',
    ])
    .orderBy('consultation_comment_reports.created_at')
    .orderBy('consultation_comment_reports.comment_id')
    .execute();
  // Cost sharing. Like ballots (ballotsCast holds the ballots the person cast, never one a
  // co-owner cast for the same household), a household's pledge is here only if the person
  // made it: a co-owner's pledge is the co-owner's act, and the co-owner's data. Payments and
  // refunds are those on the person's own pledges; receipt numbers yes, who recorded them no.
  const schemeObjections = await db
    .selectFrom('cost_scheme_objections as o')
    .innerJoin('cost_scheme_versions as v', 'v.id', 'o.version_id')
    .innerJoin('units', 'units.id', 'o.unit_id')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .where('o.lodged_by', '=', userId)
    .select([
      'v.scheme_id as schemeId',
      'v.version',
      'buildings.label as building',
      'entrances.label as entrance',
      'units.room',
      'o.body',
      'o.lodged_at as lodgedAt',
      'o.response',
      'o.responded_at as respondedAt',
    ])
    .orderBy('o.id')
    .execute();
  const pledges = await db
    .selectFrom('cost_pledges as p')
    .innerJoin('cost_scheme_versions as v', 'v.id', 'p.version_id')
    .innerJoin('cost_scheme_households as h', 'h.id', 'p.household_id')
    .where('p.pledged_by', '=', userId)
    .select([
      'p.id',
      'p.scheme_id as schemeId',
      'v.version',
      'h.no as household',
      'p.amount_fen as amountFen',
      'p.reason',
      'p.channel',
      'p.status',
      'p.pledged_at as pledgedAt',
      'p.closed_at as closedAt',
      'p.release_cause as releaseCause',
    ])
    .orderBy('p.id')
    .execute();
  const pledgeIds = pledges.map((p) => p.id);
  const payments = pledgeIds.length
    ? await db
        .selectFrom('cost_payments')
        .where('pledge_id', 'in', pledgeIds)
        .select([
          'id',
          'pledge_id as pledgeId',
          'amount_fen as amountFen',
          'paid_on as paidOn',
          'method',
          'receipt_no as receiptNo',
          'recorded_at as recordedAt',
          'refund_due_at as refundDueAt',
          'refund_cause as refundCause',
        ])
        .orderBy('id')
        .execute()
    : [];
  const paymentIds = payments.map((p) => p.id);
  const refunds = paymentIds.length
    ? await db
        .selectFrom('cost_refunds')
        .where('payment_id', 'in', paymentIds)
        .select([
          'payment_id as paymentId',
          'amount_fen as amountFen',
          'refunded_on as refundedOn',
          'method',
          'receipt_no as receiptNo',
          'recorded_at as recordedAt',
        ])
        .orderBy('id')
        .execute()
    : [];
  const donations = await db
    .selectFrom('donations')
    .where('donor_user_id', '=', userId)
    .select([
      'project_id as projectId',
      'kind',
      'amount_fen as amountFen',
      'goods_what as goods',
      'goods_quantity as goodsQuantity',
      'labour_skill as labourSkill',
      'labour_hours as labourHours',
      'display_name as displayName',
      'status',
      'offered_at as offeredAt',
      'decided_at as decidedAt',
      'decline_reason as declineReason',
      'received_on as receivedOn',
      'receipt_no as receiptNo',
    ])
    .orderBy('id')
    .execute();
  const volunteering = await db
    .selectFrom('volunteer_signups as s')
    .innerJoin('volunteer_tasks as t', 't.id', 's.task_id')
    .where('s.user_id', '=', userId)
    .select([
      't.project_id as projectId',
      't.title as task',
      't.place',
      't.starts_at as startsAt',
      't.ends_at as endsAt',
      's.status',
      's.created_at as signedUpAt',
      's.promoted_at as promotedAt',
      's.cancelled_at as cancelledAt',
      's.minutes',
    ])
    .orderBy('s.id')
    .execute();
  // Ratings: the versions the person gave (a co-owner's revision of the same household's rating
  // is the co-owner's, as with ballots), with the household's code on the rating roll.
  // the rating comments the person reported (never whose comment, nor its text)
  const ratingCommentReports = await db
    .selectFrom('rating_comment_reports as rr')
    .innerJoin('ratings', 'ratings.id', 'rr.rating_id')
    .where('rr.reporter_user_id', '=', userId)
    .select(['ratings.project_id as projectId', 'rr.rating_id as ratingId', 'rr.version', 'rr.created_at as reportedAt'])
    .orderBy('rr.created_at')
    .orderBy('rr.rating_id')
    .execute();
  const ratingRevisions = await db
    .selectFrom('rating_revisions as r')
    .innerJoin('ratings', 'ratings.id', 'r.rating_id')
    .innerJoin('rating_households as h', 'h.id', 'ratings.household_id')
    .where('r.rated_by', '=', userId)
    .select([
      'ratings.project_id as projectId',
      'h.code as household',
      'r.version',
      'r.channel',
      'r.g1',
      'r.g2',
      'r.g3',
      'r.g4',
      'r.g5',
      'r.g6',
      'r.g7',
      'r.g8',
      'r.g9',
      'r.g10',
      'r.comment',
      'r.at',
    ])
    .orderBy('r.id')
    .execute();
  const notifications = await db
    .selectFrom('notifications')
    .where('user_id', '=', userId)
    .select([
      'kind',
      'channel',
      'body',
      'body_en as bodyEn',
      'link',
      'state',
      'created_at as createdAt',
      'due_at as dueAt',
      'sent_at as sentAt',
      'read_at as readAt',
    ])
    .orderBy('id')
    .execute();
  const notificationPrefs = await db
    .selectFrom('notification_prefs')
    .where('user_id', '=', userId)
    .select(['kind', 'choice', 'updated_at as updatedAt'])
    .orderBy('kind')
    .execute();
  const sessions = await db.selectFrom('sessions').where('user_id', '=', userId).select(['created_at', 'expires_at']).orderBy('created_at').execute();
  return {
    generatedAt: new Date().toISOString(),
    noticeVersion: PRIVACY_NOTICE_VERSION,
    account: { id: user.id, phone: user.phone, name: user.display_name, role: user.role, phoneConfirmedAt: user.phone_verified_at, createdAt: user.created_at },
    claims: claims.map((c) => ({
      flat: { estate: c.estate, building: c.building, entrance: c.entrance, room: c.room },
      status: c.status,
      method: c.method,
      ground: c.ground,
      claimedName: c.claimed_name,
      idType: c.claimed_id_type,
      idLast4: c.claimed_id_last4,
      // a claim not (yet) verified never shows the register's entry, nor a reason that tells the name and ID matched
      reason: c.status !== 'verified' && c.reason !== null && MATCH_REASONS.has(c.reason) ? null : c.reason,
      createdAt: c.created_at,
      decidedAt: c.decided_at,
      proof: c.proof_storage_key
        ? { type: c.proof_mime, deleteAfter: c.decided_at ? new Date(c.decided_at.getTime() + PROOF_KEEP_DAYS * DAY) : null }
        : c.proof_deleted_at
          ? { deletedAt: c.proof_deleted_at }
          : null,
      register: c.status !== 'verified' || c.register_name === null ? null : { name: c.register_name, idLast4: c.register_id_last4, legalBasis: c.legal_basis },
    })),
    consents,
    ballotsCast: casts,
    mandates,
    objections,
    consultationComments: comments,
    consultationReports: commentReports,
    schemeObjections,
    pledges: pledges.map(({ id, ...p }) => ({
      ...p,
      payments: payments
        .filter((x) => x.pledgeId === id)
        .map((x) => ({
          amountFen: x.amountFen,
          paidOn: x.paidOn,
          method: x.method,
          receiptNo: x.receiptNo,
          recordedAt: x.recordedAt,
          refundDueAt: x.refundDueAt,
          refundCause: x.refundCause,
          refunds: refunds
            .filter((r) => r.paymentId === x.id)
            .map((r) => ({ amountFen: r.amountFen, refundedOn: r.refundedOn, method: r.method, receiptNo: r.receiptNo, recordedAt: r.recordedAt })),
        })),
    })),
    donations,
    volunteering,
    ratings: ratingRevisions,
    ratingCommentReports,
    notifications,
    notificationPrefs,
    sessions,
  };
}

export type CloseResult = { ok: true; evidenceKeptUntil: Date | null } | { ok: false; error: MessageKey };

/**
 * A person closes their account: their personal data is erased — name and mobile, claims
 * (deleted, with names, ID hashes and last four, proof files), consents, sessions — except the
 * ballot evidence: who cast a ballot, and the claims by which they could (flat, register
 * owner, how decided), are kept apart (closed_account_evidence) until the one-year challenge
 * period after the close of the last vote they cast in, then erased by the sweep.
 * Ballots stay cast and counted; the account id they point to no longer names anyone.
 * Comments stay, shown as by a closed account (the account's name is gone); pledges, payments,
 * donations, sign-ups and ratings stay as records of the project, naming no one: a donation's
 * chosen display name is erased.
 * Staff accounts are closed by the district office, not here.
 */
export async function closeAccount(db: DB, store: FileRemover, userId: number, now = new Date()): Promise<CloseResult> {
  const freed: string[] = [];
  const result = await db.transaction().execute(async (trx): Promise<CloseResult> => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'role', 'phone', 'display_name', 'closed_at'])
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!user || user.closed_at) return { ok: false, error: 'err.forbidden' };
    if (user.role !== 'resident') return { ok: false, error: 'err.staffCannotClose' };
    const last = await trx
      .selectFrom('ballot_casts')
      .innerJoin('ballots', 'ballots.id', 'ballot_casts.ballot_id')
      .where('ballot_casts.cast_by', '=', userId)
      .select((eb) => eb.fn.max('ballots.closes_at').as('closes'))
      .executeTakeFirst();
    const lastClose = last?.closes ? new Date(last.closes as Date | string) : null;
    const keepUntil = lastClose ? new Date(Math.max(lastClose.getTime(), now.getTime()) + CHALLENGE_PERIOD_DAYS * DAY) : null;
    const claims = await trx
      .selectFrom('owner_verifications')
      .select(['unit_id', 'register_owner_id', 'status', 'method', 'ground', 'decided_at', 'proof_storage_key'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
    if (keepUntil) {
      // what ballot evidence needs of the claims (by what right the account cast) lives only here, and goes with the sweep
      const kept: ClosedClaim[] = claims.map((c) => ({
        unitId: c.unit_id,
        registerOwnerId: c.register_owner_id,
        status: c.status,
        method: c.method,
        ground: c.ground,
        decidedAt: c.decided_at ? c.decided_at.toISOString() : null,
      }));
      await trx
        .insertInto('closed_account_evidence')
        .values({
          user_id: userId,
          display_name: user.display_name,
          phone: user.phone,
          claims: JSON.stringify(kept),
          closed_at: now,
          keep_until: keepUntil,
        })
        .execute();
    }
    freed.push(...claims.flatMap((c) => (c.proof_storage_key ? [c.proof_storage_key] : [])));
    // the claims go: nothing left links the account (and the ballots it cast) to a flat or a register owner
    await trx.deleteFrom('owner_verifications').where('user_id', '=', userId).execute();
    await trx
      .updateTable('ballot_proxies')
      .set({ revoked_at: now, revoked_by: userId })
      .where('proxy_user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    await trx.deleteFrom('privacy_consents').where('user_id', '=', userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await trx.deleteFrom('sms_codes').where('phone', '=', user.phone).execute();
    await trx.deleteFrom('sms_outbox').where('phone', '=', user.phone).execute();
    // the name a donor chose for the public donation board is erased (shown as anonymous, migration
    // 0039); the donation itself stays on the project's public record
    await trx.updateTable('donations').set({ display_name: null }).where('donor_user_id', '=', userId).where('display_name', 'is not', null).execute();
    // the inbox and the choices of what to be told (migration 0035)
    await trx.deleteFrom('notifications').where('user_id', '=', userId).execute();
    await trx.deleteFrom('notification_prefs').where('user_id', '=', userId).execute();
    await trx
      .updateTable('users')
      .set({
        phone: `closed-${userId}`,
        display_name: '',
        password_hash: '!',
        phone_verified_at: null,
        owner_status_held_since: null,
        disabled_at: now,
        closed_at: now,
      })
      .where('id', '=', userId)
      .execute();
    await appendAudit(trx, {
      actorUserId: userId,
      action: 'account.close',
      target: `user:${userId}`,
      detail: keepUntil ? { evidenceKeptUntil: keepUntil.toISOString() } : {},
    });
    return { ok: true, evidenceKeptUntil: keepUntil };
  });
  if (result.ok) await removeUnreferenced(db, store, freed);
  return result;
}

/**
 * The daily privacy sweep: proof documents of claims decided more than 180 days ago are
 * deleted unless staff keep them because the decision is disputed (a proof that became the
 * register's own record of a legal basis stays with the register); the evidence of closed
 * accounts whose challenge period is over is erased; register previews (every owner's name
 * and phone) left unconfirmed for a day are discarded.
 */
export async function privacySweep(
  db: DB,
  store: FileRemover,
  now = new Date(),
): Promise<{ proofs: number; files: number; evidence: number; previews: number }> {
  const due = new Date(now.getTime() - PROOF_KEEP_DAYS * DAY);
  const expired = await db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('owner_verifications')
      .select(['id', 'proof_storage_key'])
      .where('proof_storage_key', 'is not', null)
      .where('decided_at', '<', due)
      .where('proof_disputed_at', 'is', null)
      .where('status', 'not in', ['pending', 'review'])
      .forUpdate()
      .execute();
    if (rows.length) {
      await trx
        .updateTable('owner_verifications')
        .set({ proof_storage_key: null, proof_mime: null, proof_deleted_at: now })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    }
    return rows;
  });
  const files = await removeUnreferenced(
    db,
    store,
    expired.map((r) => r.proof_storage_key!),
  );
  const evidence = await db.deleteFrom('closed_account_evidence').where('keep_until', '<', now).executeTakeFirst();
  const previews = await discardStalePreviews(db);
  return { proofs: expired.length, files, evidence: Number(evidence.numDeletedRows), previews };
}

/** Staff keep a proof past 180 days while the decision is disputed, or let it go again; audited. */
export async function setProofDispute(
  db: DB,
  actorUserId: number,
  verificationId: number,
  disputed: boolean,
): Promise<{ ok: true } | { ok: false; error: MessageKey }> {
  return db.transaction().execute(async (trx) => {
    const v = await trx.selectFrom('owner_verifications').select(['id', 'proof_storage_key']).where('id', '=', verificationId).forUpdate().executeTakeFirst();
    if (!v || !v.proof_storage_key) return { ok: false as const, error: 'err.noProof' };
    await trx
      .updateTable('owner_verifications')
      .set({ proof_disputed_at: disputed ? new Date() : null })
      .where('id', '=', v.id)
      .execute();
    await appendAudit(trx, { actorUserId, action: disputed ? 'verification.proofDisputed' : 'verification.proofReleased', target: `verification:${v.id}` });
    return { ok: true as const };
  });
}
