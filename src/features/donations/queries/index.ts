import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { can, type Actor, type Resource } from '../../policy/can.ts';
import { projectResource } from '../../projects/admin-queries.ts';
import type { DonationKind, DonationStatus } from '../tables.ts';
import { readableArea, readsOfficeLists } from '../../geography/scope.ts';

type DB = Kysely<Database>;

/** What was given: one of the three shapes, as the board, the account page and the office show it. */
export interface DonationGift {
  kind: DonationKind;
  amountFen: number | null;
  goodsWhat: string | null;
  goodsQuantity: number | null;
  labourSkill: string | null;
  labourHours: number | null;
}

/** One line of the public donation board (捐赠公示): never who gave, unless they chose a name to show. */
export interface BoardEntry extends DonationGift {
  id: number;
  /** null: anonymous (匿名) */
  displayName: string | null;
  receivedOn: string;
}

const giftColumns = [
  'donations.kind',
  'donations.amount_fen',
  'donations.goods_what',
  'donations.goods_quantity',
  'donations.labour_skill',
  'donations.labour_hours',
] as const;
const gift = (r: {
  kind: DonationKind;
  amount_fen: number | null;
  goods_what: string | null;
  goods_quantity: number | null;
  labour_skill: string | null;
  labour_hours: number | null;
}): DonationGift => ({
  kind: r.kind,
  amountFen: r.amount_fen,
  goodsWhat: r.goods_what,
  goodsQuantity: r.goods_quantity,
  labourSkill: r.labour_skill,
  labourHours: r.labour_hours,
});

/** The received donations of some projects, newest receipt first, keyed by project id. */
export async function donationBoards(db: DB, projectIds: number[] | null): Promise<Map<number, BoardEntry[]>> {
  let q = db
    .selectFrom('donations')
    .where('donations.status', '=', 'received')
    .select(['donations.id', 'donations.project_id', 'donations.display_name', 'donations.received_on', ...giftColumns])
    .orderBy('donations.received_on', 'desc')
    .orderBy('donations.id', 'desc');
  if (projectIds) {
    if (projectIds.length === 0) return new Map();
    q = q.where('donations.project_id', 'in', projectIds);
  }
  const out = new Map<number, BoardEntry[]>();
  for (const r of await q.execute()) {
    const entry: BoardEntry = { id: r.id, displayName: r.display_name, receivedOn: r.received_on!, ...gift(r) };
    const list = out.get(r.project_id);
    if (list) list.push(entry);
    else out.set(r.project_id, [entry]);
  }
  return out;
}

/** Money received, in fen, per project: the sum the budget shows against 社会捐助. */
export async function receivedMoneyByProject(db: DB): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('donations')
    .where('status', '=', 'received')
    .where('kind', '=', 'money')
    .groupBy('project_id')
    .select(['project_id', sql<string>`sum(amount_fen)`.as('fen')])
    .execute();
  return new Map(rows.map((r) => [r.project_id, Number(r.fen)]));
}

/** The donor's own offers, newest first, with the project and what became of each. */
export async function donationsOf(db: DB, userId: number) {
  const rows = await db
    .selectFrom('donations')
    .innerJoin('projects', 'projects.id', 'donations.project_id')
    .where('donations.donor_user_id', '=', userId)
    .select([
      'donations.id',
      'donations.status',
      'donations.display_name',
      'donations.offered_at',
      'donations.decline_reason',
      'donations.received_on',
      'projects.code',
      'projects.title',
      'projects.title_en',
      ...giftColumns,
    ])
    .orderBy('donations.offered_at', 'desc')
    .orderBy('donations.id', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status as DonationStatus,
    displayName: r.display_name,
    offeredAt: r.offered_at,
    declineReason: r.decline_reason,
    receivedOn: r.received_on,
    project: { code: r.code, title: r.title, titleEn: r.title_en },
    ...gift(r),
  }));
}

/** Where a donation sits, for can(): its project's subdistrict and community. */
export async function donationResource(
  db: DB,
  donationId: number,
): Promise<(Resource & { donationId: number; projectId: number; projectCode: string }) | null> {
  const d = await db.selectFrom('donations').select(['id', 'project_id']).where('id', '=', donationId).executeTakeFirst();
  if (!d) return null;
  const p = await projectResource(db, d.project_id);
  if (!p) return null;
  return { donationId: d.id, projectId: d.project_id, projectCode: p.code, subdistrictId: p.subdistrictId, communityId: p.communityId };
}

/**
 * Offers on the projects an office manages, open ones (offered, accepted) first; the province
 * admin reads every district's (`districtId` narrows to one) and manages none.
 */
export async function officeDonations(db: DB, actor: Actor, districtId: number | null = null) {
  if (!readsOfficeLists(actor)) return [];
  const q = db
    .selectFrom('donations')
    .innerJoin('projects', 'projects.id', 'donations.project_id')
    .innerJoin('districts', 'districts.id', 'projects.district_id')
    .innerJoin('users', 'users.id', 'donations.donor_user_id')
    .select([
      'donations.id',
      'donations.status',
      'donations.display_name',
      'donations.offered_at',
      'donations.decline_reason',
      'donations.received_on',
      'donations.receipt_no',
      'projects.id as project_id',
      'projects.code',
      'projects.title',
      'projects.subdistrict_id',
      'districts.name as district',
      'districts.name_en as district_en',
      'users.display_name as donor_account',
      ...giftColumns,
    ])
    .where(readableArea(actor, 'projects.subdistrict_id', districtId))
    .orderBy(sql`case donations.status when 'offered' then 0 when 'accepted' then 1 else 2 end`)
    .orderBy('donations.offered_at', 'desc')
    .orderBy('donations.id', 'desc')
    .limit(500);
  const rows = await q.execute();
  // community staff: only projects of their community (the same rule as can()); the province admin reads all
  const resources = new Map<number, Resource | null>();
  if (actor.role !== 'province_admin') for (const id of new Set(rows.map((r) => r.project_id))) resources.set(id, await projectResource(db, id));
  return rows
    .filter((r) => actor.role === 'province_admin' || can(actor, 'donation.manage', resources.get(r.project_id) ?? {}))
    .map((r) => ({
      id: r.id,
      status: r.status as DonationStatus,
      displayName: r.display_name,
      offeredAt: r.offered_at,
      declineReason: r.decline_reason,
      receivedOn: r.received_on,
      receiptNo: r.receipt_no,
      donorAccount: r.donor_account,
      project: { id: r.project_id, code: r.code, title: r.title },
      district: { name: r.district, nameEn: r.district_en },
      ...gift(r),
    }));
}
