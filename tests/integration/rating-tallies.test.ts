import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { BACKENDS, postgresUrl } from '../support/databases.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { openPgliteInMemory, openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { migrationProvider } from '../../db/migrations/index.ts';
import type { Database } from '../../src/lib/db/schema.ts';
import { ratingSummary } from '../../src/features/ratings/queries/index.ts';
import type { Scores } from '../../src/features/ratings/core/goals.ts';
import { rng } from '../../db/seed/random.ts';
import { currentMonth, rankingInputs } from '../../src/features/ratings/queries/ranking.ts';

// The per-project rating counts the database keeps (migration 0048) stay exact: ratings given
// before the migration are counted in by it; afterwards 300 first ratings and 400 revisions
// on two projects, in random order, leave each project's figures equal to what this test
// tallied itself from the scores it wrote, and to a plain count over the ratings table. A
// rating touches its own project's page-cache tag and no other. The ranking's sums read from
// these counts equal those added up from every revision.

const GOALS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
type Tally = { responses: number; dist: number[][] };
const emptyTally = (): Tally => ({ responses: 0, dist: GOALS.map(() => [0, 0, 0, 0, 0]) });
const add = (t: Tally, s: Scores, k: 1 | -1) => GOALS.forEach((g, i) => (t.dist[i]![s[`g${g}`] - 1]! += k));

describe.each(BACKENDS)('rating tallies on %s', (kind) => {
  let open: OpenDatabase;
  let db: Kysely<Database>;
  const projects: number[] = [];
  const households: Record<number, number[]> = {};
  const expected: Record<number, Tally> = {};
  const current = new Map<number, { id: number; project: number; version: number; scores: Scores }>();
  const r = rng(2026);
  const scores = (): Scores => Object.fromEntries(GOALS.map((g) => [`g${g}`, r.int(1, 5)])) as Scores;
  const past = new Date(Date.now() - 3 * 86_400_000);
  let staffId: number;

  async function rate(project: number, household: number) {
    const s = scores();
    const row = await db
      .insertInto('ratings')
      .values({ project_id: project, household_id: household, first_rated_at: past, comment: null, ...s })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('rating_revisions')
      .values({ rating_id: row.id, version: 1, rated_by: staffId, channel: 'paper', scan_storage_key: 'k', at: past, ...s })
      .execute();
    current.set(household, { id: row.id, project, version: 1, scores: s });
    expected[project]!.responses++;
    add(expected[project]!, s, 1);
  }

  beforeAll(async () => {
    if (kind === 'pglite') open = await openPgliteInMemory();
    else open = openPostgres((await scratchDatabase(postgresUrl!, 't')).url, 4);
    db = open.db;
    const migrator = new Migrator({ db, provider: migrationProvider });
    const before = await migrator.migrateTo('0039_donation_name_erased');
    if (before.error) throw before.error;
    const fx = await hebinEstate(db);
    staffId = fx.staffId;
    for (const code of ['ZH-T-1', 'ZH-T-2', 'ZH-T-3']) {
      const p = await db
        .insertInto('projects')
        .values({ code, subdistrict_id: fx.subId, title: code, batch_year: 2026, stage: 4, published_at: new Date('2026-01-01T00:00:00Z') })
        .returning('id')
        .executeTakeFirstOrThrow();
      projects.push(p.id);
      expected[p.id] = emptyTally();
      await db.insertInto('rating_rolls').values({ project_id: p.id, opened_by: staffId, households: 200 }).execute();
      const hs = await db
        .insertInto('rating_households')
        .values(Array.from({ length: 200 }, (_, i) => ({ project_id: p.id, code: `H${i}` })))
        .returning('id')
        .execute();
      households[p.id] = hs.map((h) => h.id);
    }
    // 40 ratings on the first project before the migration
    for (const h of households[projects[0]!]!.slice(0, 40)) await rate(projects[0]!, h);
    const after = await migrator.migrateToLatest();
    if (after.error) throw after.error;
  });
  afterAll(async () => {
    await open?.close();
  });

  async function check() {
    for (const p of projects) {
      const s = await ratingSummary(db, p);
      const e = expected[p]!;
      expect(s.responses, `project ${p}`).toBe(e.responses);
      const plain = await sql<{ n: number }>`select count(*)::int as n from ratings where project_id = ${p}`.execute(db);
      expect(s.responses).toBe(plain.rows[0]!.n);
      for (const [i, g] of s.goals.entries()) {
        expect(g.distribution, `project ${p} goal ${g.goal}`).toEqual(e.dist[i]);
        expect(g.count).toBe(e.responses);
        // the mean from the test's own sum, rounded half up by hand on integers
        const sum = e.dist[i]!.reduce((a, c, k) => a + c * (k + 1), 0);
        const hundredths = e.responses ? Math.floor((sum * 1000) / e.responses / 10 + 0.5) : null;
        expect(g.mean).toBe(hundredths === null ? null : `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`);
      }
    }
  }

  it('counts in the ratings given before the migration', async () => {
    expect(expected[projects[0]!]!.responses).toBe(40);
    await check();
  });

  it('stays exact through 300 first ratings and 400 revisions in random order, project by project', async () => {
    const waiting = projects.slice(0, 2).flatMap((p) => households[p]!.filter((h) => !current.has(h)).map((h) => ({ p, h })));
    for (let step = 0; step < 700; step++) {
      const revise = step % 7 >= 3 && current.size > 0;
      if (!revise && waiting.length > 0) {
        const { p, h } = waiting.splice(r.int(0, waiting.length - 1), 1)[0]!;
        if (current.size + 1 > 340) continue;
        await rate(p, h);
      } else {
        const keys = [...current.keys()];
        const c = current.get(keys[r.int(0, keys.length - 1)]!)!;
        const s = scores();
        await db
          .updateTable('ratings')
          .set({ ...s, version: c.version + 1 })
          .where('id', '=', c.id)
          .execute();
        await db
          .insertInto('rating_revisions')
          .values({ rating_id: c.id, version: c.version + 1, rated_by: staffId, channel: 'paper', scan_storage_key: 'k', ...s })
          .execute();
        add(expected[c.project]!, c.scores, -1);
        add(expected[c.project]!, s, 1);
        c.version++;
        c.scores = s;
      }
    }
    expect(current.size).toBeGreaterThan(300);
    await check();
    // the ranking this month, from the counts kept per project, equals the one from every revision
    const kept = await rankingInputs(db, currentMonth());
    expect(kept.find((x) => x.code === 'hebin')!.inputs.ratingCount).toBe(10 * current.size);
    expect(await rankingInputs(db, currentMonth(), new Date('2999-01-01T00:00:00Z'))).toEqual(kept);
    // the third project: opened, nobody rated
    const third = await ratingSummary(db, projects[2]!);
    expect(third.open).toBe(true);
    expect(third.responses).toBe(0);
    expect(third.goals[0]).toEqual({ goal: 1, count: 0, mean: null, distribution: [0, 0, 0, 0, 0] });
  });

  it('a rating touches its own project page-cache tag only', async () => {
    const version = async (p: number) =>
      (await db.selectFrom('page_cache_tags').select('version').where('tag', '=', `project:${p}`).executeTakeFirst())?.version ?? null;
    const [a0, b0] = [await version(projects[2]!), await version(projects[1]!)];
    await rate(projects[2]!, households[projects[2]!]![0]!);
    const [a1, b1] = [await version(projects[2]!), await version(projects[1]!)];
    expect(Number(a1)).toBeGreaterThan(Number(a0 ?? 0));
    expect(b1).toEqual(b0);
    await check();
  });
});
