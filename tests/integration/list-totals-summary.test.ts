import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import type { Database } from '../../src/lib/db/schema.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { listTotals, summaryMade } from '../../src/features/projects/list-totals.ts';
import type { ProjectFilters } from '../../src/features/projects/filters.ts';

// The list's totals for filter sets of subdistrict, stage and year come from one summary per
// disclosure version: once it is made, another filter set reads no project and no budget line. Every figure is checked against sums made here from the rows themselves.
describe.each(BACKENDS)('list totals from a summary kept per disclosure version on %s', (kind) => {
  let open: OpenDatabase;
  let dataDir: string;
  /** the tables each query of `db` read, in order */
  let read: string[][];
  let db: Kysely<Database>;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-files-'));
    await seedDatabase(open, dataDir, 40, () => {});
    read = [];
    db = open.db.withPlugin({
      transformQuery(args) {
        read.push([...JSON.stringify(args.node).matchAll(/"IdentifierNode","name":"(\w+)"/g)].map((m) => m[1]!));
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    });
  });
  afterAll(async () => {
    await open.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function expected(f: ProjectFilters) {
    const projects = await open.db
      .selectFrom('projects')
      .innerJoin('subdistricts', 'subdistricts.id', 'projects.subdistrict_id')
      .where('projects.published_at', 'is not', null)
      .select(['projects.id', 'subdistricts.code as sub', 'projects.stage', 'projects.batch_year', 'projects.households_benefiting'])
      .execute();
    const keep = projects.filter(
      (p) => (!f.subdistrict || p.sub === f.subdistrict) && (!f.stage || p.stage === f.stage) && (!f.year || p.batch_year === f.year),
    );
    const ids = new Set(keep.map((p) => p.id));
    const lines = await open.db.selectFrom('budget_lines').select(['project_id', 'channel', 'amount_fen']).execute();
    const byChannel = new Map<string, number>();
    for (const l of lines) if (ids.has(l.project_id)) byChannel.set(l.channel, (byChannel.get(l.channel) ?? 0) + Number(l.amount_fen));
    return {
      projects: keep.length,
      households: keep.reduce((s, p) => s + p.households_benefiting, 0),
      byChannel: [...byChannel].map(([channel, amountFen]) => ({ channel, amountFen })).sort((a, b) => a.channel.localeCompare(b.channel)),
    };
  }
  const sorted = (t: Awaited<ReturnType<typeof listTotals>>) => ({ ...t, byChannel: [...t.byChannel].sort((a, b) => a.channel.localeCompare(b.channel)) });

  const sets = (subs: string[]): ProjectFilters[] => [
    {},
    { stage: 3 },
    { year: 2021 },
    { subdistrict: subs[0] },
    { subdistrict: subs[1], stage: 2 },
    { stage: 1, year: 2020 },
    { subdistrict: subs[0], year: 2022 },
    { subdistrict: 'no-such-place' },
  ];

  it('counts the first filter set of a version once, and every other from the same summary without reading projects or budget lines', async () => {
    const subs = (await open.db.selectFrom('subdistricts').select('code').orderBy('code').execute()).map((s) => s.code);
    await listTotals(db, { stage: 4 }); // the first of this version: counts its own rows, starts the summary
    await summaryMade(db);
    read = [];
    for (const f of sets(subs)) expect(sorted(await listTotals(db, f)), JSON.stringify(f)).toEqual(await expected(f));
    const heavy = read.filter((tables) => tables.includes('projects') || tables.includes('budget_lines'));
    expect(heavy).toEqual([]);
  });

  it('is exact again after a change: a budget line added, a stage moved, a project withdrawn', async () => {
    const subs = (await open.db.selectFrom('subdistricts').select('code').orderBy('code').execute()).map((s) => s.code);
    for (const f of sets(subs)) await listTotals(db, f);
    const p = await open.db.selectFrom('projects').where('published_at', 'is not', null).select(['id', 'stage']).orderBy('id').executeTakeFirstOrThrow();
    await sql`insert into budget_lines (project_id, channel, amount_fen, note) select ${p.id}, channel, 12345, '新增' from budget_lines where project_id = ${p.id} limit 1`.execute(
      open.db,
    );
    for (const f of sets(subs)) expect(sorted(await listTotals(db, f)), JSON.stringify(f)).toEqual(await expected(f));
    await open.db
      .updateTable('projects')
      .set({ stage: (p.stage === 6 ? 5 : p.stage + 1) as never })
      .where('id', '=', p.id)
      .execute();
    for (const f of sets(subs)) expect(sorted(await listTotals(db, f)), JSON.stringify(f)).toEqual(await expected(f));
    await open.db.updateTable('projects').set({ published_at: null }).where('id', '=', p.id).execute();
    for (const f of sets(subs)) expect(sorted(await listTotals(db, f)), JSON.stringify(f)).toEqual(await expected(f));
  });

  it('still counts a search and a category over the rows', async () => {
    const t = await listTotals(db, { category: 'services' });
    expect(t.projects).toBeGreaterThan(0);
    const q = await listTotals(db, { q: 'no such estate' });
    expect(q).toEqual({ projects: 0, households: 0, byChannel: [] });
  });
});
