import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { addChild, removeChild, transitionStage, updateBudgetLine } from '../../src/features/projects/admin-service.ts';
import { createScheme, openPledging, pledge, postScheme, recordPayment } from '../../src/features/costshare/commands/index.ts';
import type { SchemeContent } from '../../src/features/costshare/core/schemas.ts';
import { openRating, rateProject } from '../../src/features/ratings/commands/index.ts';
import { householdsFor } from '../../src/features/ratings/queries/index.ts';
import { decideDonation, offerDonation, receiveDonation } from '../../src/features/donations/commands/index.ts';
import { currentMonth, monthlyFigures, type ReportColumn } from '../../src/features/reports/queries/month.ts';
import { reportScope } from '../../src/features/reports/queries/access.ts';
import { reportTable } from '../../src/features/reports/core/table.ts';
import { reportCsv, reportWorkbook } from '../../src/features/reports/export.ts';
import { translator } from '../../src/i18n/index.ts';
import ExcelJS from 'exceljs';
import { zhanhe } from '../support/districts.ts';

// The monthly report on both engines, from hand-made events in March and April 2026 in two
// subdistricts (河滨 with project H, 北渡 with project B), put in through the staff and
// owners' commands with their clocks. Expected figures are typed by hand:
//   stages  H: → 3 on 03-05 (March: started), → 4 on 04-01 (April: finished)
//           B: → 2 on 03-31 (March, the month's last day), → 3 on 04-30 (April: started)
//   budget  H: city 500,000.00, residents 240,000.00; B: district 300,000.00; published
//           2026-02-01. Edited today (city → 550,000.00 on H and its residents line deleted,
//           a donations line of 10,000.00 added to B): March and April still show the
//           budget as it stood then.
//   pledges H (a lift scheme): 500.00 on 03-10, 600.00 at 2026-04-01 00:30 China time
//           (2026-03-31T16:30Z: April, not March); paid 500.00 on 03-31 and 600.00 on 04-02.
//   ratings H: one household all 4s on 04-10 (April: 1 new, 40 over 10, mean 4.00); one all
//           5s at 2026-05-01 00:30 China time (May, not April).
//   gifts   B: 200.00 offered, accepted and received today (the current month only).
const KEY = parseIdKey(`v1:${Buffer.alloc(32, 9).toString('base64')}`);
const T0 = new Date('2026-03-02T02:00:00Z');
const AFTER_POSTING = new Date('2026-03-10T02:00:00Z');
const APRIL_FIRST_0030 = new Date('2026-03-31T16:30:00Z');
const MAY_FIRST_0030 = new Date('2026-04-30T16:30:00Z');

const lift = (estateId: number): SchemeContent => ({
  title: '1 栋 1 单元加装电梯',
  item: '加装电梯一部',
  estateId,
  building: '1',
  entrance: '1',
  method: 'tiered',
  weightByArea: false,
  coefficients: { '1': '0', '2': '0.6', '3': '0.8', '4': '1', '5': '1.2', '6': '1.4' },
  amounts: null,
  totalYuan: '240000.00',
  targetFen: null,
  pledgeDeadline: '2026-04-30',
  postingDays: 7,
  ballotId: null,
  ballotMatter: null,
});
const all = (n: number) => ({ g1: n, g2: n, g3: n, g4: n, g5: n, g6: n, g7: n, g8: n, g9: n, g10: n });

describe.each(BACKENDS)('monthly report on %s', (kind) => {
  let open: OpenDatabase;
  let hebin: { subId: number; staffId: number };
  let beiduId: number;
  let beiduStaffId: number;
  let adminId: number;

  const column = (cols: ReportColumn[], code: string | null) => cols.find((c) => c.code === code)!;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const db = open.db;
    const fx = await hebinEstate(db);
    hebin = { subId: fx.subId, staffId: fx.staffId };
    await importSampleRegister(db, fx.estateId, fx.staffId, KEY);
    const owners = await verifiedOwners(db, 12, '1391111');
    beiduId = (
      await db
        .insertInto('subdistricts')
        .values({ district_id: await zhanhe(db), code: 'beidu', name: '北渡街道', name_en: 'Beidu' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    beiduStaffId = (
      await db
        .insertInto('users')
        .values({ phone: '13700000002', password_hash: 'x', display_name: '北渡', role: 'staff', subdistrict_id: beiduId })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    adminId = (
      await db
        .insertInto('users')
        .values({ phone: '13700000000', password_hash: 'x', display_name: '区', role: 'district_admin', district_id: await zhanhe(db) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    // two projects, their budgets entered before they were published (no history yet)
    const project = async (code: string, subId: number, stage: 1 | 2, lines: { channel: string; amount_fen: number }[]) => {
      const p = await db
        .insertInto('projects')
        .values({ code, subdistrict_id: subId, title: code, batch_year: 2026, stage })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('project_estates').values({ project_id: p.id, estate_id: fx.estateId }).execute();
      const ids = [];
      for (const l of lines)
        ids.push(
          (
            await db
              .insertInto('budget_lines')
              .values({ project_id: p.id, ...l })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id,
        );
      await db
        .updateTable('projects')
        .set({ published_at: new Date('2026-02-01T00:00:00+08:00') })
        .where('id', '=', p.id)
        .execute();
      return { id: p.id, lines: ids };
    };
    const h = await project('ZH-H', fx.subId, 2, [
      { channel: 'city', amount_fen: 50_000_000 },
      { channel: 'residents', amount_fen: 24_000_000 },
    ]);
    const b = await project('ZH-B', beiduId, 1, [{ channel: 'district', amount_fen: 30_000_000 }]);

    const ok = (r: { ok: boolean }) => expect(r).toMatchObject({ ok: true });
    ok(await transitionStage(db, fx.staffId, h.id, 3, '2026-03-05', null));
    ok(await transitionStage(db, beiduStaffId, b.id, 2, '2026-03-31', null));
    ok(await transitionStage(db, fx.staffId, h.id, 4, '2026-04-01', null));
    ok(await transitionStage(db, beiduStaffId, b.id, 3, '2026-04-30', null));

    // edits made today, after April
    ok(await updateBudgetLine(db, fx.staffId, h.id, h.lines[0]!, 55_000_000, null));
    await addChild(db, beiduStaffId, 'budget_lines', b.id, { channel: 'donations', amount_fen: 1_000_000, note: null });
    ok(await removeChild(db, fx.staffId, 'budget_lines', h.id, h.lines[1]!));

    const c = await createScheme(db, fx.staffId, { projectId: h.id, content: lift(fx.estateId) }, T0);
    if (!c.ok) throw new Error(c.error);
    ok(await postScheme(db, fx.staffId, { schemeId: c.schemeId }, T0));
    ok(await openPledging(db, fx.staffId, { schemeId: c.schemeId }, AFTER_POSTING));
    const householdNo = async (unitId: number) =>
      (
        await db
          .selectFrom('cost_scheme_shares as s')
          .innerJoin('cost_scheme_households as hh', 'hh.id', 's.household_id')
          .where('s.unit_id', '=', unitId)
          .select('hh.no')
          .executeTakeFirstOrThrow()
      ).no;
    const [, , , o3, o4] = owners;
    const p1 = await pledge(
      db,
      o3!.userId,
      { schemeId: c.schemeId, householdNo: await householdNo(o3!.unitId), amountFen: 50_000, reason: '自愿' },
      AFTER_POSTING,
    );
    const p2 = await pledge(
      db,
      o4!.userId,
      { schemeId: c.schemeId, householdNo: await householdNo(o4!.unitId), amountFen: 60_000, reason: '自愿' },
      APRIL_FIRST_0030,
    );
    if (!p1.ok || !p2.ok) throw new Error('pledge refused');
    const pay = (pledgeId: number, amountFen: number, paidOn: string, receiptNo: string) =>
      recordPayment(db, fx.staffId, { pledgeId, amountFen, paidOn, method: 'cash', receiptNo, scanKey: null }, new Date(`${paidOn}T04:00:00Z`));
    ok(await pay(p1.pledgeId, 50_000, '2026-03-31', 'R-1'));
    ok(await pay(p2.pledgeId, 60_000, '2026-04-02', 'R-2'));

    ok(await openRating(db, fx.staffId, { projectId: h.id }));
    const [hh3] = await householdsFor(db, h.id, o3!.userId);
    const [hh4] = await householdsFor(db, h.id, o4!.userId);
    ok(await rateProject(db, o3!.userId, { projectId: h.id, householdId: hh3!.id, scores: all(4), comment: null }, new Date('2026-04-10T02:00:00Z')));
    ok(await rateProject(db, o4!.userId, { projectId: h.id, householdId: hh4!.id, scores: all(5), comment: null }, MAY_FIRST_0030));

    const donor = (
      await db.insertInto('users').values({ phone: '13600000777', password_hash: 'x', display_name: 'd' }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const d = await offerDonation(db, donor, { projectId: b.id, what: { kind: 'money', amountFen: 20_000 }, displayName: null });
    if (!d.ok) throw new Error(d.error);
    ok(await decideDonation(db, beiduStaffId, { donationId: d.donationId, decision: 'accept', reason: null }));
    ok(
      await receiveDonation(db, beiduStaffId, {
        donationId: d.donationId,
        receivedOn: currentMonth() + new Date(Date.now() + 8 * 3_600_000).toISOString().slice(7, 10),
        receiptNo: 'D-1',
      }),
    );
  });
  afterAll(async () => open?.close());

  it('adds up March by subdistrict and for the district', async () => {
    const cols = await monthlyFigures(open.db, { from: '2026-03', to: '2026-03' }, { kind: 'district', id: await zhanhe(open.db) });
    expect(cols.map((c) => c.code)).toEqual([null, 'beidu', 'hebin']);
    const march = (code: string | null) => column(cols, code).months.get('2026-03')!;
    expect(march('hebin')).toMatchObject({
      'stage.2': 0,
      'stage.3': 1,
      'projects.started': 1,
      'projects.finished': 0,
      'budget.city': 50_000_000,
      'budget.residents': 24_000_000,
      'budget.district': 0,
      'money.residentsPaid': 50_000,
      'money.residentsToDate': 50_000,
      'pledges.count': 1,
      'pledges.amount': 50_000,
      'ratings.new': 0,
    });
    expect(march('beidu')).toMatchObject({
      'stage.2': 1,
      'stage.3': 0,
      'projects.started': 0,
      'budget.district': 30_000_000,
      'budget.donations': 0,
      'pledges.count': 0,
    });
    expect(march(null)).toMatchObject({
      'stage.2': 1,
      'stage.3': 1,
      'projects.started': 1,
      'budget.city': 50_000_000,
      'budget.residents': 24_000_000,
      'budget.district': 30_000_000,
      'budget.donations': 0,
      'money.residentsPaid': 50_000,
      'pledges.count': 1,
      'pledges.amount': 50_000,
    });
  });

  it('puts an event at 00:30 China time on the 1st into the new month, and carries the paid money forward', async () => {
    const cols = await monthlyFigures(open.db, { from: '2026-04', to: '2026-05' }, { kind: 'district', id: await zhanhe(open.db) });
    const april = (code: string | null) => column(cols, code).months.get('2026-04')!;
    expect(april('hebin')).toMatchObject({
      'stage.4': 1,
      'projects.started': 0,
      'projects.finished': 1,
      'budget.city': 50_000_000,
      'budget.residents': 24_000_000,
      'money.residentsPaid': 60_000,
      'money.residentsToDate': 110_000,
      'pledges.count': 1,
      'pledges.amount': 60_000,
      'ratings.new': 1,
      'ratings.goalSum': 40,
      'ratings.goalCount': 10,
    });
    expect(april('beidu')).toMatchObject({ 'stage.3': 1, 'projects.started': 1, 'budget.district': 30_000_000, 'budget.donations': 0 });
    expect(april(null)).toMatchObject({ 'stage.3': 1, 'stage.4': 1, 'projects.started': 1, 'projects.finished': 1, 'money.residentsToDate': 110_000 });
    const may = column(cols, 'hebin').months.get('2026-05')!;
    expect(may).toMatchObject({ 'ratings.new': 1, 'ratings.goalSum': 50, 'money.residentsPaid': 0, 'money.residentsToDate': 110_000, 'stage.4': 0 });
  });

  it('shows today’s budget and today’s donation in the current month', async () => {
    const month = currentMonth();
    const cols = await monthlyFigures(open.db, { from: month, to: month }, { kind: 'district', id: await zhanhe(open.db) });
    const now = (code: string | null) => column(cols, code).months.get(month)!;
    expect(now('hebin')).toMatchObject({ 'budget.city': 55_000_000, 'budget.residents': 0, 'money.donorsPaid': 0 });
    expect(now('beidu')).toMatchObject({
      'budget.donations': 1_000_000,
      'donations.offered': 1,
      'donations.received': 1,
      'money.donorsPaid': 20_000,
      'money.donorsToDate': 20_000,
    });
    expect(now(null)).toMatchObject({ 'budget.city': 55_000_000, 'budget.donations': 1_000_000, 'money.donorsToDate': 20_000 });
  });

  it('a subdistrict’s report holds only its own figures, and only its staff and the district may read it', async () => {
    const cols = await monthlyFigures(open.db, { from: '2026-03', to: '2026-04' }, { kind: 'subdistrict', id: hebin.subId });
    expect(cols.map((c) => c.code)).toEqual(['hebin']);
    expect(cols[0]!.months.get('2026-03')).toMatchObject({ 'stage.2': 0, 'budget.district': 0, 'stage.3': 1 });
    expect(cols[0]!.months.get('2026-04')).toMatchObject({ 'stage.3': 0, 'stage.4': 1 });
    const zh = await zhanhe(open.db);
    const district = { id: zh, subdistrictIds: [hebin.subId, beiduId] };
    const actor = (id: number, role: 'staff' | 'district_admin', subdistrictId: number | null) => ({ id, role, subdistrictId, communityId: null, district });
    expect(await reportScope(open.db, actor(hebin.staffId, 'staff', hebin.subId), null)).toMatchObject({
      ok: true,
      scope: { kind: 'subdistrict', code: 'hebin' },
    });
    expect(await reportScope(open.db, actor(hebin.staffId, 'staff', hebin.subId), 'hebin')).toMatchObject({ ok: true });
    expect(await reportScope(open.db, actor(beiduStaffId, 'staff', beiduId), 'hebin')).toEqual({ ok: false, status: 403 });
    expect(await reportScope(open.db, actor(beiduStaffId, 'staff', beiduId), 'nowhere')).toEqual({ ok: false, status: 404 });
    expect(await reportScope(open.db, { id: 99, role: 'resident', subdistrictId: null, communityId: null }, null)).toEqual({ ok: false, status: 403 });
    expect(await reportScope(open.db, actor(adminId, 'district_admin', null), null)).toEqual({
      ok: true,
      scope: { kind: 'district', id: zh, code: '410411', name: '湛河区', nameEn: 'Zhanhe District' },
    });
    expect(await reportScope(open.db, actor(adminId, 'district_admin', null), 'beidu')).toMatchObject({ ok: true, scope: { code: 'beidu' } });
  });

  it('writes the same figures to the XLSX and the CSV', async () => {
    const t = translator('zh');
    const cols = await monthlyFigures(open.db, { from: '2026-04', to: '2026-04' }, { kind: 'district', id: await zhanhe(open.db) });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await reportWorkbook(reportTable(cols, '2026-04', 'zh', t), 'r', t)) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const byKey = new Map<string, unknown[]>();
    sheet.eachRow((row) => {
      const v = (row.values as unknown[]).slice(1);
      byKey.set(String(v[1]), v.slice(3));
    });
    // district, beidu, hebin
    expect(byKey.get('money.residentsToDate')).toEqual([1100, 0, 1100]);
    expect(byKey.get('budget.district')).toEqual([300000, 300000, 0]);
    expect(byKey.get('ratings.mean')).toEqual([4, '', 4]);
    const csv = reportCsv(reportTable(cols, '2026-04', 'zh', t, true), t);
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv).toContain('money.residentsToDate,居民累计实缴，扣除退款（元）,1100.00,0.00,1100.00');
    expect(csv).toContain('ratings.mean,当月评分平均（分）,4.00,—,4.00');
  });
});
