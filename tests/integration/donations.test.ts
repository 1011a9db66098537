import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { decideDonation, offerDonation, receiveDonation } from '../../src/features/donations/commands/index.ts';
import { donationsOf, officeDonations } from '../../src/features/donations/queries/index.ts';
import { projectDisclosure } from '../../src/features/projects/disclosure.ts';
import { listProjects } from '../../src/features/projects/queries.ts';
import { projectsCsv } from '../../src/features/open-data/projects-csv.ts';
import { buildOc4idsPackage } from '../../src/features/open-data/oc4ids.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zhanhe } from '../support/districts.ts';

// Donations on both engines: the database refuses every transition but
// offered → accepted | declined → received, whatever writes; the board names a donor
// only where they chose a name; the received money on the budget, the project JSON,
// OC4IDS and CSV equals the sum of the records, added up here from what was offered.

const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

describe.each(BACKENDS)('donations on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let projectId: number;
  let otherProjectId: number;
  let donorId: number;
  let secondDonorId: number;
  let otherStaffId: number;

  const version = async () => Number((await open.db.selectFrom('disclosure_version').select('version').executeTakeFirstOrThrow()).version);
  async function offered(what: Parameters<typeof offerDonation>[2]['what'], displayName: string | null = null, donor = donorId, project = projectId) {
    const r = await offerDonation(open.db, donor, { projectId: project, what, displayName });
    if (!r.ok) throw new Error(r.error);
    return r.donationId;
  }
  async function receivedMoney(fen: number, displayName: string | null, receiptNo: string, project = projectId) {
    const id = await offered({ kind: 'money', amountFen: fen }, displayName, donorId, project);
    expect(await decideDonation(open.db, staffId, { donationId: id, decision: 'accept', reason: null })).toEqual({ ok: true, status: 'accepted' });
    expect(await receiveDonation(open.db, staffId, { donationId: id, receivedOn: TODAY, receiptNo })).toMatchObject({ ok: true });
    return id;
  }

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const fx = await hebinEstate(open.db);
    staffId = fx.staffId;
    const mk = async (code: string) => {
      const p = await open.db
        .insertInto('projects')
        .values({ code, subdistrict_id: fx.subId, title: `${code} 改造`, batch_year: 2026, stage: 3, published_at: new Date('2026-01-01T00:00:00Z') })
        .returning('id')
        .executeTakeFirstOrThrow();
      await open.db.insertInto('project_estates').values({ project_id: p.id, estate_id: fx.estateId }).execute();
      await open.db
        .insertInto('budget_lines')
        .values([
          { project_id: p.id, channel: 'city', amount_fen: 50_000_000 },
          { project_id: p.id, channel: 'donations', amount_fen: 1_000_000 },
        ])
        .execute();
      return p.id;
    };
    projectId = await mk('ZH-D-1');
    otherProjectId = await mk('ZH-D-2');
    const user = async (phone: string, name: string) =>
      (await open.db.insertInto('users').values({ phone, password_hash: 'x', display_name: name }).returning('id').executeTakeFirstOrThrow()).id;
    donorId = await user('13600000301', '张三账户名');
    secondDonorId = await user('13600000302', '李四账户名');
    const bei = (
      await open.db
        .insertInto('subdistricts')
        .values({ district_id: await zhanhe(open.db), code: 'beidu', name: '北渡街道', name_en: 'B' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    otherStaffId = (
      await open.db
        .insertInto('users')
        .values({ phone: '13700000009', password_hash: 'x', display_name: '北渡', role: 'staff', subdistrict_id: bei })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => open.close());

  it('goes offered → accepted → received, each staff act in the audit chain, and refuses a second decision', async () => {
    const auditBefore = Number(
      (
        await open.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const id = await offered({ kind: 'goods', goodsWhat: '水泥', goodsQuantity: 20 });
    expect(await decideDonation(open.db, staffId, { donationId: id, decision: 'accept', reason: null })).toEqual({ ok: true, status: 'accepted' });
    expect(await decideDonation(open.db, staffId, { donationId: id, decision: 'decline', reason: '晚了' })).toEqual({ ok: false, error: 'err.donationState' });
    expect(await receiveDonation(open.db, staffId, { donationId: id, receivedOn: TODAY, receiptNo: null })).toMatchObject({ ok: true });
    expect(await receiveDonation(open.db, staffId, { donationId: id, receivedOn: TODAY, receiptNo: null })).toEqual({ ok: false, error: 'err.donationState' });
    const entries = await open.db
      .selectFrom('audit_log')
      .select(['action', 'target', 'actor_user_id'])
      .where('target', '=', `donation:${id}`)
      .orderBy('id')
      .execute();
    expect(entries).toEqual([
      { action: 'donation.accept', target: `donation:${id}`, actor_user_id: staffId },
      { action: 'donation.receive', target: `donation:${id}`, actor_user_id: staffId },
    ]);
    const auditAfter = Number(
      (
        await open.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(auditAfter - auditBefore).toBe(2);
    expect((await verifyAudit(open.db)).ok).toBe(true);
  });

  it('declines only with a reason the donor sees, and money is received only with a receipt number, dated from the offer to today', async () => {
    const id = await offered({ kind: 'labour', labourSkill: '电工', labourHours: 8 });
    expect(await decideDonation(open.db, staffId, { donationId: id, decision: 'decline', reason: null })).toEqual({
      ok: false,
      error: 'err.reasonRequired',
      field: 'reason',
    });
    expect(await decideDonation(open.db, staffId, { donationId: id, decision: 'decline', reason: '本项目暂不需要电工' })).toEqual({
      ok: true,
      status: 'declined',
    });
    const mine = await donationsOf(open.db, donorId);
    expect(mine.find((d) => d.id === id)).toMatchObject({ status: 'declined', declineReason: '本项目暂不需要电工', project: { code: 'ZH-D-1' } });

    const money = await offered({ kind: 'money', amountFen: 5_000 });
    await decideDonation(open.db, staffId, { donationId: money, decision: 'accept', reason: null });
    expect(await receiveDonation(open.db, staffId, { donationId: money, receivedOn: TODAY, receiptNo: null })).toEqual({
      ok: false,
      error: 'err.receiptNoRequired',
      field: 'receiptNo',
    });
    expect(await receiveDonation(open.db, staffId, { donationId: money, receivedOn: '2099-01-01', receiptNo: 'R-1' })).toEqual({
      ok: false,
      error: 'err.receivedOn',
      field: 'receivedOn',
    });
    expect(await receiveDonation(open.db, staffId, { donationId: money, receivedOn: '2020-01-01', receiptNo: 'R-1' })).toEqual({
      ok: false,
      error: 'err.receivedOn',
      field: 'receivedOn',
    });
    expect((await open.db.selectFrom('donations').select('status').where('id', '=', money).executeTakeFirstOrThrow()).status).toBe('accepted');
  });

  it('refuses in the database every other transition and any change to what was offered, whatever code writes', async () => {
    const fresh = await offered({ kind: 'money', amountFen: 100 });
    const refuse = (q: { execute(db: typeof open.db): Promise<unknown> }) =>
      expect(q.execute(open.db)).rejects.toThrow(/gz_donation|violates check constraint/);
    // offered → received skips the acceptance
    await refuse(sql`update donations set status = 'received', received_on = current_date, receipt_no = 'X', decided_at = now() where id = ${fresh}`);
    // inserted in any state but offered
    await refuse(sql`insert into donations (project_id, donor_user_id, kind, amount_fen, status, decided_at, received_on, receipt_no)
      values (${projectId}, ${donorId}, 'money', 100, 'received', now(), current_date, 'X')`);
    // a declined donation stays declined
    const declined = await offered({ kind: 'money', amountFen: 200 });
    await decideDonation(open.db, staffId, { donationId: declined, decision: 'decline', reason: '不需要' });
    await refuse(sql`update donations set status = 'accepted', decline_reason = null where id = ${declined}`);
    await refuse(sql`update donations set decline_reason = '改了理由' where id = ${declined}`);
    // a received donation is neither reopened, nor rewritten, nor deleted
    const received = await receivedMoney(300, null, 'R-300');
    await refuse(sql`update donations set status = 'accepted', received_on = null, receipt_no = null where id = ${received}`);
    await refuse(sql`update donations set amount_fen = 999999 where id = ${received}`);
    await refuse(sql`update donations set display_name = '后来改名' where id = ${received}`);
    await refuse(sql`delete from donations where id = ${received}`);
    // what was offered does not change even while offered; shapes and signs are checked
    await refuse(sql`update donations set amount_fen = 1 where id = ${fresh}`);
    await refuse(sql`insert into donations (project_id, donor_user_id, kind, amount_fen) values (${projectId}, ${donorId}, 'money', -100)`);
    await refuse(
      sql`insert into donations (project_id, donor_user_id, kind, amount_fen, goods_what) values (${projectId}, ${donorId}, 'money', 100, '又有钱又有物')`,
    );
    const rows = await open.db
      .selectFrom('donations')
      .select(['id', 'status', 'amount_fen'])
      .where('id', 'in', [fresh, declined, received])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: fresh, status: 'offered', amount_fen: 100 },
      { id: declined, status: 'declined', amount_fen: 200 },
      { id: received, status: 'received', amount_fen: 300 },
    ]);
  });

  it('shows on the board what was received, with a name only where the donor chose one, and never the account', async () => {
    const named = await receivedMoney(12_345, '热心居民王阿姨', 'R-12345');
    const anon = await receivedMoney(67_800, null, 'R-67800');
    const pending = await offered({ kind: 'money', amountFen: 40_000 }, '还没收到的人', secondDonorId);
    const p = (await projectDisclosure(open.db, 'ZH-D-1'))!;
    const byId = new Map(p.donations.board.map((d) => [d.id, d]));
    expect(byId.get(named)!.displayName).toBe('热心居民王阿姨');
    expect(byId.get(anon)!.displayName).toBeNull();
    expect(byId.has(pending)).toBe(false);
    const text = JSON.stringify(p.donations);
    for (const secret of ['张三账户名', '李四账户名', '13600000301', '还没收到的人', 'donor']) expect(text).not.toContain(secret);
  });

  it('adds up: received money on the budget, the project JSON, OC4IDS and CSV equals the sum of the received records', async () => {
    // every money donation of ZH-D-1 this suite had received, added up here from the amounts offered
    const receivedSoFar = 300 + 12_345 + 67_800;
    // one more of each kind on ZH-D-1; money on ZH-D-2 counts there only
    await receivedMoney(100_000, null, 'R-100000');
    await receivedMoney(999, null, 'R-999', otherProjectId);
    const expected = receivedSoFar + 100_000; // 1,804.45 yuan
    expect(expected).toBe(180_445);

    const p = (await projectDisclosure(open.db, 'ZH-D-1'))!;
    expect(p.donations.receivedMoneyFen).toBe(180_445);
    const fromRows = p.donations.board.filter((d) => d.kind === 'money').map((d) => d.amountFen!);
    expect(fromRows.sort((a, b) => a - b)).toEqual([300, 12_345, 67_800, 100_000]);
    expect((await projectDisclosure(open.db, 'ZH-D-2'))!.donations.receivedMoneyFen).toBe(999);

    const list = await listProjects(open.db, {});
    expect(list.find((x) => x.code === 'ZH-D-1')!.donationsReceivedFen).toBe(180_445);
    const csv = projectsCsv(list, 'http://x.test', () => 's');
    const [header, ...lines] = csv.replace('\uFEFF', '').trim().split('\r\n');
    const col = header!.split(',').indexOf('donations_received_yuan');
    expect(col).toBeGreaterThan(0);
    const csvRow = lines.map((l) => l.split(',')).find((c) => c[0] === 'ZH-D-1')!;
    expect(csvRow[col]).toBe('1804.45');

    const pkg = buildOc4idsPackage([p], { baseUrl: 'http://x.test', publishedDate: new Date('2026-01-01T00:00:00Z'), publisherName: 'x' });
    const received = pkg.projects[0]!.budget!.budgetBreakdowns.find((b) => b.id === 'received')!;
    expect(received.budgetBreakdown).toEqual([expect.objectContaining({ id: 'donations-received', amount: { amount: 1804.45, currency: 'CNY' } })]);
  });

  it("touches its project's and the money feeds' cache tags when a donation is received, not when it is offered or accepted, and never the disclosure version", async () => {
    const tags = async () => (await open.db.selectFrom('page_cache_tags').select(['tag', 'version']).execute()).map((r) => `${r.tag}@${r.version}`).sort();
    const v0 = await version();
    const t0 = await tags();
    const id = await offered({ kind: 'money', amountFen: 1_000 });
    await decideDonation(open.db, staffId, { donationId: id, decision: 'accept', reason: null });
    expect(await tags()).toEqual(t0);
    await receiveDonation(open.db, staffId, { donationId: id, receivedOn: TODAY, receiptNo: 'R-1000' });
    const changed = (await tags()).filter((t) => !t0.includes(t)).map((t) => t.split('@')[0]);
    expect(changed.sort()).toEqual(['funds', `project:${projectId}`]);
    expect(await version()).toBe(v0); // the rest of the cache stays
  });

  it('refuses offers on a draft project, and lists offers only to the office of the project', async () => {
    const draft = await open.db
      .insertInto('projects')
      .values({
        code: 'ZH-D-DRAFT',
        subdistrict_id: (await open.db.selectFrom('projects').select('subdistrict_id').where('id', '=', projectId).executeTakeFirstOrThrow()).subdistrict_id,
        title: '草稿',
        batch_year: 2026,
        stage: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await offerDonation(open.db, donorId, { projectId: draft.id, what: { kind: 'money', amountFen: 100 }, displayName: null })).toEqual({
      ok: false,
      error: 'err.notFound',
      field: 'projectId',
    });
    const staff = {
      id: staffId,
      role: 'staff' as const,
      subdistrictId: (await open.db.selectFrom('users').select('subdistrict_id').where('id', '=', staffId).executeTakeFirstOrThrow()).subdistrict_id,
      communityId: null,
    };
    expect((await officeDonations(open.db, staff)).length).toBeGreaterThan(0);
    const other = {
      id: otherStaffId,
      role: 'staff' as const,
      subdistrictId: (await open.db.selectFrom('users').select('subdistrict_id').where('id', '=', otherStaffId).executeTakeFirstOrThrow()).subdistrict_id,
      communityId: null,
    };
    expect(await officeDonations(open.db, other)).toEqual([]);
  });
});

describe.each(BACKENDS)('the demo donation on %s', (kind) => {
  let open: OpenDatabase;
  beforeAll(async () => {
    open = await freshDatabase(kind);
    const dataDir = mkdtempSync(join(tmpdir(), 'gz-donate-'));
    await seedDatabase(open, dataDir, 24, () => {}, parseIdKey(`v1:${Buffer.alloc(32, 9).toString('base64')}`));
  });
  afterAll(() => open.close());

  it('is one received money donation, marked demo, anonymous on the board of a 河滨 project that plans 社会捐助', async () => {
    const rows = await open.db
      .selectFrom('donations')
      .innerJoin('projects', 'projects.id', 'donations.project_id')
      .innerJoin('subdistricts', 'subdistricts.id', 'projects.subdistrict_id')
      .select([
        'donations.status',
        'donations.kind',
        'donations.amount_fen',
        'donations.is_demo',
        'donations.display_name',
        'projects.code',
        'subdistricts.code as sub',
      ])
      .execute();
    expect(rows).toEqual([
      expect.objectContaining({ status: 'received', kind: 'money', amount_fen: 200_000, is_demo: true, display_name: null, sub: 'hebin' }),
    ]);
    const p = (await projectDisclosure(open.db, rows[0]!.code))!;
    expect(p.budget.some((b) => b.channel === 'donations')).toBe(true);
    expect(p.donations.receivedMoneyFen).toBe(200_000);
    expect(p.donations.board).toHaveLength(1);
  });
});
