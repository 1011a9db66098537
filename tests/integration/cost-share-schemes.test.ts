import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';
import {
  answerObjection,
  correctScheme,
  createScheme,
  editDraft,
  objectToScheme,
  openPledging,
  pledge,
  postScheme,
  recordPaperPledge,
  recordPayment,
  recordRefund,
  settleIfDue,
  withdrawPledge,
  withdrawScheme,
} from '../../src/features/costshare/commands/index.ts';
import type { SchemeContent } from '../../src/features/costshare/core/schemas.ts';
import { projectDisclosure } from '../../src/features/projects/disclosure.ts';
import { listProjects } from '../../src/features/projects/queries.ts';
import { projectsCsv } from '../../src/features/open-data/projects-csv.ts';
import { buildOc4idsPackage } from '../../src/features/open-data/oc4ids.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { pledgesWorkbook } from '../../src/features/costshare/queries/export.ts';
import ExcelJS from 'exceljs';
import { DEMO_SCHEME_PAYMENT_FEN } from '../../db/seed/demo-schemes.ts';
import { createPageCache, FUNDS_TAG, projectTag } from '../../src/lib/http/page-cache.ts';
import { databaseVersions } from '../../src/lib/http/page-cache-db.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Cost-share schemes on both engines: the database refuses transitions that are not allowed,
// a posted version is frozen, one live pledge per household, pledges and withdrawals racing
// keep the progress figure equal to the sum of the pledge rows; correction, lapse and funding
// release or keep pledges; payments on a released scheme are marked for refund.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 7).toString('base64')}`);
// Monday 2 March 2026, 10:00 China time; a 7-day posting ends at 24:00 of Monday 9 March
const T0 = new Date('2026-03-02T02:00:00Z');
const AFTER_POSTING = new Date('2026-03-10T02:00:00Z');
const DURING_POSTING = new Date('2026-03-05T02:00:00Z');
const DEADLINE = '2026-03-31'; // a Tuesday: pledges until 24:00 China time, 2026-03-31T16:00Z
const BEFORE_DEADLINE = new Date('2026-03-31T15:59:00Z');
const AFTER_DEADLINE = new Date('2026-03-31T16:00:00Z');

const lift = (estateId: number, over: Partial<SchemeContent> = {}): SchemeContent => ({
  title: '1 栋 1 单元加装电梯',
  item: '加装电梯一部，含井道和土建',
  estateId,
  building: '1',
  entrance: '1',
  method: 'tiered',
  weightByArea: false,
  coefficients: { '1': '0', '2': '0.6', '3': '0.8', '4': '1', '5': '1.2', '6': '1.4' },
  amounts: null,
  totalYuan: '240000.00',
  targetFen: null,
  pledgeDeadline: DEADLINE,
  postingDays: 7,
  ballotId: null,
  ballotMatter: null,
  ...over,
});

describe.each(BACKENDS)('cost-share schemes on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let projectId: number;
  let estateId: number;
  let owners: { userId: number; unitId: number }[];

  const count = async (q: string) => Number((await sql<{ n: string }>`${sql.raw(q)}`.execute(open.db)).rows[0]!.n);
  /** The household number of a unit in the current version of a scheme, read from the rows. */
  async function householdNo(schemeId: number, unitId: number) {
    const r = await open.db
      .selectFrom('cost_scheme_shares as s')
      .innerJoin('cost_scheme_households as h', 'h.id', 's.household_id')
      .innerJoin('cost_scheme_versions as v', 'v.id', 's.version_id')
      .innerJoin('cost_schemes as c', (j) => j.onRef('c.id', '=', 'v.scheme_id').onRef('c.current_version', '=', 'v.version'))
      .where('c.id', '=', schemeId)
      .where('s.unit_id', '=', unitId)
      .select(['h.no', 'h.share_fen'])
      .executeTakeFirstOrThrow();
    return r;
  }
  async function pledgingScheme(over: Partial<SchemeContent> = {}, project = projectId) {
    const c = await createScheme(open.db, staffId, { projectId: project, content: lift(estateId, over) }, T0);
    if (!c.ok) throw new Error(c.error);
    expect(await postScheme(open.db, staffId, { schemeId: c.schemeId }, T0)).toMatchObject({ ok: true, postingLastDay: '2026-03-09' });
    expect(await openPledging(open.db, staffId, { schemeId: c.schemeId }, AFTER_POSTING)).toEqual({ ok: true });
    return c.schemeId;
  }
  /** Progress as the sum of the pledge rows, added up here. */
  async function rowSum(schemeId: number) {
    const rows = await open.db.selectFrom('cost_pledges').select(['amount_fen', 'status']).where('scheme_id', '=', schemeId).execute();
    return rows.filter((r) => r.status === 'pledged' || r.status === 'paid').reduce((a, r) => a + Number(r.amount_fen), 0);
  }

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const fx = await hebinEstate(open.db);
    staffId = fx.staffId;
    estateId = fx.estateId;
    await importSampleRegister(open.db, estateId, staffId, KEY);
    projectId = (
      await open.db
        .insertInto('projects')
        .values({
          code: 'ZH-CS-1',
          subdistrict_id: fx.subId,
          title: '建设小区改造',
          batch_year: 2026,
          stage: 3,
          published_at: new Date('2026-01-01T00:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await open.db.insertInto('project_estates').values({ project_id: projectId, estate_id: estateId }).execute();
    owners = await verifiedOwners(open.db, 12, '1390000');
  });
  afterAll(() => open.close());

  it('splits the total over the entrance by the shared module: shares add up, ground floor pays nothing, co-owners are one household', async () => {
    const c = await createScheme(open.db, staffId, { projectId, content: lift(estateId) }, T0);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const shares = await open.db
      .selectFrom('cost_scheme_shares')
      .innerJoin('cost_scheme_versions as v', 'v.id', 'cost_scheme_shares.version_id')
      .where('v.scheme_id', '=', c.schemeId)
      .select(['floor', 'share_fen', 'room', 'household_id'])
      .execute();
    expect(shares).toHaveLength(12);
    expect(shares.reduce((a, s) => a + Number(s.share_fen), 0)).toBe(24_000_000);
    expect(shares.filter((s) => s.floor === 1).every((s) => Number(s.share_fen) === 0)).toBe(true);
    // weights 0.6, 0.8, 1, 1.2, 1.4 twice each: Σ = 10; floor 2 pays 0.6/10 of 240,000 yuan
    expect(shares.filter((s) => s.floor === 2).map((s) => Number(s.share_fen))).toEqual([1_440_000, 1_440_000]);
    // 12 flats, each with its own owners: 12 households
    expect(new Set(shares.map((s) => s.household_id)).size).toBe(12);
  });

  it('refuses what the states do not allow, in the database whatever writes, with a clear message', async () => {
    const c = await createScheme(open.db, staffId, { projectId, content: lift(estateId) }, T0);
    if (!c.ok) throw new Error(c.error);
    await expect(sql`update cost_schemes set status = 'funded' where id = ${c.schemeId}`.execute(open.db)).rejects.toThrow(/draft → funded is not allowed/);
    await expect(sql`update cost_schemes set status = 'posted' where id = ${c.schemeId}`.execute(open.db)).rejects.toThrow(/post the version/);
    await expect(sql`delete from cost_schemes where id = ${c.schemeId}`.execute(open.db)).rejects.toThrow(/kept/);
    // editing a draft is fine
    expect(await editDraft(open.db, staffId, { schemeId: c.schemeId, content: lift(estateId, { totalYuan: '250000.00' }) }, T0)).toMatchObject({ ok: true });
    await postScheme(open.db, staffId, { schemeId: c.schemeId }, T0);
    // a posted version and its shares are frozen
    await expect(sql`update cost_scheme_versions set total_fen = 1 where scheme_id = ${c.schemeId}`.execute(open.db)).rejects.toThrow(/posted and frozen/);
    await expect(
      sql`update cost_scheme_shares set share_fen = share_fen + 1 where version_id in (select id from cost_scheme_versions where scheme_id = ${c.schemeId})`.execute(
        open.db,
      ),
    ).rejects.toThrow(/frozen/);
    expect(await editDraft(open.db, staffId, { schemeId: c.schemeId, content: lift(estateId) }, T0)).toEqual({ ok: false, error: 'costshare.err.frozen' });
    // pledges open only after 24:00 of the last posting day, by the writer's clock
    expect(await openPledging(open.db, staffId, { schemeId: c.schemeId }, new Date('2026-03-09T15:59:00Z'))).toEqual({
      ok: false,
      error: 'costshare.err.postingNotOver',
    });
    await expect(
      sql`update cost_schemes set status = 'pledging', status_changed_at = ${new Date('2026-03-09T15:59:00Z')} where id = ${c.schemeId}`.execute(open.db),
    ).rejects.toThrow(/after the posting period/);
    // no pledge on a scheme that is not open for pledges
    const v = await open.db.selectFrom('cost_scheme_versions').select('id').where('scheme_id', '=', c.schemeId).executeTakeFirstOrThrow();
    const h = await open.db.selectFrom('cost_scheme_households').select('id').where('version_id', '=', v.id).executeTakeFirstOrThrow();
    await expect(
      sql`insert into cost_pledges (scheme_id, version_id, household_id, amount_fen, channel, pledged_by, pledged_at) values (${c.schemeId}, ${v.id}, ${h.id}, 100, 'online', ${owners[0]!.userId}, now())`.execute(
        open.db,
      ),
    ).rejects.toThrow(/open for pledges/);
    expect(await withdrawScheme(open.db, staffId, { schemeId: c.schemeId, reason: '方案有误' }, DURING_POSTING)).toMatchObject({ ok: true });
    await expect(sql`update cost_schemes set status = 'pledging' where id = ${c.schemeId}`.execute(open.db)).rejects.toThrow(
      /withdrawn → pledging is not allowed/,
    );
  });

  it('takes objections from owners of the scheme during the posting period only; pledges open once each has its answer', async () => {
    const c = await createScheme(open.db, staffId, { projectId, content: lift(estateId) }, T0);
    if (!c.ok) throw new Error(c.error);
    expect(await objectToScheme(open.db, owners[0]!.userId, { schemeId: c.schemeId, unitId: owners[0]!.unitId, body: '一楼也受影响' }, T0)).toEqual({
      ok: false,
      error: 'costshare.err.notPosting',
    });
    await postScheme(open.db, staffId, { schemeId: c.schemeId }, T0);
    // not the owner of that flat
    expect(await objectToScheme(open.db, owners[1]!.userId, { schemeId: c.schemeId, unitId: owners[0]!.unitId, body: 'x' }, DURING_POSTING)).toMatchObject({
      ok: false,
      error: 'costshare.err.notOwner',
    });
    const o = await objectToScheme(open.db, owners[0]!.userId, { schemeId: c.schemeId, unitId: owners[0]!.unitId, body: '一楼采光受影响' }, DURING_POSTING);
    expect(o.ok).toBe(true);
    expect(await objectToScheme(open.db, owners[0]!.userId, { schemeId: c.schemeId, unitId: owners[0]!.unitId, body: '晚了' }, AFTER_POSTING)).toMatchObject({
      ok: false,
      error: 'costshare.err.notPosting',
    });
    expect(await openPledging(open.db, staffId, { schemeId: c.schemeId }, AFTER_POSTING)).toEqual({ ok: false, error: 'costshare.err.unansweredObjections' });
    if (!o.ok) return;
    expect(await answerObjection(open.db, staffId, { objectionId: o.objectionId, response: '井道设在北侧，不挡采光' }, AFTER_POSTING)).toEqual({ ok: true });
    expect(await answerObjection(open.db, staffId, { objectionId: o.objectionId, response: '再答' }, AFTER_POSTING)).toMatchObject({ ok: false });
    expect(await openPledging(open.db, staffId, { schemeId: c.schemeId }, AFTER_POSTING)).toEqual({ ok: true });
  });

  it('takes one live pledge per household, only from its verified owners; another amount needs a reason; a withdrawal frees the place', async () => {
    const schemeId = await pledgingScheme();
    const [a, b] = owners;
    const ha = await householdNo(schemeId, a!.unitId);
    const hb = await householdNo(schemeId, b!.unitId);
    // b is no owner of a's household
    expect(await pledge(open.db, b!.userId, { schemeId, householdNo: ha.no, amountFen: null, reason: null }, AFTER_POSTING)).toMatchObject({
      ok: false,
      error: 'costshare.err.notOwner',
    });
    expect(await pledge(open.db, b!.userId, { schemeId, householdNo: hb.no, amountFen: 5, reason: null }, AFTER_POSTING)).toMatchObject({
      ok: false,
      error: 'costshare.err.reasonForAmount',
    });
    const p = await pledge(open.db, a!.userId, { schemeId, householdNo: ha.no, amountFen: 100_000, reason: '一楼也愿意出一点' }, AFTER_POSTING);
    expect(p).toMatchObject({ ok: true, amountFen: 100_000 });
    expect(await pledge(open.db, a!.userId, { schemeId, householdNo: ha.no, amountFen: null, reason: null }, AFTER_POSTING)).toMatchObject({
      ok: false,
      error: 'costshare.err.pledgeExists',
    });
    // the database refuses a second live pledge whatever writes
    const v = await open.db
      .selectFrom('cost_pledges')
      .select(['version_id', 'household_id'])
      .where('id', '=', p.ok ? p.pledgeId : 0)
      .executeTakeFirstOrThrow();
    await expect(
      sql`insert into cost_pledges (scheme_id, version_id, household_id, amount_fen, channel, pledged_by, pledged_at) values (${schemeId}, ${v.version_id}, ${v.household_id}, 100, 'online', ${a!.userId}, now())`.execute(
        open.db,
      ),
    ).rejects.toThrow(/cost_pledges_one_live|duplicate|unique/);
    if (!p.ok) return;
    expect(await withdrawPledge(open.db, b!.userId, { pledgeId: p.pledgeId }, AFTER_POSTING)).toMatchObject({ ok: false, error: 'costshare.err.notOwner' });
    expect(await withdrawPledge(open.db, a!.userId, { pledgeId: p.pledgeId }, AFTER_POSTING)).toMatchObject({ ok: true });
    await expect(sql`update cost_pledges set status = 'pledged', closed_at = null where id = ${p.pledgeId}`.execute(open.db)).rejects.toThrow(
      /withdrawn → pledged/,
    );
    expect(await pledge(open.db, a!.userId, { schemeId, householdNo: ha.no, amountFen: 80_000, reason: '改少一点' }, AFTER_POSTING)).toMatchObject({
      ok: true,
      amountFen: 80_000,
    });
  });

  it('keeps the progress figure equal to the sum of the pledge rows under concurrent pledges and withdrawals', async () => {
    const schemeId = await pledgingScheme();
    const payers = owners.slice(2); // floors 1.. of entrance 1; those with a zero share pledge an amount with a reason
    const nos = await Promise.all(payers.map((o) => householdNo(schemeId, o.unitId)));
    const first = await Promise.all(
      payers.map((o, i) => pledge(open.db, o.userId, { schemeId, householdNo: nos[i]!.no, amountFen: 10_000 + i, reason: '自愿' }, AFTER_POSTING)),
    );
    // the same households again (refused), withdrawals of half, and pledges after withdrawal, all at once
    const ids = first.map((r) => (r.ok ? r.pledgeId : 0));
    await Promise.all([
      ...payers.map((o, i) => pledge(open.db, o.userId, { schemeId, householdNo: nos[i]!.no, amountFen: 20_000, reason: '再来' }, AFTER_POSTING)),
      ...payers.filter((_, i) => i % 2 === 0).map((o, j) => withdrawPledge(open.db, o.userId, { pledgeId: ids[j * 2]! }, AFTER_POSTING)),
    ]);
    const live = await open.db
      .selectFrom('cost_pledges')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('scheme_id', '=', schemeId)
      .where('status', 'in', ['pledged', 'paid'])
      .executeTakeFirstOrThrow();
    expect(Number(live.n)).toBeLessThanOrEqual(payers.length);
    const { schemeProgress } = await import('../../src/features/costshare/queries/index.ts');
    const progress = await schemeProgress(open.db, schemeId);
    expect(progress.liveFen).toBe(await rowSum(schemeId));
    expect(progress.byEntrance.reduce((a, e) => a + e.liveFen, 0)).toBe(progress.liveFen);
  });

  it('a correction is a new version: pledges on the old one are released, payments on them marked for refund and refunded', async () => {
    const schemeId = await pledgingScheme();
    const [, , , c, d] = owners;
    const hc = await householdNo(schemeId, c!.unitId);
    const hd = await householdNo(schemeId, d!.unitId);
    const pc = await pledge(open.db, c!.userId, { schemeId, householdNo: hc.no, amountFen: 50_000, reason: '先出一部分' }, AFTER_POSTING);
    const pd = await pledge(open.db, d!.userId, { schemeId, householdNo: hd.no, amountFen: 60_000, reason: '先出一部分' }, AFTER_POSTING);
    if (!pc.ok || !pd.ok) throw new Error('pledge');
    const pay = await recordPayment(
      open.db,
      staffId,
      { pledgeId: pd.pledgeId, amountFen: 60_000, paidOn: '2026-03-10', method: 'transfer', receiptNo: 'R-1', scanKey: null },
      AFTER_POSTING,
    );
    expect(pay).toMatchObject({ ok: true });
    expect(
      await recordRefund(
        open.db,
        staffId,
        { paymentId: pay.ok ? pay.paymentId : 0, refundedOn: '2026-03-10', method: 'cash', receiptNo: 'T-1' },
        AFTER_POSTING,
      ),
    ).toEqual({
      ok: false,
      error: 'costshare.err.noRefundDue',
    });
    const r = await correctScheme(open.db, staffId, { schemeId, reason: '系数表更正', content: lift(estateId, { totalYuan: '230000.00' }) }, AFTER_POSTING);
    expect(r).toMatchObject({ ok: true, version: 2, released: 1, refundsDue: 1 });
    const rows = await open.db.selectFrom('cost_pledges').select(['id', 'status', 'release_cause']).where('scheme_id', '=', schemeId).orderBy('id').execute();
    expect(rows).toEqual([
      { id: pc.pledgeId, status: 'released', release_cause: 'corrected' },
      { id: pd.pledgeId, status: 'paid', release_cause: null },
    ]);
    // version 1 is still there, frozen; version 2 is a draft to be posted again
    expect(await count(`select count(*) as n from cost_scheme_versions where scheme_id = ${schemeId}`)).toBe(2);
    expect(await open.db.selectFrom('cost_schemes').select(['status', 'current_version']).where('id', '=', schemeId).executeTakeFirstOrThrow()).toEqual({
      status: 'draft',
      current_version: 2,
    });
    if (!pay.ok) return;
    expect(
      await recordRefund(open.db, staffId, { paymentId: pay.paymentId, refundedOn: '2026-03-10', method: 'cash', receiptNo: 'T-1' }, AFTER_POSTING),
    ).toMatchObject({ ok: true });
    expect(
      await recordRefund(open.db, staffId, { paymentId: pay.paymentId, refundedOn: '2026-03-10', method: 'cash', receiptNo: 'T-2' }, AFTER_POSTING),
    ).toEqual({
      ok: false,
      error: 'costshare.err.refunded',
    });

    // the office's sheet: one row a pledge of every version, the payment and its refund beside it
    const { bytes, rows: sheetRows } = await pledgesWorkbook(open.db, schemeId);
    expect(sheetRows).toBe(2);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const values = (r: number) => (sheet.getRow(r).values as unknown[]).slice(1);
    expect(sheet.rowCount).toBe(3);
    expect(values(2).slice(0, 7)).toEqual([
      1,
      hc.no,
      expect.stringContaining('1-1-'),
      Number(hc.share_fen) / 100,
      500,
      '先出一部分',
      '已解除 (方案已更正，原认缴已解除，请按新版本重新认缴)',
    ]);
    expect(values(3)[9]).toBe(600);
    expect(values(3)[12]).toBe('R-1');
    expect(values(3)[14]).toBe('2026-03-10');
  });

  it('lapses after 24:00 of the deadline when the target is not reached (every pledge released); funds when it is', async () => {
    const lapsing = await pledgingScheme();
    const o = owners[6]!;
    const h = await householdNo(lapsing, o.unitId);
    const p = await pledge(open.db, o.userId, { schemeId: lapsing, householdNo: h.no, amountFen: null, reason: null }, AFTER_POSTING);
    expect(p.ok).toBe(true);
    expect(await settleIfDue(open.db, lapsing, BEFORE_DEADLINE)).toBe('pledging');
    expect(await pledge(open.db, o.userId, { schemeId: lapsing, householdNo: h.no, amountFen: null, reason: null }, AFTER_DEADLINE)).toMatchObject({
      ok: false,
      error: 'costshare.err.notPledging',
    });
    expect(await settleIfDue(open.db, lapsing, AFTER_DEADLINE)).toBe('lapsed');
    expect(await open.db.selectFrom('cost_pledges').select(['status', 'release_cause']).where('scheme_id', '=', lapsing).execute()).toEqual([
      { status: 'released', release_cause: 'lapsed' },
    ]);

    // a small target, reached by one household's share, funds the scheme at the deadline
    const funding = await pledgingScheme({ targetFen: 1_000_000 });
    const q = owners[11]!;
    const hq = await householdNo(funding, q.unitId);
    expect(Number(hq.share_fen)).toBeGreaterThanOrEqual(1_000_000);
    expect(await pledge(open.db, q.userId, { schemeId: funding, householdNo: hq.no, amountFen: null, reason: null }, BEFORE_DEADLINE)).toMatchObject({
      ok: true,
    });
    expect(await settleIfDue(open.db, funding, AFTER_DEADLINE)).toBe('funded');
    expect(await open.db.selectFrom('cost_pledges').select('status').where('scheme_id', '=', funding).execute()).toEqual([{ status: 'pledged' }]);
  });

  it('staff enter a paper pledge with its scan; each staff act is in the audit chain', async () => {
    const schemeId = await pledgingScheme();
    const h = await householdNo(schemeId, owners[8]!.unitId);
    const r = await recordPaperPledge(open.db, staffId, { schemeId, householdNo: h.no, amountFen: null, reason: null, scanKey: 'a'.repeat(64) }, AFTER_POSTING);
    expect(r).toMatchObject({ ok: true });
    const actions = await open.db.selectFrom('audit_log').select('action').where('target', '=', `scheme:${schemeId}`).orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['costshare.create', 'costshare.post', 'costshare.openPledging']);
    expect(await count(`select count(*) as n from audit_log where action = 'costshare.paperPledge'`)).toBe(1);
    expect((await verifyAudit(open.db)).ok).toBe(true);
  });

  it('a scheme naming an owners vote is not funded while that vote has no final result', async () => {
    // a ballot of this project with matter m1, never opened: no published result
    const b = await open.db
      .insertInto('ballots')
      .values({
        subdistrict_id: (await open.db.selectFrom('projects').select('subdistrict_id').where('id', '=', projectId).executeTakeFirstOrThrow()).subdistrict_id,
        project_id: projectId,
        title: '加装电梯表决',
        convener: 'subdistrict',
        opens_at: new Date('2026-04-01T00:00:00Z'),
        closes_at: new Date('2026-04-10T00:00:00Z'),
        created_by: staffId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await open.db.insertInto('ballot_matters').values({ ballot_id: b.id, code: 'm1', title: '加装电梯', art278_item: 7, kind: 'major' }).execute();
    const schemeId = await pledgingScheme({ targetFen: 1_000_000, ballotId: b.id, ballotMatter: 'm1' });
    const q = owners[11]!;
    const hq = await householdNo(schemeId, q.unitId);
    expect(await pledge(open.db, q.userId, { schemeId, householdNo: hq.no, amountFen: null, reason: null }, BEFORE_DEADLINE)).toMatchObject({ ok: true });
    expect(await settleIfDue(open.db, schemeId, AFTER_DEADLINE)).toBe('lapsed');
  });

  it("a pledge, an objection, a payment and a refund drop their own project's cached pages on another instance, not the others (a payment and a refund the money feeds too)", async () => {
    const page = (text: string) => ({ status: 200, headers: [] as [string, string][], body: new TextEncoder().encode(text) });
    const otherProject = projectId + 1000; // a tag no scheme here touches
    let other: ReturnType<typeof createPageCache>;
    /** Another server instance, its pages cached before the change. */
    const cachedElsewhere = async () => {
      other = createPageCache(
        databaseVersions(async () => open.db),
        { checkEveryMs: 0 },
      );
      await other.get('/');
      await other.set('/', page('home'));
      await other.set('/projects/A', page('A'), { tags: [projectTag(projectId)] });
      await other.set('/projects/B', page('B'), { tags: [projectTag(otherProject)] });
      await other.set('/open-data/projects.csv', page('csv'), { tags: [FUNDS_TAG] });
    };
    const still = async () => ({
      home: (await other.get('/')) !== null,
      A: (await other.get('/projects/A')) !== null,
      B: (await other.get('/projects/B')) !== null,
      csv: (await other.get('/open-data/projects.csv')) !== null,
    });

    // an objection during the posting period
    const c = await createScheme(open.db, staffId, { projectId, content: lift(estateId) }, T0);
    if (!c.ok) throw new Error(c.error);
    await postScheme(open.db, staffId, { schemeId: c.schemeId }, T0);
    await cachedElsewhere();
    const o = await objectToScheme(open.db, owners[6]!.userId, { schemeId: c.schemeId, unitId: owners[6]!.unitId, body: '缓存测试异议' }, DURING_POSTING);
    expect(o).toMatchObject({ ok: true });
    expect(await still()).toEqual({ home: true, A: false, B: true, csv: true });

    // a pledge, then its payment, then the refund of that payment once the scheme is withdrawn
    const schemeId = await pledgingScheme();
    const h = await householdNo(schemeId, owners[7]!.unitId);
    await cachedElsewhere();
    const p = await pledge(open.db, owners[7]!.userId, { schemeId, householdNo: h.no, amountFen: 1_000, reason: '缓存测试' }, AFTER_POSTING);
    expect(p).toMatchObject({ ok: true, projectId });
    expect(await still()).toEqual({ home: true, A: false, B: true, csv: true });
    if (!p.ok) return;
    await cachedElsewhere();
    const pay = await recordPayment(
      open.db,
      staffId,
      { pledgeId: p.pledgeId, amountFen: 1_000, paidOn: '2026-03-10', method: 'cash', receiptNo: 'CACHE-1', scanKey: null },
      AFTER_POSTING,
    );
    expect(pay).toMatchObject({ ok: true, projectId });
    expect(await still()).toEqual({ home: true, A: false, B: true, csv: false });
    if (!pay.ok) return;
    await withdrawScheme(open.db, staffId, { schemeId, reason: '缓存测试撤回' }, AFTER_POSTING);
    await cachedElsewhere();
    const r = await recordRefund(
      open.db,
      staffId,
      { paymentId: pay.paymentId, refundedOn: '2026-03-10', method: 'cash', receiptNo: 'CACHE-R1' },
      AFTER_POSTING,
    );
    expect(r).toMatchObject({ ok: true, projectId });
    expect(await still()).toEqual({ home: true, A: false, B: true, csv: false });
  });

  it('adds up: paid pledges less refunds on the budget, the project JSON, OC4IDS and CSV equal the sum of the payment records', async () => {
    const fx = await open.db.selectFrom('projects').select('subdistrict_id').where('id', '=', projectId).executeTakeFirstOrThrow();
    const money = (
      await open.db
        .insertInto('projects')
        .values({
          code: 'ZH-CS-M',
          subdistrict_id: fx.subdistrict_id,
          title: '分摊到位',
          batch_year: 2026,
          stage: 3,
          published_at: new Date('2026-01-01T00:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await open.db.insertInto('project_estates').values({ project_id: money, estate_id: estateId }).execute();
    await open.db.insertInto('budget_lines').values({ project_id: money, channel: 'residents', amount_fen: 24_000_000 }).execute();
    // a payment changes the money feeds: the `funds` tag (migration 0038), not the whole disclosure
    const version = async () =>
      Number((await open.db.selectFrom('page_cache_tags').select('version').where('tag', '=', FUNDS_TAG).executeTakeFirst())?.version ?? 0);

    const a = await pledgingScheme({}, money);
    const b = await pledgingScheme({}, money);
    const payOn = async (schemeId: number, o: { userId: number; unitId: number }, fen: number, receipt: string) => {
      const h = await householdNo(schemeId, o.unitId);
      const p = await pledge(open.db, o.userId, { schemeId, householdNo: h.no, amountFen: fen, reason: '按约定' }, AFTER_POSTING);
      if (!p.ok) throw new Error(p.error);
      const r = await recordPayment(
        open.db,
        staffId,
        { pledgeId: p.pledgeId, amountFen: fen, paidOn: '2026-03-10', method: 'cash', receiptNo: receipt, scanKey: null },
        AFTER_POSTING,
      );
      if (!r.ok) throw new Error(r.error);
      return r.paymentId;
    };
    const v0 = await version();
    await payOn(a, owners[3]!, 123_456, 'M-1');
    expect(await version()).toBeGreaterThan(v0);
    await payOn(a, owners[4]!, 78_900, 'M-2');
    const refunded = await payOn(b, owners[5]!, 5_000, 'M-3');
    await withdrawScheme(open.db, staffId, { schemeId: b, reason: '合并到另一方案' }, AFTER_POSTING);
    expect(
      await recordRefund(open.db, staffId, { paymentId: refunded, refundedOn: '2026-03-10', method: 'cash', receiptNo: 'MR-3' }, AFTER_POSTING),
    ).toMatchObject({ ok: true });

    // the payments this test recorded, less the one refunded, added up here: 2,023.56 yuan
    const expected = 123_456 + 78_900 + 5_000 - 5_000;
    expect(expected).toBe(202_356);
    const p = (await projectDisclosure(open.db, 'ZH-CS-M'))!;
    expect(p.residents.receivedMoneyFen).toBe(expected);
    const list = await listProjects(open.db, {});
    expect(list.find((x) => x.code === 'ZH-CS-M')!.residentsReceivedFen).toBe(expected);
    const csv = projectsCsv(list, 'http://x.test', () => 's');
    const [header, ...lines] = csv.replace('\uFEFF', '').trim().split('\r\n');
    const col = header!.split(',').indexOf('residents_received_yuan');
    expect(col).toBeGreaterThan(0);
    expect(lines.map((l) => l.split(',')).find((c) => c[0] === 'ZH-CS-M')![col]).toBe('2023.56');
    const pkg = buildOc4idsPackage([p], { baseUrl: 'http://x.test', publishedDate: new Date('2026-01-01T00:00:00Z'), publisherName: 'x' });
    const received = pkg.projects[0]!.budget!.budgetBreakdowns.find((x) => x.id === 'received')!;
    expect(received.budgetBreakdown).toEqual([expect.objectContaining({ id: 'residents-received', amount: { amount: 2023.56, currency: 'CNY' } })]);
  });
});

describe('demo cost-share schemes', () => {
  let open: OpenDatabase;
  beforeAll(async () => {
    open = await freshDatabase('pglite');
    const dataDir = mkdtempSync(join(tmpdir(), 'gz-schemes-'));
    await seedDatabase(open, dataDir, 24, () => {}, parseIdKey(`v1:${Buffer.alloc(32, 9).toString('base64')}`));
  });
  afterAll(() => open.close());

  it('has a lift open for pledges on a 河滨 project with one paid pledge, and a bike shed that lapses when first read after its deadline', async () => {
    const schemes = await open.db
      .selectFrom('cost_schemes')
      .innerJoin('projects', 'projects.id', 'cost_schemes.project_id')
      .innerJoin('subdistricts', 'subdistricts.id', 'projects.subdistrict_id')
      .select(['cost_schemes.id', 'cost_schemes.status', 'subdistricts.code as sub'])
      .orderBy('cost_schemes.id')
      .execute();
    expect(schemes.map((s) => [s.status, s.sub])).toEqual([
      ['pledging', 'hebin'],
      ['pledging', 'hebin'],
    ]);
    const paid = await open.db.selectFrom('cost_payments').select(['amount_fen', 'receipt_no']).execute();
    expect(paid).toEqual([{ amount_fen: DEMO_SCHEME_PAYMENT_FEN, receipt_no: 'DEMO-CS-0001' }]);
    expect(await settleIfDue(open.db, schemes[0]!.id)).toBe('pledging');
    expect(await settleIfDue(open.db, schemes[1]!.id)).toBe('lapsed');
  });
});
