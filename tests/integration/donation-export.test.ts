import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { decideDonation, offerDonation, receiveDonation } from '../../src/features/donations/commands/index.ts';
import { donationExportProject, donationExportRows, donationsWorkbook } from '../../src/features/donations/queries/export.ts';

// The office's donation sheet on both engines, read back from the .xlsx: one row per offer
// of the project (no other project's), in all four states, with the donor's phone only on
// offers still open; text a donor typed never becomes a formula; the money received adds up.

const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

describe.each(BACKENDS)('donation export on %s', (kind) => {
  let open: OpenDatabase;
  let sheet: ExcelJS.Worksheet;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const fx = await hebinEstate(open.db);
    const project = async (code: string) =>
      (
        await open.db
          .insertInto('projects')
          .values({ code, subdistrict_id: fx.subId, title: `${code} 改造`, batch_year: 2026, stage: 3, published_at: new Date('2026-01-01T00:00:00Z') })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const mine = await project('ZH-X-1');
    const other = await project('ZH-X-2');
    const donor = (
      await open.db
        .insertInto('users')
        .values({ phone: '13600000401', password_hash: 'x', display_name: '=1+1 账户' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const offer = async (name: string, what: Parameters<typeof offerDonation>[2]['what'], displayName: string | null = null, projectId = mine) => {
      const r = await offerDonation(open.db, donor, { projectId, what, displayName });
      if (!r.ok) throw new Error(r.error);
      ids[name] = r.donationId;
      return r.donationId;
    };
    await offer('open', { kind: 'labour', labourSkill: '电工', labourHours: 4 });
    await offer('accepted', { kind: 'goods', goodsWhat: '@SUM(A1) 水泥', goodsQuantity: 20 }, '王师傅');
    await decideDonation(open.db, fx.staffId, { donationId: ids.accepted!, decision: 'accept', reason: null });
    await offer('declined', { kind: 'money', amountFen: 5_000 });
    await decideDonation(open.db, fx.staffId, { donationId: ids.declined!, decision: 'decline', reason: '已足额' });
    for (const [name, fen, receipt] of [
      ['received1', 123_456, 'R-1'],
      ['received2', 99, '+R-2'],
    ] as const) {
      await offer(name, { kind: 'money', amountFen: fen }, name === 'received1' ? '李四' : null);
      await decideDonation(open.db, fx.staffId, { donationId: ids[name]!, decision: 'accept', reason: null });
      await receiveDonation(open.db, fx.staffId, { donationId: ids[name]!, receivedOn: TODAY, receiptNo: receipt });
    }
    await offer('elsewhere', { kind: 'money', amountFen: 7_00 }, null, other);

    const p = (await donationExportProject(open.db, 'ZH-X-1'))!;
    expect(p).toMatchObject({ projectId: mine, code: 'ZH-X-1', subdistrictId: fx.subId });
    const bytes = await donationsWorkbook(p, await donationExportRows(open.db, p.projectId));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(bytes) as never);
    sheet = book.worksheets[0]!;
  });
  afterAll(() => open.close());

  const cells = (r: number) => (sheet.getRow(r).values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : v));
  const byId = () => new Map(Array.from({ length: sheet.rowCount - 3 }, (_, i) => cells(i + 3)).map((c) => [Number(c[0]), c]));

  it('lists every offer of the project, in every state, and none of another project', () => {
    expect(sheet.name).toBe('捐赠登记');
    expect(cells(1)).toEqual(['ZH-X-1 ZH-X-1 改造']);
    expect(cells(2)).toEqual([
      '编号',
      '状态',
      '捐赠方式',
      '金额（元）',
      '物品名称',
      '数量（件）',
      '技能或工种',
      '小时数',
      '公示名',
      '捐赠人账户',
      '联系电话（仅待处理）',
      '提交时间',
      '处理时间',
      '不接受的理由',
      '收到日期',
      '收据编号',
    ]);
    const rows = byId();
    expect([...rows.keys()].sort((a, b) => a - b)).toEqual([ids.open, ids.accepted, ids.declined, ids.received1, ids.received2]);
    expect(rows.get(ids.open!)!.slice(1, 9)).toEqual(['待确认', '投劳', '', '', '', '电工', 4, '匿名']);
    expect(rows.get(ids.accepted!)!.slice(1, 9)).toEqual(['已接受，待收取', '捐物', '', "'@SUM(A1) 水泥", 20, '', '', '王师傅']);
    expect(rows.get(ids.declined!)!.slice(1, 4)).toEqual(['未接受', '捐款', 50]);
    expect(rows.get(ids.declined!)![13]).toBe('已足额');
    expect(rows.get(ids.received1!)!.slice(1, 4)).toEqual(['已收到', '捐款', 1234.56]);
    expect(rows.get(ids.received1!)!.slice(14)).toEqual([TODAY, 'R-1']);
    expect(rows.get(ids.received2!)!.slice(14)).toEqual([TODAY, "'+R-2"]);
  });

  it("gives the donor's phone only on offers the office still has to follow up, and never lets typed text become a formula", () => {
    const rows = byId();
    expect(rows.get(ids.open!)![10]).toBe('13600000401');
    expect(rows.get(ids.accepted!)![10]).toBe('13600000401');
    for (const done of [ids.declined, ids.received1, ids.received2]) expect(rows.get(done!)![10]).toBe('');
    for (const c of rows.values()) expect(c[9]).toBe("'=1+1 账户");
    for (let r = 1; r <= sheet.rowCount; r++) sheet.getRow(r).eachCell((cell) => expect(cell.formula ?? null).toBeNull());
  });

  it('ends with the money received, the sum of the received money offers', () => {
    expect(cells(sheet.rowCount)).toEqual(['已收到捐款合计', '', '', (123_456 + 99) / 100]);
  });
});
