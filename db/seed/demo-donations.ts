import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';

// Demo mode only: one received donation of money, on a published demo project of 河滨 that
// plans a 社会捐助 line, so that the board (捐赠公示) and the received figure have something
// to show. Marked is_demo; it goes through the states the database allows (migration 0022).

export const DEMO_DONATION = { kind: 'money', amountFen: 200_000, displayName: null, receiptNo: 'DEMO-0001', receivedOn: '2026-03-02' } as const;

export async function seedDemoDonation(db: Kysely<Database>, donorUserId: number, staffUserId: number): Promise<number | null> {
  const project = await db
    .selectFrom('projects')
    .innerJoin('subdistricts', 'subdistricts.id', 'projects.subdistrict_id')
    .where('subdistricts.code', '=', 'hebin')
    .where('projects.is_demo', '=', true)
    .where('projects.published_at', 'is not', null)
    .where((eb) =>
      eb.exists(eb.selectFrom('budget_lines').whereRef('budget_lines.project_id', '=', 'projects.id').where('budget_lines.channel', '=', 'donations')),
    )
    .select('projects.id')
    .orderBy('projects.code', 'desc')
    .executeTakeFirst();
  if (!project) return null;
  const d = DEMO_DONATION;
  const offeredAt = new Date(`2026-03-01T02:00:00Z`);
  const row = await db
    .insertInto('donations')
    .values({
      project_id: project.id,
      donor_user_id: donorUserId,
      kind: d.kind,
      amount_fen: d.amountFen,
      display_name: d.displayName,
      offered_at: offeredAt,
      is_demo: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('donations')
    .set({ status: 'accepted', decided_by: staffUserId, decided_at: new Date('2026-03-01T06:00:00Z') })
    .where('id', '=', row.id)
    .execute();
  await db
    .updateTable('donations')
    .set({ status: 'received', received_by: staffUserId, received_on: d.receivedOn, receipt_no: d.receiptNo })
    .where('id', '=', row.id)
    .execute();
  return row.id;
}
