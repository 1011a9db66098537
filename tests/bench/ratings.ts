import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { DAY } from '../../src/lib/calendar.ts';
import { openRating } from '../../src/features/ratings/commands/index.ts';
import { ratingSummary } from '../../src/features/ratings/queries/index.ts';
import { rng } from '../../db/seed/random.ts';
import type { Scores } from '../../src/features/ratings/core/goals.ts';
import { percentile, sequential } from './http.ts';
import type { Row } from './report.ts';
import { zhanhe } from '../support/districts.ts';
import { insertTallEstate, TALL_ESTATE_FLATS } from './tall-estate.ts';

// 效果共评 at scale: a project in acceptance whose estate has 5,040 flats, each with an owner of
// record, its rating opened by the command staff use (the roll frozen from the register), and
// 5,000 households rated (1,000 of them revised once). Then: the aggregate of its ten goals
// (ratingSummary, what ratings.json and the rating page read) and the ranking page, never cached.

export const RATING_FLATS = TALL_ESTATE_FLATS;
const RATED = 5000;
const REVISED = 1000;

export async function prepareBigRating(db: Kysely<Database>): Promise<{ projectId: number; code: string }> {
  const project = await db
    .selectFrom('projects')
    .where('published_at', 'is not', null)
    .where('stage', '>=', 4)
    .select(['id', 'code', 'subdistrict_id'])
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const community = await db.selectFrom('communities').select('id').where('subdistrict_id', '=', project.subdistrict_id).executeTakeFirstOrThrow();
  await insertTallEstate(db, { projectId: project.id, communityId: community.id, name: '压测评分小区', address: '压测路 2 号', owners: 'bench-rating' });
  const staff = await db
    .insertInto('users')
    .values({ phone: '13799999998', password_hash: 'x', display_name: '压测评分', role: 'district_admin', district_id: await zhanhe(db) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const opened = await openRating(db, staff.id, { projectId: project.id });
  if (!opened.ok) throw new Error(`bench rating: ${opened.error}`);
  const households = await db.selectFrom('rating_households').select('id').where('project_id', '=', project.id).orderBy('id').limit(RATED).execute();
  const r = rng(7);
  const scores = (): Scores => Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`g${i + 1}`, r.int(1, 5)])) as Scores;
  const at = new Date(Date.now() - 10 * DAY);
  for (let i = 0; i < households.length; i += 500) {
    const rows = await db
      .insertInto('ratings')
      .values(households.slice(i, i + 500).map((h) => ({ project_id: project.id, household_id: h.id, first_rated_at: at, comment: null, ...scores() })))
      .returning(['id', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8', 'g9', 'g10'])
      .execute();
    await db
      .insertInto('rating_revisions')
      .values(
        rows.map(({ id, ...s }) => ({ rating_id: id, version: 1, rated_by: staff.id, channel: 'paper' as const, scan_storage_key: '0'.repeat(64), at, ...s })),
      )
      .execute();
  }
  const revised = await db.selectFrom('ratings').select('id').where('project_id', '=', project.id).orderBy('id').limit(REVISED).execute();
  for (const { id } of revised) {
    const s = scores();
    await db
      .updateTable('ratings')
      .set({ ...s, version: 2 })
      .where('id', '=', id)
      .execute();
    await db
      .insertInto('rating_revisions')
      .values({ rating_id: id, version: 2, rated_by: staff.id, channel: 'paper', scan_storage_key: '0'.repeat(64), ...s })
      .execute();
  }
  return { projectId: project.id, code: project.code };
}

/** The aggregate of one project's 5,000 ratings (median of 200 in a row), and the ranking page uncached (median of 50). */
export async function ratingFigures(db: Kysely<Database>, base: string, log: (s: string) => void): Promise<Row[]> {
  const t0 = performance.now();
  const { projectId, code } = await prepareBigRating(db);
  log(`rating of ${RATING_FLATS} flats opened, ${RATED} households rated (${REVISED} revised) on ${code} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const check = await ratingSummary(db, projectId);
  if (check.responses !== RATED || check.goals.some((g) => g.distribution.reduce((a, b) => a + b, 0) !== RATED))
    throw new Error(`bench rating: ${check.responses} responses`);
  for (let i = 0; i < 20; i++) await ratingSummary(db, projectId); // warm up
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const s = performance.now();
    await ratingSummary(db, projectId);
    times.push(performance.now() - s);
  }
  // for scale: the same figures added up from the 5,000 rows in one pass (how it was read before migration 0048)
  const columns = Array.from({ length: 10 }, (_, k) => k + 1)
    .flatMap((g) => [`sum(g${g})`, ...[1, 2, 3, 4, 5].map((v) => `count(*) filter (where g${g} = ${v})`)])
    .join(', ');
  const plain: number[] = [];
  for (let i = 0; i < 50; i++) {
    const s = performance.now();
    await sql`select count(*), ${sql.raw(columns)} from ratings where project_id = ${projectId}`.execute(db);
    plain.push(performance.now() - s);
  }
  const json = `/api/projects/${encodeURIComponent(code)}/ratings.json`;
  await sequential(
    base,
    Array.from({ length: 20 }, () => json),
  );
  const jsonTimes = await sequential(
    base,
    Array.from({ length: 200 }, () => json),
  );
  log(
    `aggregate of ${RATED} ratings: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (one pass over the rows instead: p50 ${percentile(plain, 50).toFixed(2)} ms); ratings.json over HTTP p50 ${percentile(jsonTimes, 50).toFixed(2)} ms`,
  );
  await sequential(
    base,
    Array.from({ length: 10 }, () => '/ranking'),
  );
  const ranking = await sequential(
    base,
    Array.from({ length: 50 }, () => '/ranking'),
  );
  const rankingJson = await sequential(
    base,
    Array.from({ length: 50 }, () => '/open-data/ranking.json'),
  );
  log(
    `ranking page (never cached): p50 ${percentile(ranking, 50).toFixed(2)} ms, p99 ${percentile(ranking, 99).toFixed(2)} ms; ranking.json p50 ${percentile(rankingJson, 50).toFixed(2)} ms`,
  );
  return [
    {
      figure: `a project's ratings aggregate, ${RATED} households rated (p50)`,
      value: Math.round(percentile(times, 50) * 100) / 100,
      unit: 'ms',
      budget: 20,
      atMost: true,
      note: `ratings.json over HTTP p50 ${percentile(jsonTimes, 50).toFixed(1)} ms; one pass over the rows ${percentile(plain, 50).toFixed(1)} ms`,
    },
    {
      figure: 'ranking page, uncached p50',
      value: Math.round(percentile(ranking, 50) * 10) / 10,
      unit: 'ms',
      budget: 50,
      atMost: true,
      note: `ranking.json p50 ${percentile(rankingJson, 50).toFixed(1)} ms`,
    },
  ];
}
