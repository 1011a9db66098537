import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { ratingSummary } from '../../src/features/ratings/queries/index.ts';
import { DEMO_UNOPENED_RATINGS } from '../../db/seed/demo-ratings.ts';

// The demo set carries ratings: every published demo project from acceptance (stage 4) on has
// its rating opened and answered, except the three left for staff to open; the figures read by
// the pages equal a plain count over the ratings; the oldest are past their 30 days.

describe('demo ratings', () => {
  let open: OpenDatabase;
  beforeAll(async () => {
    open = await freshDatabase('pglite');
    const dataDir = mkdtempSync(join(tmpdir(), 'gz-ratings-'));
    await seedDatabase(open, dataDir, 24, () => {}, parseIdKey(`v1:${Buffer.alloc(32, 9).toString('base64')}`));
  });
  afterAll(() => open.close());

  it('every finished demo project but the three left unopened has ratings, counted exactly', async () => {
    const finished = await open.db
      .selectFrom('projects')
      .select(['id', 'code'])
      .where('is_demo', '=', true)
      .where('published_at', 'is not', null)
      .where('stage', '>=', 4)
      .orderBy('code')
      .execute();
    expect(finished.length).toBeGreaterThan(DEMO_UNOPENED_RATINGS.length);
    for (const p of finished) {
      const s = await ratingSummary(open.db, p.id);
      if (DEMO_UNOPENED_RATINGS.includes(p.code)) {
        expect(s.open, p.code).toBe(false);
        continue;
      }
      expect(s.open, p.code).toBe(true);
      expect(s.responses, p.code).toBeGreaterThan(s.households / 2);
      expect(s.responses, p.code).toBeLessThanOrEqual(s.households);
      const plain = await sql<{ n: number; g1: number }>`select count(*)::int as n, sum(g1)::int as g1 from ratings where project_id = ${p.id}`.execute(
        open.db,
      );
      expect(s.responses).toBe(plain.rows[0]!.n);
      expect(s.goals[0]!.distribution.reduce((a, c, i) => a + c * (i + 1), 0)).toBe(plain.rows[0]!.g1);
    }
    const ages = await sql<{ past: number; open: number }>`
      select count(*) filter (where revise_until < now())::int as past, count(*) filter (where revise_until >= now())::int as open from ratings`.execute(
      open.db,
    );
    expect(ages.rows[0]!.past).toBeGreaterThan(0);
    expect(ages.rows[0]!.open).toBeGreaterThan(0);
  });
});
