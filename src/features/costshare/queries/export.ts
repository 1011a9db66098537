import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { neutraliseCell } from '../../../lib/files/spreadsheet-cell.ts';
import { formatDateTime, translator } from '../../../i18n/index.ts';
import { fenToDecimal } from '../../funding/money.ts';
import { officePledges } from './index.ts';

// The office's sheet of a scheme's pledges and payments (Chinese headers, as the office files
// it): one row per pledge of every version, with its payment and refund. Amounts are numbers
// in yuan with two decimals; every text cell is neutralised against formulas.

type DB = Kysely<Database>;

export async function pledgesWorkbook(db: DB, schemeId: number): Promise<{ bytes: Uint8Array; rows: number }> {
  const t = translator('zh');
  const pledges = await officePledges(db, schemeId);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(t('costshare.accountTitle'));
  sheet.addRow([
    t('costshare.version', { n: '' }).trim(),
    t('adminCostshare.householdNo'),
    t('costshare.householdFlats'),
    t('costshare.householdShare'),
    t('costshare.pledgeAmount'),
    t('costshare.pledgeReason'),
    t('costshare.status'),
    t('adminCostshare.account'),
    t('adminCostshare.channel.online') + '/' + t('adminCostshare.channel.paper'),
    t('adminCostshare.paymentAmount'),
    t('adminCostshare.paidOn'),
    t('adminCostshare.payMethod'),
    t('adminCostshare.receiptNo'),
    t('adminCostshare.refundDue'),
    t('adminCostshare.refundedOn'),
  ]);
  const yuan = (fen: number) => Number(fenToDecimal(fen));
  for (const p of [...pledges].reverse()) {
    sheet.addRow([
      p.version,
      p.householdNo,
      neutraliseCell(p.flats.join(' ')),
      yuan(p.shareFen),
      yuan(p.amountFen),
      neutraliseCell(p.reason ?? ''),
      t(`costshare.pledgeStatus.${p.status}`) + (p.releaseCause ? ` (${t(`costshare.release.${p.releaseCause}`)})` : ''),
      neutraliseCell(p.account ?? ''),
      t(`adminCostshare.channel.${p.channel}`),
      p.payment ? yuan(p.payment.amountFen) : '',
      p.payment?.paidOn ?? '',
      p.payment ? t(`adminCostshare.payMethod.${p.payment.method}`) : '',
      neutraliseCell(p.payment?.receiptNo ?? ''),
      p.payment?.refundDueAt ? formatDateTime(p.payment.refundDueAt, 'zh') : '',
      p.payment?.refund?.refundedOn ?? '',
    ]);
  }
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((col) => {
    col.width = 16;
  });
  const buffer = await workbook.xlsx.writeBuffer();
  return { bytes: new Uint8Array(buffer as unknown as Uint8Array), rows: pledges.length };
}
