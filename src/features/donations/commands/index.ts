import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { appendAudit } from '../../audit/service.ts';
import type { DonationWhat } from '../core/schemas.ts';
import { canMove } from '../core/rules.ts';
import type { DonationStatus } from '../tables.ts';
import type { MessageKey } from '../../../i18n/index.ts';

type DB = Kysely<Database>;
/** The calendar day of an instant in China (UTC+8, no daylight saving). */
export const chinaDate = (d: Date): string => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

type Refusal = { ok: false; error: MessageKey; field?: string };

/** A signed-in person offers money, goods or labour to a published project. No audit entry: it is the person's own act, not the office's. */
export async function offerDonation(
  db: DB,
  donorUserId: number,
  input: { projectId: number; what: DonationWhat; displayName: string | null },
): Promise<{ ok: true; donationId: number } | Refusal> {
  const project = await db.selectFrom('projects').select('id').where('id', '=', input.projectId).where('published_at', 'is not', null).executeTakeFirst();
  if (!project) return { ok: false, error: 'err.notFound', field: 'projectId' };
  const w = input.what;
  const row = await db
    .insertInto('donations')
    .values({
      project_id: project.id,
      donor_user_id: donorUserId,
      kind: w.kind,
      amount_fen: w.kind === 'money' ? w.amountFen : null,
      goods_what: w.kind === 'goods' ? w.goodsWhat : null,
      goods_quantity: w.kind === 'goods' ? w.goodsQuantity : null,
      labour_skill: w.kind === 'labour' ? w.labourSkill : null,
      labour_hours: w.kind === 'labour' ? w.labourHours : null,
      display_name: input.displayName,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true, donationId: row.id };
}

async function lockedStatus(trx: Kysely<Database>, donationId: number) {
  return trx
    .selectFrom('donations')
    .select(['id', 'status', 'kind', 'project_id', 'amount_fen', 'offered_at'])
    .where('id', '=', donationId)
    .forUpdate()
    .executeTakeFirst();
}

/** Staff accept an offer, or decline it with a reason the donor sees; one audit entry in the same transaction. */
export async function decideDonation(
  db: DB,
  actorUserId: number,
  input: { donationId: number; decision: 'accept' | 'decline'; reason: string | null },
  now = new Date(),
): Promise<{ ok: true; status: DonationStatus } | Refusal> {
  const to: DonationStatus = input.decision === 'accept' ? 'accepted' : 'declined';
  if (to === 'declined' && !input.reason) return { ok: false, error: 'err.reasonRequired', field: 'reason' };
  return db.transaction().execute(async (trx) => {
    const d = await lockedStatus(trx, input.donationId);
    if (!d) return { ok: false as const, error: 'err.notFound' };
    if (!canMove(d.status, to)) return { ok: false as const, error: 'err.donationState' };
    await trx
      .updateTable('donations')
      .set({ status: to, decided_by: actorUserId, decided_at: now, decline_reason: to === 'declined' ? input.reason : null })
      .where('id', '=', d.id)
      .execute();
    await appendAudit(trx, {
      actorUserId,
      action: to === 'accepted' ? 'donation.accept' : 'donation.decline',
      target: `donation:${d.id}`,
      detail: { projectId: d.project_id, kind: d.kind, ...(to === 'declined' ? { reason: input.reason } : {}) },
    });
    return { ok: true as const, status: to };
  });
}

/** Staff record receipt of an accepted donation: the date and, for money, the receipt number. */
export async function receiveDonation(
  db: DB,
  actorUserId: number,
  input: { donationId: number; receivedOn: string; receiptNo: string | null },
  now = new Date(),
): Promise<{ ok: true; projectId: number } | Refusal> {
  return db.transaction().execute(async (trx) => {
    const d = await lockedStatus(trx, input.donationId);
    if (!d) return { ok: false as const, error: 'err.notFound' };
    if (!canMove(d.status, 'received')) return { ok: false as const, error: 'err.donationState' };
    // a receipt is dated between the day of the offer and today (China time)
    if (input.receivedOn > chinaDate(now) || input.receivedOn < chinaDate(d.offered_at))
      return { ok: false as const, error: 'err.receivedOn', field: 'receivedOn' };
    if (d.kind === 'money' && !input.receiptNo) return { ok: false as const, error: 'err.receiptNoRequired', field: 'receiptNo' };
    await trx
      .updateTable('donations')
      .set({ status: 'received', received_by: actorUserId, received_on: input.receivedOn, receipt_no: d.kind === 'money' ? input.receiptNo : null })
      .where('id', '=', d.id)
      .execute();
    await appendAudit(trx, {
      actorUserId,
      action: 'donation.receive',
      target: `donation:${d.id}`,
      detail: {
        projectId: d.project_id,
        kind: d.kind,
        receivedOn: input.receivedOn,
        ...(d.kind === 'money' ? { amountFen: d.amount_fen, receiptNo: input.receiptNo } : {}),
      },
    });
    return { ok: true as const, projectId: d.project_id };
  });
}
