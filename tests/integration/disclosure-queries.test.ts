import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { listProjects, countProjects, headlineFigures, mapPoints, batchYears } from '../../src/features/projects/queries.ts';
import { projectDisclosure, loadDisclosures, documentById } from '../../src/features/projects/disclosure.ts';
import { listNotices, countNotices, noticeById } from '../../src/features/notices/queries.ts';
import { subdistrictByCode, listSubdistricts } from '../../src/features/geography/queries.ts';
import { SCOPE_CATEGORIES, categoryOf } from '../../src/features/projects/taxonomy.ts';
import { fileStore } from '../../src/lib/files/storage.ts';
import { databaseFileStore } from '../../src/lib/files/database-store.ts';

describe.each(BACKENDS)('disclosure queries on %s', (kind) => {
  let open: OpenDatabase;
  let dataDir: string;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-files-'));
    await seedDatabase(open, dataDir, 24, () => {});
  });
  afterAll(async () => {
    await open.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates idempotently', async () => {
    expect(await migrateToLatest(open.db)).toEqual([]);
  });

  it('refuses to seed twice', async () => {
    expect(await seedDatabase(open, dataDir, 24, () => {})).toBeNull();
  });

  it('hands back the same JavaScript types on both engines', async () => {
    const row = await open.db.selectFrom('projects').select(['households_benefiting', 'planned_start', 'published_at', 'stage']).executeTakeFirstOrThrow();
    expect(typeof row.households_benefiting).toBe('number');
    expect(row.planned_start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(row.published_at).toBeInstanceOf(Date);
    const money = await open.db.selectFrom('budget_lines').select(['amount_fen']).executeTakeFirstOrThrow();
    expect(Number.isSafeInteger(money.amount_fen)).toBe(true);
    const big = await sql<{ v: number; n: string }>`select 9007199254740991::bigint as v, 1.50::numeric as n`.execute(open.db);
    expect(big.rows[0]).toEqual({ v: 9007199254740991, n: '1.50' });
  });

  it('lists and counts published projects with every filter', async () => {
    expect(await countProjects(open.db, {})).toBe(24);
    const all = await listProjects(open.db, {}, 1000);
    expect(all).toHaveLength(24);
    for (const stage of [1, 2, 3, 4, 5, 6]) {
      const n = await countProjects(open.db, { stage });
      expect(n).toBe(all.filter((p) => p.stage === stage).length);
      expect(n).toBeGreaterThan(0);
    }
    const hebin = await listProjects(open.db, { subdistrict: 'hebin' });
    expect(hebin.length).toBeGreaterThan(0);
    expect(hebin.every((p) => p.subdistrictCode === 'hebin')).toBe(true);
    const y2021 = await listProjects(open.db, { year: 2021 });
    expect(y2021.every((p) => p.batchYear === 2021)).toBe(true);
    expect(await countProjects(open.db, { category: 'services' })).toBe(24);
    expect(await countProjects(open.db, { stage: 3, year: 1999 })).toBe(0);
    expect(await batchYears(open.db)).toEqual([2023, 2022, 2021, 2020]);
  });

  it('hides drafts from every public query', async () => {
    const draft = await open.db
      .insertInto('projects')
      .values({ code: 'ZH-DRAFT-1', subdistrict_id: (await listSubdistricts(open.db))[0]!.id, title: '草稿', batch_year: 2024, stage: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await countProjects(open.db, {})).toBe(24);
    expect(await projectDisclosure(open.db, 'ZH-DRAFT-1')).toBeNull();
    expect((await mapPoints(open.db, {})).some((p) => p.code === 'ZH-DRAFT-1')).toBe(false);
    await open.db.deleteFrom('projects').where('id', '=', draft.id).execute();
  });

  it('gives each project a complete disclosure whose totals add up', async () => {
    const list = await listProjects(open.db, {}, 1000);
    for (const item of list) {
      const p = (await projectDisclosure(open.db, item.code))!;
      expect(p.estates.length).toBeGreaterThan(0);
      expect(p.stageEvents.length).toBe(p.stage);
      expect(new Set(p.scope.map((s) => categoryOf(s.code)))).toEqual(new Set(SCOPE_CATEGORIES));
      const budgetTotal = p.budget.reduce((a, b) => a + b.amountFen, 0);
      expect(budgetTotal).toBe(item.totalFen);
      expect(budgetTotal).toBe(p.scope.reduce((a, s) => a + s.estimatedCostFen, 0));
      expect(p.parties.map((x) => x.role)).toEqual(expect.arrayContaining(['design', 'construction', 'supervision', 'property']));
      expect(p.documents.some((d) => d.mime === 'image/png' && d.kind === 'design_drawing')).toBe(true);
      expect(p.documents.some((d) => d.mime === 'application/pdf')).toBe(true);
      expect(p.fees.length).toBeGreaterThan(0);
      expect(p.notices.length).toBeGreaterThan(0);
      if (p.stage > 1) expect(p.history.some((h) => h.field === 'stage')).toBe(true);
    }
    const bulk = await loadDisclosures(open.db, { all: true });
    expect(bulk.map((b) => b.code).sort()).toEqual(list.map((l) => l.code).sort());
    const one = bulk.find((b) => b.code === list[0]!.code)!;
    expect(one).toEqual(await projectDisclosure(open.db, one.code));
  });

  it('stores the drawings so that their bytes match the published sha256', async () => {
    const p = (await projectDisclosure(open.db, (await listProjects(open.db, {}, 1))[0]!.code))!;
    const doc = p.documents[0]!;
    const row = (await documentById(open.db, doc.id))!;
    // on PostgreSQL the seed stores the drawings in the database (every instance serves them)
    const store = kind === 'postgres' ? databaseFileStore(() => open.db, 'public') : fileStore(dataDir);
    const bytes = (await store.get(row.storage_key))!;
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(doc.sha256);
    expect(bytes.byteLength).toBe(doc.sizeBytes);
  });

  it('sums headline figures over the same filters', async () => {
    const f = await headlineFigures(open.db, { subdistrict: 'beidu' });
    const list = await listProjects(open.db, { subdistrict: 'beidu' });
    expect(f.projects).toBe(list.length);
    expect(f.households).toBe(list.reduce((a, p) => a + p.households, 0));
    expect(f.byChannel.reduce((a, c) => a + c.amountFen, 0)).toBe(list.reduce((a, p) => a + p.totalFen, 0));
  });

  it('places every map point inside Zhanhe', async () => {
    const pts = await mapPoints(open.db, {});
    expect(pts).toHaveLength(24);
    for (const p of pts) {
      expect(p.lat).toBeGreaterThan(33.69);
      expect(p.lat).toBeLessThan(33.77);
      expect(p.lng).toBeGreaterThan(113.24);
      expect(p.lng).toBeLessThan(113.37);
    }
  });

  it('finds notices and subdistricts', async () => {
    const notices = await listNotices(open.db, { subdistrict: 'hebin' });
    expect(notices.length).toBeGreaterThan(0);
    const n = (await noticeById(open.db, notices[0]!.id))!;
    expect(n.subdistrict_code).toBe('hebin');
    expect((await listNotices(open.db, { kind: 'plan' })).every((x) => x.kind === 'plan')).toBe(true);
    const s = (await subdistrictByCode(open.db, 'jingshan'))!;
    expect(s.name).toBe('荆山街道');
    expect(s.estates.length).toBeGreaterThan(0);
    expect(await subdistrictByCode(open.db, 'nowhere')).toBeNull();
  });

  it('finds a resident’s estate by part of its name, its address or the project code, in the list, the map and the notices', async () => {
    const links = await open.db
      .selectFrom('project_estates')
      .innerJoin('estates', 'estates.id', 'project_estates.estate_id')
      .innerJoin('projects', 'projects.id', 'project_estates.project_id')
      .select(['projects.code', 'estates.name', 'estates.name_en', 'estates.address'])
      .execute();
    const codesWhere = (keep: (l: (typeof links)[number]) => boolean) => [...new Set(links.filter(keep).map((l) => l.code))].sort();
    const found = async (q: string) => (await listProjects(open.db, { q }, 1000)).map((p) => p.code).sort();

    const estate = links.find((l) => l.name.endsWith('家属院'))!;
    const stem = estate.name.slice(0, 2); // "纺织" of 纺织家属院: part of a name is enough
    expect(await found(stem)).toEqual(codesWhere((l) => l.name.includes(stem) || l.address.includes(stem)));
    expect(await found(stem)).toContain(estate.code);
    expect(await countProjects(open.db, { q: stem })).toBe((await found(stem)).length);
    expect((await mapPoints(open.db, { q: stem })).map((p) => p.code).sort()).toEqual(await found(stem));

    const road = estate.address.replace(/\d+号$/, ''); // 湛河区建设路
    expect(await found(road)).toEqual(codesWhere((l) => l.address.includes(road)));
    expect(await found(estate.code.toLowerCase())).toEqual([estate.code]);
    expect(await found(estate.name_en!.split(' ')[0]!.toUpperCase())).toContain(estate.code);
    expect(await found('%')).toEqual([]); // wildcards are taken literally
    expect(await found('_')).toEqual([]);

    const notices = await listNotices(open.db, { q: estate.name }, 1000);
    expect(notices.length).toBeGreaterThan(0);
    expect(notices.map((n) => n.project_code)).toContain(estate.code);
    for (const n of notices) expect(codesWhere((l) => l.name === estate.name)).toContain(n.project_code);
    expect(await countNotices(open.db, { q: estate.name })).toBe(notices.length);
  });

  it('pages the notices: every notice once, newest first', async () => {
    const total = await countNotices(open.db, {});
    const all = await open.db.selectFrom('notices').where('published_at', 'is not', null).select('id').execute();
    expect(total).toBe(all.length);
    const seen: number[] = [];
    for (let offset = 0; offset < total; offset += 20) seen.push(...(await listNotices(open.db, {}, 20, offset)).map((n) => n.id));
    expect(seen.sort((a, b) => a - b)).toEqual(all.map((n) => n.id).sort((a, b) => a - b));
    expect(await listNotices(open.db, {}, 20, total)).toEqual([]);
  });

  it('enforces the schema’s own rules', async () => {
    const projectId = (await open.db.selectFrom('projects').select('id').executeTakeFirstOrThrow()).id;
    await expect(open.db.insertInto('budget_lines').values({ project_id: projectId, channel: 'city', amount_fen: -1 }).execute()).rejects.toThrow();
    await expect(
      open.db
        .updateTable('projects')
        .set({ stage: 7 as never })
        .where('id', '=', projectId)
        .execute(),
    ).rejects.toThrow();
    await expect(
      open.db
        .insertInto('project_parties')
        .values({ project_id: projectId, party_id: 1, role: 'astrologer' as never })
        .execute(),
    ).rejects.toThrow();
  });
});
