import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { cstDate, DAY } from '../../src/lib/calendar.ts';
import { config } from '../../src/lib/config.ts';
import { periodEnd } from '../../src/features/costshare/core/rules.ts';
import { answerObjection, createScheme, objectToScheme, openPledging, pledge, postScheme, recordPayment } from '../../src/features/costshare/commands/index.ts';
import type { SchemeContent } from '../../src/features/costshare/core/schemas.ts';

// Demo mode only: a lift for building 1 entrance 1 of the first demo estate (where the demo
// owners live), posted 20 days before seeding, its objection answered, open for pledges until
// 30 days after; the third demo owner has pledged and paid. And a bike shed for building 2
// entrance 1 whose deadline was yesterday: it lapses the first time anyone reads it. Both go
// through the commands (and the states the database allows, migration 0026), dated in the
// past as the office would have done them.

export const DEMO_SCHEME_PAYMENT_FEN = 480_000;

const lift = (estateId: number, deadline: string): SchemeContent => ({
  title: '1 栋 1 单元加装电梯',
  item: '在 1 栋 1 单元北侧加装电梯一部（含井道、土建和五年维保），一楼不分摊。',
  estateId,
  building: '1',
  entrance: '1',
  method: 'tiered',
  weightByArea: false,
  coefficients: { '1': '0', '2': '0.6', '3': '0.8', '4': '1', '5': '1.2', '6': '1.4' },
  amounts: null,
  totalYuan: '360000.00',
  targetFen: null,
  pledgeDeadline: deadline,
  postingDays: 7,
  ballotId: null,
  ballotMatter: null,
});

export async function seedDemoSchemes(db: Kysely<Database>, staffUserId: number, ownerUserIds: number[], now = new Date()): Promise<number[]> {
  const estate = await db.selectFrom('estates').select('id').orderBy('id').executeTakeFirstOrThrow();
  const project = await db
    .selectFrom('project_estates')
    .innerJoin('projects', 'projects.id', 'project_estates.project_id')
    .where('project_estates.estate_id', '=', estate.id)
    .where('projects.published_at', 'is not', null)
    .select('projects.id')
    .orderBy('projects.id')
    .executeTakeFirst();
  if (!project) return [];
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const ok = <T extends { ok: boolean }>(r: T, what: string): T & { ok: true } => {
    if (!r.ok) throw new Error(`demo scheme: ${what}: ${JSON.stringify(r)}`);
    return r as T & { ok: true };
  };

  const a = ok(
    await createScheme(db, staffUserId, { projectId: project.id, content: lift(estate.id, cstDate(new Date(now.getTime() + 30 * DAY))) }, ago(21)),
    'create',
  );
  ok(await postScheme(db, staffUserId, { schemeId: a.schemeId }, ago(20)), 'post');
  const unit = await db
    .selectFrom('owner_verifications')
    .select(['unit_id'])
    .where('user_id', '=', ownerUserIds[0]!)
    .where('status', '=', 'verified')
    .executeTakeFirstOrThrow();
  const o = ok(
    await objectToScheme(db, ownerUserIds[0]!, { schemeId: a.schemeId, unitId: unit.unit_id, body: '电梯井道会不会挡一楼的采光？' }, ago(18)),
    'object',
  );
  ok(
    await answerObjection(
      db,
      staffUserId,
      { objectionId: o.objectionId, response: '井道设在楼梯间北侧外墙，不在住户窗前；设计图已在项目文件中公布。' },
      ago(15),
    ),
    'answer',
  );
  ok(await openPledging(db, staffUserId, { schemeId: a.schemeId }, ago(10)), 'open');
  // the third demo owner (floor 2) pledges the household's share and pays it
  const third = ownerUserIds[2]!;
  const h = await db
    .selectFrom('cost_scheme_shares as s')
    .innerJoin('owner_verifications as ov', 'ov.unit_id', 's.unit_id')
    .innerJoin('cost_scheme_households as hh', 'hh.id', 's.household_id')
    .innerJoin('cost_scheme_versions as v', 'v.id', 's.version_id')
    .where('v.scheme_id', '=', a.schemeId)
    .where('ov.user_id', '=', third)
    .select(['hh.no', 'hh.share_fen'])
    .executeTakeFirstOrThrow();
  const p = ok(
    await pledge(
      db,
      third,
      { schemeId: a.schemeId, householdNo: h.no, amountFen: DEMO_SCHEME_PAYMENT_FEN, reason: h.share_fen === DEMO_SCHEME_PAYMENT_FEN ? null : '先缴一部分' },
      ago(9),
    ),
    'pledge',
  );
  ok(
    await recordPayment(
      db,
      staffUserId,
      { pledgeId: p.pledgeId, amountFen: DEMO_SCHEME_PAYMENT_FEN, paidOn: cstDate(ago(8)), method: 'transfer', receiptNo: 'DEMO-CS-0001', scanKey: null },
      ago(8),
    ),
    'payment',
  );

  // a bike shed whose pledges closed before today (the last deadline already over, rest days counted), far short of its target
  let k = 1;
  while (periodEnd(cstDate(ago(k)), config().workCalendar) > now) k++;
  const b = ok(
    await createScheme(
      db,
      staffUserId,
      {
        projectId: project.id,
        content: {
          ...lift(estate.id, cstDate(ago(k))),
          title: '2 栋 1 单元自行车棚',
          item: '在 2 栋 1 单元门前建自行车棚一处，各户平均分摊。',
          building: '2',
          entrance: '1',
          method: 'equal',
          coefficients: null,
          totalYuan: '12000.00',
        },
      },
      ago(40),
    ),
    'create shed',
  );
  ok(await postScheme(db, staffUserId, { schemeId: b.schemeId }, ago(40)), 'post shed');
  ok(await openPledging(db, staffUserId, { schemeId: b.schemeId }, ago(30)), 'open shed');
  return [a.schemeId, b.schemeId];
}
