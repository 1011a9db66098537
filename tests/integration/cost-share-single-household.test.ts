import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { createScheme, editDraft, openPledging, pledge, postScheme } from '../../src/features/costshare/commands/index.ts';
import { schemePage } from '../../src/features/costshare/queries/index.ts';
import type { SchemeContent } from '../../src/features/costshare/core/schemas.ts';

// 单户承担 (single household): each listed flat pays the amount written for it, no more and no
// less; flats not listed take no part; the total is the sum of the amounts. Expected shares
// are the amounts typed below, added up by hand.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 7).toString('base64')}`);
const T0 = new Date('2026-03-02T02:00:00Z'); // Monday 2 March 2026, 10:00 China time
const AFTER_POSTING = new Date('2026-03-10T02:00:00Z'); // 7 days ended at 24:00 of 9 March

const windows = (estateId: number, amounts: [string, string][]): SchemeContent => ({
  title: '1 栋更换外窗（单户承担）',
  item: '按户更换断桥铝外窗，费用由该户承担',
  estateId,
  building: '1',
  entrance: null,
  method: 'single',
  weightByArea: false,
  coefficients: null,
  amounts: new Map(amounts),
  totalYuan: null,
  targetFen: null,
  pledgeDeadline: '2026-03-31',
  postingDays: 7,
  ballotId: null,
  ballotMatter: null,
});

describe.each(BACKENDS)('a single-household cost-share scheme on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let projectId: number;
  let estateId: number;
  let owners: { userId: number; unitId: number }[];

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
          code: 'ZH-CS-S',
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
    // the first owner in flat order owns 1-1-101
    owners = await verifiedOwners(open.db, 1, '1392000');
  });
  afterAll(() => open.close());

  it('gives each listed flat exactly its amount, the total their sum; flats not listed take no part; a pledge defaults to the share', async () => {
    // 1,200.00 + 350.25 + 0.01 = 1,550.26 yuan; 1-1-201 (two co-owners) is listed too: 899.99
    // 1,550.26 + 899.99 = 2,450.25 yuan
    const c = await createScheme(
      open.db,
      staffId,
      {
        projectId,
        content: windows(estateId, [
          ['1-1-101', '1200.00'],
          ['1-1-102', '350.25'],
          ['1-2-101', '0.01'],
          ['1-1-201', '899.99'],
        ]),
      },
      T0,
    );
    expect(c).toMatchObject({ ok: true });
    if (!c.ok) return;
    const v = await open.db.selectFrom('cost_scheme_versions').selectAll().where('scheme_id', '=', c.schemeId).executeTakeFirstOrThrow();
    expect(Number(v.total_fen)).toBe(245_025);
    expect(Number(v.target_fen)).toBe(245_025);
    const shares = await open.db
      .selectFrom('cost_scheme_shares')
      .select(['building', 'entrance', 'room', 'share_fen'])
      .where('version_id', '=', v.id)
      .orderBy('building')
      .orderBy('entrance')
      .orderBy('room')
      .execute();
    expect(shares.map((s) => [`${s.building}-${s.entrance}-${s.room}`, Number(s.share_fen)])).toEqual([
      ['1-1-101', 120_000],
      ['1-1-102', 35_025],
      ['1-1-201', 89_999],
      ['1-2-101', 1],
    ]);
    const households = await open.db.selectFrom('cost_scheme_households').select(['share_fen']).where('version_id', '=', v.id).orderBy('share_fen').execute();
    expect(households.map((h) => Number(h.share_fen))).toEqual([1, 35_025, 89_999, 120_000]);

    // a flat outside the scheme's scope, or listed twice, is refused and the draft stays as it was
    expect(await editDraft(open.db, staffId, { schemeId: c.schemeId, content: windows(estateId, [['2-1-101', '10.00']]) }, T0)).toEqual({
      ok: false,
      error: 'costshare.err.unknownFlat',
      field: 'amounts',
    });
    expect(Number((await open.db.selectFrom('cost_scheme_versions').select('total_fen').where('id', '=', v.id).executeTakeFirstOrThrow()).total_fen)).toBe(
      245_025,
    );

    // posted, the amounts stay; the owner of 1-1-101 sees 1,200.00 as their share and pledges it
    expect(await postScheme(open.db, staffId, { schemeId: c.schemeId }, T0)).toMatchObject({ ok: true });
    expect(await openPledging(open.db, staffId, { schemeId: c.schemeId }, AFTER_POSTING)).toEqual({ ok: true });
    const page = await schemePage(open.db, c.schemeId, { userId: owners[0]!.userId, staff: false }, AFTER_POSTING);
    expect(page?.version.totalFen).toBe(245_025);
    expect(page?.myHouseholds.map((h) => h.shareFen)).toEqual([120_000]);
    const no = page!.myHouseholds[0]!.no;
    expect(await pledge(open.db, owners[0]!.userId, { schemeId: c.schemeId, householdNo: no, amountFen: null, reason: null }, AFTER_POSTING)).toMatchObject({
      ok: true,
      amountFen: 120_000,
    });
    const after = await schemePage(open.db, c.schemeId, { userId: null, staff: false }, AFTER_POSTING);
    expect(after?.progress).toMatchObject({ liveFen: 120_000, targetFen: 245_025, households: 4, pledged: 1 });
  });
});
