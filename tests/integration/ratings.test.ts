import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { enterPaperRating, openRating, rateProject } from '../../src/features/ratings/commands/index.ts';
import { householdsFor, myHouseholdRatings, ratingSummary } from '../../src/features/ratings/queries/index.ts';
import type { Scores } from '../../src/features/ratings/core/goals.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';
import { currentMonth, rankingInputs } from '../../src/features/ratings/queries/ranking.ts';

// Ratings on both engines. An estate of 11 flats in building 1, entrance 1: 101 held by two
// co-owners A and B (one household), 102–109 one owner each, 110 developer-held, 111 without
// an owner: the rating roll has 9 households. Eight of them rate (101 by A, revised by B;
// 102–107 online; 109 on paper); 108 does not. Rater i (0…7) gives goal 1 = 4 (5 for i = 7),
// goal 2 = 5 (4 for i = 7), goal 3 = 3, goals 4–10 = (i mod 5) + 1. By hand:
//   goal 1: 7×4 + 5 = 33 over 8 = 4.125 → "4.13" (half up), distribution [0,0,0,7,1]
//   goal 2: 7×5 + 4 = 39 over 8 = 4.875 → "4.88", distribution [0,0,0,1,7]
//   goal 3: 24 over 8 = "3.00", distribution [0,0,8,0,0]
//   goals 4–10: 1+2+3+4+5+1+2+3 = 21 over 8 = 2.625 → "2.63", distribution [2,2,2,1,1]

const scoresOf = (i: number): Scores => {
  const rest = (i % 5) + 1;
  return { g1: i < 7 ? 4 : 5, g2: i < 7 ? 5 : 4, g3: 3, g4: rest, g5: rest, g6: rest, g7: rest, g8: rest, g9: rest, g10: rest };
};
const all = (n: number): Scores => ({ g1: n, g2: n, g3: n, g4: n, g5: n, g6: n, g7: n, g8: n, g9: n, g10: n });

describe.each(BACKENDS)('ratings on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let projectId: number;
  let emptyProjectId: number;
  const user: Record<string, number> = {};

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const db = open.db;
    const fx = await hebinEstate(db);
    staffId = fx.staffId;
    const mk = async (code: string) => {
      const p = await db
        .insertInto('projects')
        .values({ code, subdistrict_id: fx.subId, title: `${code} 改造`, batch_year: 2026, stage: 3, published_at: new Date('2026-01-01T00:00:00Z') })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('project_estates').values({ project_id: p.id, estate_id: fx.estateId }).execute();
      return p.id;
    };
    projectId = await mk('ZH-R-1');
    emptyProjectId = await mk('ZH-R-2');
    const b = await db.insertInto('buildings').values({ estate_id: fx.estateId, label: '1' }).returning('id').executeTakeFirstOrThrow();
    const e = await db.insertInto('entrances').values({ building_id: b.id, label: '1' }).returning('id').executeTakeFirstOrThrow();
    const unit: Record<string, number> = {};
    for (let r = 101; r <= 111; r++) {
      unit[r] = (
        await db
          .insertInto('units')
          .values({ entrance_id: e.id, floor: 1, room: String(r), area_cm2: 8000, developer_held: r === 110 })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    }
    const owner = async (name: string, flat: number, phone: string | null) => {
      const o = await db
        .insertInto('register_owners')
        .values({ estate_id: fx.estateId, name, id_type: 'resident_id', id_hash: `h-${name}`, id_key_version: 1, id_last4: '0000' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('unit_owners').values({ unit_id: unit[flat]!, owner_id: o.id }).execute();
      if (!phone) return;
      const u = await db.insertInto('users').values({ phone, password_hash: 'x', display_name: name }).returning('id').executeTakeFirstOrThrow();
      await db
        .insertInto('owner_verifications')
        .values({ user_id: u.id, unit_id: unit[flat]!, register_owner_id: o.id, status: 'verified', method: 'staff', claimed_name: name })
        .execute();
      user[name] = u.id;
    };
    await owner('A', 101, '13500000001');
    await owner('B', 101, '13500000002');
    for (let r = 102; r <= 109; r++) await owner(`O${r}`, r, r === 109 ? null : `13600000${r}`);
    user.stranger = (
      await db.insertInto('users').values({ phone: '13600000999', password_hash: 'x', display_name: 's' }).returning('id').executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => open?.close());

  const household = async (name: string) => {
    const hs = await householdsFor(open.db, projectId, user[name]!);
    expect(hs).toHaveLength(1);
    return hs[0]!.id;
  };

  it('opens only from acceptance on, once, freezing one household per group of co-owners', async () => {
    expect(await openRating(open.db, staffId, { projectId })).toEqual({ ok: false, error: 'err.ratingTooEarly' });
    expect(await enterPaperRating(open.db, staffId, { projectId, flat: '1-1-109', scores: all(3), comment: null, scanKey: 'k' })).toEqual({
      ok: false,
      error: 'err.ratingNotOpen',
    });
    await open.db.updateTable('projects').set({ stage: 4 }).where('id', '=', projectId).execute();
    // before rating opens: zero counts
    const before = await ratingSummary(open.db, projectId);
    expect(before).toMatchObject({ open: false, households: 0, responses: 0 });
    expect(before.goals.map((g) => [g.goal, g.count, g.mean])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((g) => [g, 0, null]));
    expect(await openRating(open.db, staffId, { projectId })).toEqual({ ok: true, households: 9 });
    expect(await openRating(open.db, staffId, { projectId })).toEqual({ ok: false, error: 'err.ratingAlreadyOpen' });
    const s = await ratingSummary(open.db, projectId);
    expect(s).toMatchObject({ open: true, households: 9, responses: 0 });
    expect(s.goals[0]).toEqual({ goal: 1, count: 0, mean: null, distribution: [0, 0, 0, 0, 0] });
    // the roll is frozen
    await expect(open.db.deleteFrom('rating_household_units').execute()).rejects.toThrow(/kept/);
  });

  it('co-owners share one rating: A rates, B sees and revises it, it counts once', async () => {
    const hA = await household('A');
    expect(await household('B')).toBe(hA);
    const first = await rateProject(open.db, user.A!, { projectId, householdId: hA, scores: all(1), comment: '路面很好' });
    expect(first).toMatchObject({ ok: true, version: 1, revised: false });
    const seen = await myHouseholdRatings(open.db, projectId, user.B!);
    expect(seen[0]!.rating).toMatchObject({ scores: all(1), comment: '路面很好', version: 1 });
    expect(seen[0]!.flats).toEqual(['1-1-101']);
    const second = await rateProject(open.db, user.B!, { projectId, householdId: hA, scores: scoresOf(0), comment: null });
    expect(second).toMatchObject({ ok: true, version: 2, revised: true });
    const s = await ratingSummary(open.db, projectId);
    expect(s.responses).toBe(1);
    expect(s.goals[0]).toEqual({ goal: 1, count: 1, mean: '4.00', distribution: [0, 0, 0, 1, 0] });
    const history = await open.db.selectFrom('rating_revisions').select(['version', 'rated_by', 'g1']).orderBy('version').execute();
    expect(history).toEqual([
      { version: 1, rated_by: user.A, g1: 1 },
      { version: 2, rated_by: user.B, g1: 4 },
    ]);
    await expect(open.db.updateTable('rating_revisions').set({ g1: 5 }).execute()).rejects.toThrow(/kept/);
  });

  it('a household can never rate twice, and only its verified owners rate for it', async () => {
    const hA = await household('A');
    await expect(
      open.db
        .insertInto('ratings')
        .values({ project_id: projectId, household_id: hA, comment: null, ...all(3) })
        .execute(),
    ).rejects.toThrow();
    expect(await rateProject(open.db, user.O102!, { projectId, householdId: hA, scores: all(2), comment: null })).toEqual({
      ok: false,
      error: 'err.ratingNotYours',
    });
    expect(await householdsFor(open.db, projectId, user.stranger!)).toEqual([]);
    expect(await rateProject(open.db, user.stranger!, { projectId, householdId: hA, scores: all(2), comment: null })).toEqual({
      ok: false,
      error: 'err.ratingNotYours',
    });
    expect((await ratingSummary(open.db, projectId)).responses).toBe(1);
  });

  it('a rating may be revised until 24:00 Asia/Shanghai of the 30th day after it was first given, by the database clock', async () => {
    // 23:59:59 in Shanghai on 1 October: revisable until 24:00 on 31 October (16:00 UTC)
    const r102 = await rateProject(
      open.db,
      user.O102!,
      { projectId, householdId: await household('O102'), scores: scoresOf(1), comment: null },
      new Date('2025-10-01T15:59:59Z'),
    );
    expect(r102).toMatchObject({ ok: true, version: 1 });
    expect(r102.ok && r102.reviseUntil.toISOString()).toBe('2025-10-31T16:00:00.000Z');
    // one second later it is already 2 October in Shanghai
    const r103 = await rateProject(
      open.db,
      user.O103!,
      { projectId, householdId: await household('O103'), scores: scoresOf(2), comment: null },
      new Date('2025-10-01T16:00:00Z'),
    );
    expect(r103.ok && r103.reviseUntil.toISOString()).toBe('2025-11-01T16:00:00.000Z');
    // now, long after: refused by the command with the database's clock…
    expect(await rateProject(open.db, user.O102!, { projectId, householdId: await household('O102'), scores: all(1), comment: null })).toEqual({
      ok: false,
      error: 'err.ratingClosed',
    });
    // …and by the database whatever writes
    await expect(
      open.db
        .updateTable('ratings')
        .set({ g1: 1, version: 2 })
        .where('household_id', '=', await household('O103'))
        .execute(),
    ).rejects.toThrow(/revise/);
    // a clock that says the window is still open does not fool the database
    expect(
      await rateProject(
        open.db,
        user.O102!,
        { projectId, householdId: await household('O102'), scores: all(1), comment: null },
        new Date('2025-10-20T00:00:00Z'),
      ),
    ).toEqual({ ok: false, error: 'err.ratingClosed' });
    const kept = await open.db
      .selectFrom('ratings')
      .select(['g1', 'version'])
      .where('household_id', '=', await household('O102'))
      .executeTakeFirstOrThrow();
    expect(kept).toEqual({ g1: 4, version: 1 });
  });

  it('staff enter a paper questionnaire with a scan, audited; per goal the mean rounds half up', async () => {
    for (let r = 104; r <= 107; r++) {
      const res = await rateProject(open.db, user[`O${r}`]!, { projectId, householdId: await household(`O${r}`), scores: scoresOf(r - 101), comment: null });
      expect(res).toMatchObject({ ok: true });
    }
    expect(await enterPaperRating(open.db, staffId, { projectId, flat: '9-9-999', scores: scoresOf(7), comment: null, scanKey: 'k' })).toEqual({
      ok: false,
      error: 'err.ratingNoSuchFlat',
      field: 'flat',
    });
    expect(await enterPaperRating(open.db, staffId, { projectId, flat: '1-1-109', scores: scoresOf(7), comment: '纸质', scanKey: 'scan-key-1' })).toMatchObject(
      {
        ok: true,
        version: 1,
      },
    );
    const s = await ratingSummary(open.db, projectId);
    expect(s.households).toBe(9);
    expect(s.responses).toBe(8);
    expect(s.goals[0]).toEqual({ goal: 1, count: 8, mean: '4.13', distribution: [0, 0, 0, 7, 1] });
    expect(s.goals[1]).toEqual({ goal: 2, count: 8, mean: '4.88', distribution: [0, 0, 0, 1, 7] });
    expect(s.goals[2]).toEqual({ goal: 3, count: 8, mean: '3.00', distribution: [0, 0, 8, 0, 0] });
    for (let g = 4; g <= 10; g++) expect(s.goals[g - 1]).toEqual({ goal: g, count: 8, mean: '2.63', distribution: [2, 2, 2, 1, 1] });
    const audit = await open.db.selectFrom('audit_log').select(['action']).where('action', 'like', 'rating.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['rating.open', 'rating.paper']);
    expect((await verifyAudit(open.db)).ok).toBe(true);
    // the ranking's inputs for 河滨 this month, added up by hand: goal 1: 33, goal 2: 39,
    // goal 3: 24, goals 4–10: 7 × 21 = 147 → 243 over 8 × 10 goal ratings; the two projects
    // (no stage events) at stages 4 and 3; 8 of 9 households rated
    const inputs = await rankingInputs(open.db, currentMonth());
    expect(inputs.find((x) => x.code === 'hebin')!.inputs).toEqual({ ratingSum: 243, ratingCount: 80, projects: 2, stageSum: 7, households: 9, responses: 8 });
    // the same from every revision (as for a past month) as from the counts kept per project
    expect(await rankingInputs(open.db, currentMonth(), new Date('2999-01-01T00:00:00Z'))).toEqual(inputs);
    // a month before the roll was opened: only the two ratings dated October 2025, no households
    expect((await rankingInputs(open.db, '2025-10')).find((x) => x.code === 'hebin')!.inputs).toMatchObject({ households: 0, responses: 0, ratingCount: 20 });
    // a project whose rating never opened still answers, with zero counts
    const empty = await ratingSummary(open.db, emptyProjectId);
    expect(empty).toMatchObject({ households: 0, responses: 0 });
    expect(await sql`select 1`.execute(open.db)).toBeTruthy();
  });
});
