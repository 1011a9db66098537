import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { SessionUser } from '../../accounts/session.ts';
import { appendAudit } from '../../audit/service.ts';
import { can } from '../../policy/can.ts';
import { auditInspection, ballotDetail, ballotResource, mayInspect, rollOf, rollTotals } from '../web-queries.ts';

type DB = Kysely<Database>;

/**
 * The roll of a ballot, from the meeting notice on (frozen when the vote opens). Everyone
 * gets its totals; `inspect` says whether this viewer also sees the flats (staff and verified
 * owners of the electorate), and each such look at a non-empty roll is recorded in the
 * audit chain here. Null for no such ballot, or a draft shown to anyone but its staff.
 */
export async function loadRollPage(db: DB, ballotId: number, viewer: SessionUser | null) {
  const ballot = await ballotDetail(db, ballotId);
  if (!ballot) return null;
  const inspect = await mayInspect(db, ballot.id, viewer);
  // a draft is not public: only the staff who manage it see its roll, as a preview
  const isStaff = viewer?.role === 'staff' || viewer?.role === 'district_admin';
  if (ballot.status === 'draft' && !(inspect && isStaff)) return null;
  const roll = await rollOf(db, ballot.id, ballot.status);
  if (inspect && viewer && roll.voters.length > 0) await auditInspection(db, viewer.id, ballot.id, 'roll', { frozen: roll.frozen });
  return { ballot, inspect, roll, totals: rollTotals(roll) };
}

/**
 * The paper slips of an open or closed vote for its office: one per voter of the frozen roll,
 * with the voter's receipt code and the matters. Receipts identify voters on the published
 * bulletin, so printing them is recorded in the audit chain here. Null when there is no such
 * ballot, the viewer may not manage it, or it has no frozen roll.
 */
export async function loadSlipsPage(db: DB, ballotId: number, viewer: SessionUser) {
  const resource = await ballotResource(db, ballotId);
  if (!resource || !can(viewer, 'ballot.manage', resource)) return null;
  const detail = await ballotDetail(db, resource.ballotId);
  if (!detail || (resource.status !== 'open' && resource.status !== 'closed')) return null;
  const [roll, voters, matters] = await Promise.all([
    rollOf(db, detail.id, resource.status),
    db.selectFrom('ballot_voters').select(['code', 'receipt']).where('ballot_id', '=', detail.id).execute(),
    db.selectFrom('ballot_matters').select(['code', 'title', 'kind']).where('ballot_id', '=', detail.id).orderBy('id').execute(),
  ]);
  await db
    .transaction()
    .execute((trx) =>
      appendAudit(trx, { actorUserId: viewer.id, action: 'ballot.slips', target: `ballot:${detail.id}`, detail: { voters: roll.voters.length } }),
    );
  return { detail, roll, receipts: new Map(voters.map((v) => [v.code, v.receipt])), matters };
}
