import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import type { Database } from '../../src/lib/db/schema.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { countProjects, filtered, listProjects } from '../../src/features/projects/queries.ts';
import { countNotices, listNotices } from '../../src/features/notices/queries.ts';

// The search box (`q`) through the gram indexes of migration 0077: with sequential scans
// switched off the planner must take the indexes, and what they find must be exactly what a
// plain case-insensitive substring match over every project finds (computed here in
// JavaScript from the rows themselves): two-character Chinese names, one character, codes in
// lower case, English in capitals, `%` and `_` taken literally.
describe.each(BACKENDS)('search through the gram indexes on %s', (kind) => {
  let open: OpenDatabase;
  let dataDir: string;
  let rows: { code: string; title: string; title_en: string | null; names: string[] }[];

  /** Runs `fn` on one connection with sequential scans off (and bitmap scans still on). */
  async function noSeqScan<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return open.db.connection().execute(async (db) => {
      await sql`set enable_seqscan = off`.execute(db);
      try {
        return await fn(db);
      } finally {
        await sql`reset enable_seqscan`.execute(db);
      }
    });
  }

  /** The codes a case-insensitive substring match over code, titles, estate names and addresses finds. */
  const expected = (q: string) =>
    rows
      .filter((r) => [r.code, r.title, r.title_en ?? '', ...r.names].some((s) => s.toLowerCase().includes(q.toLowerCase())))
      .map((r) => r.code)
      .sort();

  beforeAll(async () => {
    open = await freshDatabase(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-files-'));
    await seedDatabase(open, dataDir, 60, () => {});
    const projects = await open.db.selectFrom('projects').where('published_at', 'is not', null).select(['id', 'code', 'title', 'title_en']).execute();
    const estates = await open.db
      .selectFrom('project_estates')
      .innerJoin('estates', 'estates.id', 'project_estates.estate_id')
      .select(['project_estates.project_id', 'estates.name', 'estates.name_en', 'estates.address'])
      .execute();
    rows = projects.map((p) => ({
      ...p,
      names: estates.filter((e) => e.project_id === p.id).flatMap((e) => [e.name, e.name_en ?? '', e.address]),
    }));
  });
  afterAll(async () => {
    await open.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('plans the search as index lookups on projects and estates, not a scan of every row', async () => {
    for (const q of ['建设', '纺织家属院', 'zh-2021', '建']) {
      const compiled = filtered(open.db, { q }).select('projects.id').compile();
      const plan = await noSeqScan(async (db) => {
        const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]));
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan, `${q}\n${plan}`).toMatch(/projects_search_idx/);
      expect(plan, `${q}\n${plan}`).toMatch(/estates_search_idx/);
      expect(plan, `${q}\n${plan}`).not.toMatch(/Seq Scan on (projects|estates)\b/);
    }
  });

  it('finds exactly what a substring match finds: two Chinese characters, one, longer names, codes, English, literal wildcards', async () => {
    const sample = rows.find((r) => r.names[0]!.endsWith('家属院'))!;
    const queries = [
      '建设', // a two-character stem (建设家属院) and a road (建设路)
      sample.names[0]!.slice(0, 2),
      '建',
      '号',
      sample.names[0]!,
      sample.names[2]!.slice(-6), // the end of an address
      sample.code.toLowerCase(),
      sample.code.slice(0, 7).toLowerCase(), // zh-2021
      sample.names[1]!.toUpperCase(),
      'staff compound', // two English words, space between
      '老旧小区改造项目', // in every title
      '%',
      '_',
      'no such estate',
    ];
    for (const q of queries) {
      const want = expected(q);
      const got = await noSeqScan(async (db) => (await listProjects(db, { q }, 1000)).map((p) => p.code).sort());
      expect(got, q).toEqual(want);
      expect(await noSeqScan((db) => countProjects(db, { q })), q).toBe(want.length);
      expect((await listProjects(open.db, { q }, 1000)).map((p) => p.code).sort(), q).toEqual(want);
    }
    expect(expected('建设').length).toBeGreaterThan(0);
    expect(expected('%')).toEqual([]);
  });

  it('finds notices by a two-character estate name through the same indexes', async () => {
    const sample = rows.find((r) => r.names[0]!.endsWith('家属院'))!;
    const q = sample.names[0]!.slice(0, 2);
    const notices = await noSeqScan((db) => listNotices(db, { q }, 1000));
    expect(notices.map((n) => n.project_code)).toContain(sample.code);
    for (const n of notices) if (n.project_code && !n.title.includes(q)) expect(expected(q)).toContain(n.project_code);
    expect(await noSeqScan((db) => countNotices(db, { q }))).toBe(notices.length);
  });
});
