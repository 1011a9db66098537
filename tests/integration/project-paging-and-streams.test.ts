import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { listProjects, mapPoints } from '../../src/features/projects/queries.ts';
import { projectPage, type ProjectPage } from '../../src/features/projects/paging.ts';
import { listTotals } from '../../src/features/projects/list-totals.ts';
import { loadDisclosures } from '../../src/features/projects/disclosure.ts';
import type { ProjectFilters } from '../../src/features/projects/filters.ts';
import { projectsCsv } from '../../src/features/open-data/projects-csv.ts';
import { buildOc4idsPackage } from '../../src/features/open-data/oc4ids.ts';
import { toFeatureCollection } from '../../src/features/map/geojson.ts';
import { projectsCsvStream, oc4idsStream, geojsonStream } from '../../src/features/open-data/streams.ts';

const stageName = (s: number) => `阶段${s}`;
const BASE = 'https://gongzhi.example.cn';
const PUBLISHER = '湛河区老旧小区改造工作领导小组办公室';

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  // byte for byte: keep a byte order mark (Response.text() would drop it)
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());
}

describe.each(BACKENDS)('paged project list and streamed open data on %s', (kind) => {
  let open: OpenDatabase;
  let dataDir: string;
  /** every published project, (code, year, stage, subdistrict), read with plain SQL */
  let published: { code: string; year: number; stage: number; sub: string }[];

  beforeAll(async () => {
    open = await freshDatabase(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-paging-'));
    await seedDatabase(open, dataDir, 24, () => {});
    // one draft, which no list and no feed may show
    await sql`update projects set published_at = null where code = (select max(code) from projects)`.execute(open.db);
    const { rows } = await sql<{ code: string; batch_year: number; stage: number; sub: string }>`
      select p.code, p.batch_year, p.stage, s.code as sub from projects p join subdistricts s on s.id = p.subdistrict_id
      where p.published_at is not null`.execute(open.db);
    published = rows.map((r) => ({ code: r.code, year: r.batch_year, stage: r.stage, sub: r.sub }));
  });
  afterAll(async () => {
    await open?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The list's order, computed here: newest batch first, then by code. */
  const ordered = (rows: typeof published) => [...rows].sort((a, b) => b.year - a.year || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)).map((r) => r.code);

  async function walk(f: ProjectFilters, size: number) {
    const pages: ProjectPage[] = [];
    let page = await projectPage(open.db, f, {}, size);
    pages.push(page);
    while (page.next) {
      page = await projectPage(open.db, f, { after: page.next }, size);
      pages.push(page);
      expect(pages.length).toBeLessThan(100);
    }
    // and back again with "previous" from the last page
    const back: ProjectPage[] = [page];
    while (page.prev) {
      page = await projectPage(open.db, f, { before: page.prev }, size);
      back.unshift(page);
      expect(back.length).toBeLessThan(100);
    }
    return { pages, back };
  }

  const cases: [string, ProjectFilters, (r: (typeof published)[number]) => boolean][] = [
    ['no filter', {}, () => true],
    ['stage 3', { stage: 3 }, (r) => r.stage === 3],
    ['year 2021', { year: 2021 }, (r) => r.year === 2021],
    ['subdistrict hebin', { subdistrict: 'hebin' }, (r) => r.sub === 'hebin'],
  ];

  it.each(cases)('pages through every project exactly once, in order, forward and back (%s)', async (_name, f, keep) => {
    const expected = ordered(published.filter(keep));
    expect(expected.length).toBeGreaterThan(0);
    for (const size of [1, 5, 7, 50]) {
      const { pages, back } = await walk(f, size);
      const forward = pages.flatMap((p) => p.items.map((i) => i.code));
      expect(forward).toEqual(expected);
      expect(back.flatMap((p) => p.items.map((i) => i.code))).toEqual(expected);
      expect(pages.every((p) => p.items.length <= size)).toBe(true);
      expect(pages.slice(0, -1).every((p) => p.items.length === size)).toBe(true);
      expect(pages[0]!.prev).toBeNull();
      expect(pages.at(-1)!.next).toBeNull();
      // the pages backwards are the same pages as forwards
      expect(back.map((p) => p.items.map((i) => i.code))).toEqual(pages.map((p) => p.items.map((i) => i.code)));
    }
    const totals = await listTotals(open.db, f);
    expect(totals.projects).toBe(expected.length);
  });

  it('pages a search and a category the same as the whole list does', async () => {
    const estate = (await sql<{ name: string }>`select name from estates order by id limit 1`.execute(open.db)).rows[0]!.name;
    for (const f of [{ q: estate.slice(0, 2) }, { q: 'ZH-2022' }, { category: 'services' as const }, { category: 'management' as const, stage: 2 }]) {
      const whole = (await listProjects(open.db, f, 1000)).map((p) => p.code);
      expect(whole.length).toBeGreaterThan(0);
      const { pages } = await walk(f, 4);
      expect(pages.flatMap((p) => p.items.map((i) => i.code))).toEqual(whole);
      expect((await listTotals(open.db, f)).projects).toBe(whole.length);
    }
  });

  it('starts again at the first page for a cursor that names no project', async () => {
    const first = await projectPage(open.db, {}, {}, 5);
    const stray = await projectPage(open.db, {}, { after: 'NO-SUCH-CODE' }, 5);
    expect(stray.items.map((i) => i.code)).toEqual(first.items.map((i) => i.code));
    expect(stray.prev).toBeNull();
  });

  it('streams the CSV byte for byte as the whole-list export built it', async () => {
    for (const f of [{}, { stage: 4 }, { subdistrict: 'nonexistent' }] as ProjectFilters[]) {
      const reference = projectsCsv(await listProjects(open.db, f, 1000), BASE, stageName);
      for (const batch of [1, 5, 1000]) {
        const streamed = await text(projectsCsvStream(open.db, f, { baseUrl: BASE, stageName, batch }));
        expect(streamed).toBe(reference);
      }
    }
  });

  it('streams OC4IDS byte for byte as the whole package built it', async () => {
    const all = await loadDisclosures(open.db, { all: true });
    const publishedDate = all.reduce((max, p) => (p.updatedAt > max ? p.updatedAt : max), new Date(0));
    const reference = JSON.stringify(buildOc4idsPackage(all, { baseUrl: BASE, publishedDate, publisherName: PUBLISHER }));
    for (const batch of [1, 5, 1000]) {
      const streamed = await text(oc4idsStream(open.db, { baseUrl: BASE, publisherName: PUBLISHER, batch }));
      expect(streamed).toBe(reference);
    }
    expect(JSON.parse(reference).projects).toHaveLength(published.length);
  });

  it('streams the GeoJSON without a box byte for byte as the whole collection built it', async () => {
    for (const [f, lang] of [
      [{}, 'zh'],
      [{ stage: 2 }, 'en'],
      [{ q: 'no such estate' }, 'zh'],
    ] as [ProjectFilters, 'zh' | 'en'][]) {
      const reference = JSON.stringify(toFeatureCollection(await mapPoints(open.db, f), lang));
      for (const batch of [1, 5, 1000]) expect(await text(geojsonStream(open.db, f, lang, { batch }))).toBe(reference);
    }
  });
});
