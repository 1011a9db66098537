/**
 * The paged list and the streamed open data at 250,000 projects, on a temporary PostgreSQL:
 *
 *   node tests/bench/paging-national.ts [--projects 250000] [--seed-only] [--plans]
 *
 * Seeds 1,000 generated projects (db/seed) and copies their disclosures (estates shared) until
 * there are `--projects`, then, with a build (`npm run build`), starts the built server and
 * prints: the list's pages over HTTP (first page, pages walked by "next", a deep page, filters
 * and a search; each URL new, so never served from the page cache), the query plans of the
 * page queries (EXPLAIN ANALYZE), and the CSV, OC4IDS and GeoJSON downloads (first byte,
 * complete, bytes) with the server's peak RSS (VmHWM) after each. `PAGING_DB_URL` reuses a
 * database seeded before (`--seed-only` keeps its PostgreSQL running and prints its URL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { sql } from 'kysely';
import { findPostgresBin, freePort, startTempPostgres } from '../support/temp-postgres.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { spawnBuiltServer } from '../support/built-server.ts';
import { waitForServer } from '../support/wait-for-server.ts';
import { openPostgres } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { keysetQuery } from '../../src/features/projects/paging.ts';
import type { ProjectFilters } from '../../src/features/projects/filters.ts';

const { values } = parseArgs({
  options: { projects: { type: 'string', default: '250000' }, 'seed-only': { type: 'boolean', default: false }, plans: { type: 'boolean', default: false } },
});
const TARGET = Number(values.projects);
const BASE_PROJECTS = Math.min(1000, TARGET);
const log = (s: string) => console.log(`· ${s}`);
const ms = (t: number) => `${t.toFixed(1)} ms`;

/** The tables that hold a project's disclosure, copied with each copy of a project. */
const CHILDREN = ['project_estates', 'stage_events', 'scope_items', 'budget_lines', 'project_parties', 'fee_schedules', 'documents', 'notices'];

async function columns(client: pg.Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ column_name: string; column_default: string | null; is_identity: string }>(
    `select column_name, column_default, is_identity from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position`,
    [table],
  );
  return rows.filter((r) => !(r.column_name === 'id' && (r.column_default !== null || r.is_identity === 'YES'))).map((r) => r.column_name);
}

/** Copies the published projects and their disclosures until there are `target` projects. */
async function multiply(url: string, target: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const base = Number((await client.query(`select count(*) n from projects`)).rows[0].n);
    const copies = Math.round(target / base) - 1; // a multiple of the base
    const projectCols = (await columns(client, 'projects')).filter((c) => c !== 'code');
    const q = (s: string) => `"${s}"`;
    for (let from = 1; from <= copies; from += 20) {
      const to = Math.min(copies, from + 19);
      const t0 = performance.now();
      await client.query('begin');
      await client.query(`select set_config('gongzhi.skip_history', 'on', true)`);
      await client.query(`create temp table m on commit drop as
        select p.id as old_id, nextval(pg_get_serial_sequence('projects', 'id')) as new_id, k
        from projects p cross join generate_series(${from}, ${to}) k where p.code !~ '-K[0-9]+$'`);
      await client.query(
        `insert into projects (id, code, ${projectCols.map(q).join(', ')})
         select m.new_id, p.code || '-K' || lpad(m.k::text, 3, '0'), ${projectCols.map((c) => `p.${q(c)}`).join(', ')}
         from m join projects p on p.id = m.old_id`,
      );
      for (const table of CHILDREN) {
        const cols = (await columns(client, table)).filter((c) => c !== 'project_id');
        await client.query(
          `insert into ${table} (project_id, ${cols.map(q).join(', ')}) select m.new_id, ${cols.map((c) => `t.${q(c)}`).join(', ')} from m join ${table} t on t.project_id = m.old_id`,
        );
      }
      await client.query('commit');
      const n = Number((await client.query(`select count(*) n from projects`)).rows[0].n);
      log(`copies ${from}–${to}: ${n} projects (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

async function timed(url: string): Promise<{ ms: number; status: number; body: string; cache: string | null }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = await res.text();
  return { ms: performance.now() - t0, status: res.status, body, cache: res.headers.get('x-cache') };
}

function vm(pid: number): { hwm: number; rss: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 };
}

async function download(url: string): Promise<{ first: number; total: number; bytes: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const reader = res.body!.getReader();
  let first = 0;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!first) first = performance.now() - t0;
    bytes += value.byteLength;
  }
  return { first, total: performance.now() - t0, bytes, status: res.status };
}

/** CPU time (user + system) a process has used so far, in ms (Linux). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 a second)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let temp: Awaited<ReturnType<typeof startTempPostgres>> | null = null;
let server: ChildProcess | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-paging-'));
try {
  let url = process.env.PAGING_DB_URL;
  if (!url) {
    temp = await startTempPostgres(findPostgresBin()!, { settings: ['-c shared_buffers=256MB', '-c max_connections=100'] });
    url = (await scratchDatabase(temp.url(), 'paging')).url;
    const open = openPostgres(url);
    await migrateToLatest(open.db);
    const t0 = performance.now();
    await seedDatabase(open, dataDir, BASE_PROJECTS, () => {});
    log(`seeded ${BASE_PROJECTS} projects in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await open.close();
    const t1 = performance.now();
    await multiply(url, TARGET);
    log(`copied to ${TARGET} projects in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  } else {
    const open = openPostgres(url);
    await migrateToLatest(open.db);
    await open.close();
  }
  if (values['seed-only']) {
    log(`database: ${url} (PostgreSQL left running; stop it with pg_ctl, its directory is under ${os.tmpdir()}/gongzhi-pg-*)`);
    temp = null;
    process.exit(0);
  }

  const open = openPostgres(url, 2);
  const count = Number((await sql<{ n: string }>`select count(*) n from projects where published_at is not null`.execute(open.db)).rows[0]!.n);
  log(`${count} published projects`);
  const deep = (
    await sql<{
      code: string;
    }>`select code from projects where published_at is not null order by -batch_year, code offset ${Math.floor(count * 0.8)} limit 1`.execute(open.db)
  ).rows[0]!.code;
  const estate = (await sql<{ name: string }>`select name from estates order by id limit 1`.execute(open.db)).rows[0]!.name;
  const sub = (await sql<{ code: string }>`select code from subdistricts order by id limit 1`.execute(open.db)).rows[0]!.code;

  // query plans of the page queries, straight on PostgreSQL
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const plans: [string, ProjectFilters, { year: number; code: string } | null][] = [
    ['first page, no filter', {}, null],
    ['page at 80 %, no filter', {}, { year: Number(/-(\d{4})-/.exec(deep)![1]), code: deep }],
    ['first page, stage 3', { stage: 3 }, null],
    [`first page, subdistrict ${sub}`, { subdistrict: sub }, null],
    ['first page, year 2020', { year: 2020 }, null],
    ['first page, category services', { category: 'services' }, null],
    [`first page, search ${estate.slice(0, 2)}`, { q: estate.slice(0, 2) }, null],
    ['first page, search ZH-2021-00017-K1', { q: 'ZH-2021-00017-K1' }, null],
  ];
  for (const [name, f, key] of plans) {
    const { withListColumns } = await import('../../src/features/projects/queries.ts');
    const compiled = withListColumns(keysetQuery(open.db, f, key, true, 26)).compile();
    const times: number[] = [];
    let text = '';
    for (let i = 0; i < 5; i++) {
      const { rows } = await client.query(`explain (analyze, buffers) ${compiled.sql}`, compiled.parameters as unknown[]);
      text = rows.map((r) => r['QUERY PLAN']).join('\n');
      times.push(Number(/Execution Time: ([\d.]+) ms/.exec(text)![1]));
    }
    log(`EXPLAIN ANALYZE ${name}: execution median ${ms(median(times))} (of 5)`);
    if (values.plans) console.log(text.replace(/^/gm, '    '));
  }
  await client.end();
  await open.close();

  if (!fs.existsSync('dist/server/entry.mjs')) throw new Error('build first: npm run build');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = spawnBuiltServer(url, port, dataDir, { env: { DATABASE_POOL_SIZE: '10' }, showErrors: true });
  await waitForServer(base, 120);
  log(`server started, RSS ${vm(server.pid!).rss.toFixed(0)} MiB`);

  // pages over HTTP: the first load of the home page also counts the totals (kept per disclosure version after)
  const first = await timed(`${base}/`);
  log(`home page, first load (totals counted): ${ms(first.ms)} ${first.cache}`);
  const nextOf = (html: string) => /href="[^"]*(?:\?|&amp;|&)after=([A-Za-z0-9-]+)[^"]*"/.exec(html)?.[1];
  for (const [name, query] of [
    ['no filter', ''],
    ['stage 3', 'stage=3'],
    [`subdistrict ${sub}`, `subdistrict=${sub}`],
    ['year 2020', 'year=2020'],
    ['category services', 'category=services'],
    [`search ${estate.slice(0, 2)}`, `q=${encodeURIComponent(estate.slice(0, 2))}`],
  ] as const) {
    const warm = await timed(`${base}/?${query}`); // counts this filter's totals once
    let html = warm.body;
    const times: number[] = [];
    const cpu0 = cpuMs(server.pid!);
    for (let i = 0; i < 20; i++) {
      const after = nextOf(html);
      if (!after) break;
      const r = await timed(`${base}/?${query}${query ? '&' : ''}after=${after}`);
      if (r.status !== 200 || r.cache !== 'miss') throw new Error(`page ${i} of ${name}: ${r.status} ${r.cache}`);
      times.push(r.ms);
      html = r.body;
    }
    const cpu = times.length ? (cpuMs(server.pid!) - cpu0) / times.length : 0;
    log(
      `home page, ${name}: first ${ms(warm.ms)}; ${times.length} next pages uncached p50 ${times.length ? ms(median(times)) : '-'}, ` +
        `max ${times.length ? ms(Math.max(...times)) : '-'}, server CPU ${ms(cpu)} a page`,
    );
  }
  const deepTimes: number[] = [];
  for (let i = 0; i < 5; i++) deepTimes.push((await timed(`${base}/?after=${deep}&x=${i}&kind=${i}`)).ms);
  log(`home page at 80 % of the list (after=${deep}): p50 ${ms(median(deepTimes))}`);

  const downloads = [
    ['projects.csv', '/open-data/projects.csv'],
    ['oc4ids.json', '/open-data/oc4ids.json'],
    ['projects.geojson (no bbox)', '/api/projects.geojson'],
  ] as const;
  // PAGING_PAGES_ONLY=1: the pages alone
  for (const [name, path] of process.env.PAGING_PAGES_ONLY ? [] : downloads) {
    const before = vm(server.pid!);
    const d = await download(`${base}${path}`);
    const after = vm(server.pid!);
    log(
      `${name}: status ${d.status}, ${(d.bytes / 1024 / 1024).toFixed(1)} MiB, first byte ${ms(d.first)}, complete ${(d.total / 1000).toFixed(1)} s; ` +
        `server RSS ${before.rss.toFixed(0)} → ${after.rss.toFixed(0)} MiB, peak (VmHWM) ${after.hwm.toFixed(0)} MiB`,
    );
  }
} finally {
  server?.kill('SIGTERM');
  temp?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
