import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { formatDateTime, hasKey, translator } from '../../../i18n/index.ts';
import { neutraliseCell } from '../../volunteering/core/rules.ts';
import type { DonationKind, DonationStatus } from '../tables.ts';
import type { Resource } from '../../policy/can.ts';
import { projectResource } from '../../projects/admin-queries.ts';

type DB = Kysely<Database>;

/** Open offers: the office still has to reach the donor (to accept, or to collect what was accepted). */
const TO_CONTACT: readonly DonationStatus[] = ['offered', 'accepted'];

export interface DonationExportRow {
  id: number;
  status: DonationStatus;
  kind: DonationKind;
  amountFen: number | null;
  goodsWhat: string | null;
  goodsQuantity: number | null;
  labourSkill: string | null;
  labourHours: number | null;
  /** the name shown on the board, null: anonymous */
  displayName: string | null;
  /** the donor's account name, as the office's donations page shows it */
  donorAccount: string;
  /** only while the office must contact the donor (offered, accepted); null once decided for good (declined, received) */
  phone: string | null;
  offeredAt: Date;
  decidedAt: Date | null;
  declineReason: string | null;
  receivedOn: string | null;
  receiptNo: string | null;
}

/**
 * Every donation offered to one project, oldest first, for the office's sheet. Personal data
 * is kept to what the office needs: the account name it already sees, and the phone number
 * only of offers still open, whose donor it has to reach; never an id number or address.
 * The caller has authorised the actor for the project (`donation.manage`).
 */
export async function donationExportRows(db: DB, projectId: number): Promise<DonationExportRow[]> {
  const rows = await db
    .selectFrom('donations as d')
    .innerJoin('users as u', 'u.id', 'd.donor_user_id')
    .where('d.project_id', '=', projectId)
    .select([
      'd.id',
      'd.status',
      'd.kind',
      'd.amount_fen',
      'd.goods_what',
      'd.goods_quantity',
      'd.labour_skill',
      'd.labour_hours',
      'd.display_name',
      'u.display_name as donor_account',
      'u.phone',
      'd.offered_at',
      'd.decided_at',
      'd.decline_reason',
      'd.received_on',
      'd.receipt_no',
    ])
    .orderBy('d.offered_at')
    .orderBy('d.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status as DonationStatus,
    kind: r.kind as DonationKind,
    amountFen: r.amount_fen,
    goodsWhat: r.goods_what,
    goodsQuantity: r.goods_quantity,
    labourSkill: r.labour_skill,
    labourHours: r.labour_hours,
    displayName: r.display_name,
    donorAccount: r.donor_account,
    phone: TO_CONTACT.includes(r.status as DonationStatus) ? r.phone : null,
    offeredAt: r.offered_at,
    decidedAt: r.decided_at,
    declineReason: r.decline_reason,
    receivedOn: r.received_on,
    receiptNo: r.receipt_no,
  }));
}

/** The project named by its code, with where it sits (for can()): null when there is none. */
export async function donationExportProject(db: DB, code: string): Promise<(Resource & { projectId: number; code: string; title: string }) | null> {
  const p = await db.selectFrom('projects').select(['id', 'title']).where('code', '=', code).executeTakeFirst();
  if (!p) return null;
  const r = await projectResource(db, p.id);
  return r && { ...r, title: p.title };
}

/** The columns of the sheet, in order (Chinese headers, as the office files it). */
export const DONATION_EXPORT_COLUMNS = [
  'id',
  'status',
  'kind',
  'amount',
  'goodsWhat',
  'goodsQuantity',
  'labourSkill',
  'labourHours',
  'shownAs',
  'account',
  'phone',
  'offeredAt',
  'decidedAt',
  'declineReason',
  'receivedOn',
  'receiptNo',
] as const;

/**
 * One project's donations as .xlsx: a row per offer with its state and dates, then the money
 * received (the sum the budget shows against 社会捐助). Money is a number in yuan (two
 * decimals); every text a person typed is neutralised against spreadsheet formulas.
 */
export async function donationsWorkbook(project: { code: string; title: string }, rows: readonly DonationExportRow[]): Promise<Uint8Array> {
  const t = translator('zh');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(t('donations.export.sheet'));
  sheet.addRow([`${neutraliseCell(project.code)} ${neutraliseCell(project.title)}`]);
  sheet.addRow(DONATION_EXPORT_COLUMNS.map((c) => t(`donations.export.${c}`)));
  const text = (s: string | null) => (s === null ? '' : neutraliseCell(s));
  const reason = (s: string | null) => (s === null ? '' : hasKey(s) ? t(s as never) : neutraliseCell(s));
  for (const r of rows) {
    sheet.addRow([
      r.id,
      t(`donations.status.${r.status}`),
      t(`donations.kind.${r.kind}`),
      r.amountFen === null ? '' : r.amountFen / 100,
      text(r.goodsWhat),
      r.goodsQuantity ?? '',
      text(r.labourSkill),
      r.labourHours ?? '',
      r.displayName === null ? t('donations.anonymous') : neutraliseCell(r.displayName),
      neutraliseCell(r.donorAccount),
      r.phone ?? '',
      formatDateTime(r.offeredAt, 'zh'),
      r.decidedAt ? formatDateTime(r.decidedAt, 'zh') : '',
      reason(r.declineReason),
      r.receivedOn ?? '',
      text(r.receiptNo),
    ]);
  }
  const receivedFen = rows.filter((r) => r.status === 'received' && r.kind === 'money').reduce((a, r) => a + (r.amountFen ?? 0), 0);
  sheet.addRow([t('donations.export.receivedTotal'), '', '', receivedFen / 100]);
  sheet.getColumn(4).numFmt = '0.00';
  sheet.getRow(2).font = { bold: true };
  sheet.columns.forEach((col) => {
    col.width = 14;
  });
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as unknown as Uint8Array);
}
