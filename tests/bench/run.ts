// npm run bench: the performance budgets of DESIGN.md, measured against 10,000 projects
// in a real PostgreSQL and the built server. Not part of npm test.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { findPostgresBin, freePort, startTempPostgres } from '../support/temp-postgres.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { spawnBuiltServer } from '../support/built-server.ts';
import { waitForServer } from '../support/wait-for-server.ts';
import { openPostgres } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { load, percentile, sequential } from './http.ts';
import { jsBytesGzip, launch, markersVisibleMs } from './measure-js.ts';
import { reportFigure } from './report-month.ts';
import { printReport, type Row } from './report.ts';
import { benchTally } from '../support/tally-bench.ts';
import { barePgCasts, castOncePerVoter, httpCasts } from './casts.ts';
import { ownCpu, postgresCpu, processCpu } from './cpu.ts';
import { prepareVote } from '../support/vote-fixture.ts';
import { prepareSignups, simultaneousSignUps } from './signups.ts';
import { consultationPageFigure, prepareConsultation } from './consultation.ts';
import { prepareBigScheme, SCHEME_FLATS } from './scheme.ts';
import { remindersFigure } from './reminders.ts';
import { ratingFigures } from './ratings.ts';
import { nationalBench } from './national.ts';

const { values } = parseArgs({
  options: {
    projects: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    // --only casts: just the casting figures (seeds 100 projects), for working on the hot path;
    // --only markers: just the map's markers (seeds all the projects), for working on the map;
    // --only signups: just the simultaneous volunteer sign-ups (seeds 100 projects);
    // --only consultation: just the project page with a consultation of 5,000 comments (seeds 100 projects);
    // --only schemes: just the pledge page of a 5,040-flat cost-share scheme (seeds 100 projects);
    // --only reminders: just 50,000 due reminders drained by two job loops (seeds nothing, no server)
    // --only report: just the district's monthly report (seeds all the projects)
    // --only ratings: just a project's ratings aggregate (5,000 households rated) and the ranking page (seeds all the projects)
    // --only national: issue 13's province (seeds 250,000 projects over Henan, or --projects when given) and 50,000-household vote (tests/bench/national.ts)
    only: { type: 'string' },
    // --trace file.json: a Chromium trace of each markers run, file-1.json, file-2.json… (chrome://tracing or Perfetto)
    trace: { type: 'string' },
    // --runs N: page loads for the markers figure (the median counts)
    runs: { type: 'string', default: '3' },
  },
});
const CASTS_ONLY = values.only === 'casts';
const MARKERS_ONLY = values.only === 'markers';
const SIGNUPS_ONLY = values.only === 'signups';
const CONSULTATION_ONLY = values.only === 'consultation';
const SCHEMES_ONLY = values.only === 'schemes';
const REMINDERS_ONLY = values.only === 'reminders';
const REPORT_ONLY = values.only === 'report';
const RATINGS_ONLY = values.only === 'ratings';
const NATIONAL_ONLY = values.only === 'national';
const ONLY_CHOICES = ['casts', 'markers', 'signups', 'consultation', 'schemes', 'reminders', 'report', 'ratings', 'national'];
if (values.only && !ONLY_CHOICES.includes(values.only)) throw new Error(`--only accepts: ${ONLY_CHOICES.join(', ')}`);
const PROJECTS = CASTS_ONLY || SIGNUPS_ONLY || CONSULTATION_ONLY || SCHEMES_ONLY ? 100 : Number(values.projects);
const SECONDS = Number(values.seconds);
if (!REMINDERS_ONLY && !fs.existsSync('dist/server/entry.mjs')) throw new Error('build first: npm run build');

const bin = findPostgresBin();
if (!bin && !process.env.DATABASE_URL) throw new Error('the bench needs PostgreSQL: install it or set DATABASE_URL');
// the national seed writes ~10 million rows in one transaction: fewer checkpoints while it does
const temp = process.env.DATABASE_URL
  ? null
  : await startTempPostgres(bin!, { settings: ['-c shared_buffers=256MB', '-c max_connections=200', ...(NATIONAL_ONLY ? ['-c max_wal_size=4GB'] : [])] });
const adminUrl = process.env.DATABASE_URL ?? temp!.url();
const scratch = await scratchDatabase(adminUrl, 'bench');
const url = scratch.url;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-bench-'));

const log = (s: string) => console.log(`· ${s}`);
let server: ChildProcess | undefined;

if (REMINDERS_ONLY) {
  try {
    const row = await remindersRow();
    console.log('');
    process.exitCode = printReport([row]) ? 0 : 1;
  } finally {
    await scratch.drop().catch(() => {});
    temp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit();
}
if (NATIONAL_ONLY) {
  try {
    const ok = await nationalBench({
      url,
      dataDir,
      // 250,000 unless --projects says otherwise (its default, 10,000, is the district bench's)
      projects: process.argv.some((a) => a.startsWith('--projects')) ? PROJECTS : undefined,
      seconds: SECONDS,
      runs: Number(values.runs),
      trace: values.trace,
      log,
    });
    process.exitCode = ok ? 0 : 1;
  } finally {
    await scratch.drop().catch(() => {});
    temp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit();
}
try {
  const open = openPostgres(url);
  await migrateToLatest(open.db);
  // CAST_SQL=file.sql: another "create or replace function gz_cast" loaded after migrating, to
  // compare two versions of the cast under the same conditions (as tests/bench/cast-db.ts does)
  if (process.env.CAST_SQL) await sql.raw(fs.readFileSync(process.env.CAST_SQL, 'utf8')).execute(open.db);
  const t0 = performance.now();
  await seedDatabase(open, dataDir, PROJECTS, () => {});
  log(`seeded ${PROJECTS} projects in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const codes = (await open.db.selectFrom('projects').select('code').orderBy('id').execute()).map((r) => r.code);
  // a published project with an open consultation of 5,000 comments (not one of the uncached-page sample)
  const consultationCode = (
    await open.db.selectFrom('projects').select('code').where('published_at', 'is not', null).orderBy('id', 'desc').executeTakeFirstOrThrow()
  ).code;
  const c0 = performance.now();
  await prepareConsultation(open.db, consultationCode, 5000);
  log(`consultation of 5,000 comments on ${consultationCode} in ${((performance.now() - c0) / 1000).toFixed(1)} s`);
  await open.close();

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = spawnBuiltServer(url, port, dataDir, {
    env: { DATABASE_POOL_SIZE: '20', TILE_URL: 'https://tiles.bench.invalid/{z}/{x}/{y}.png' },
    showErrors: true,
  });
  await waitForServer(base);

  if (REPORT_ONLY || RATINGS_ONLY) {
    const rows = REPORT_ONLY ? [await reportFigure(base, url, PROJECTS)] : await ratingRows(base);
    console.log('');
    process.exitCode = printReport(rows) ? 0 : 1;
  } else if (MARKERS_ONLY || SIGNUPS_ONLY || CONSULTATION_ONLY || SCHEMES_ONLY) {
    const rows = [
      MARKERS_ONLY
        ? await markerFigure(base)
        : SIGNUPS_ONLY
          ? await signupFigure(base, server!.pid!)
          : SCHEMES_ONLY
            ? await schemeFigure(base)
            : await consultationRow(base, consultationCode, codes[0]!),
    ];
    console.log('');
    const ok = printReport(rows);
    process.exitCode = ok ? 0 : 1;
  } else {
    await allFigures(base, codes, server.pid!, consultationCode);
  }
} finally {
  server?.kill('SIGTERM');
  await scratch.drop().catch(() => {});
  temp?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** Every figure, or (--only casts) the casting ones; prints the report. */
async function allFigures(base: string, codes: string[], serverPid: number, consultationCode: string) {
  const pageRows = CASTS_ONLY ? [] : await pageFigures(base, codes, consultationCode);
  const signupRows = CASTS_ONLY ? [] : [await signupFigure(base, serverPid)];

  // 5. Ballot casting at 64 clients, next to bare pg writing the same rows in one statement a cast.
  const voteDb = openPostgres(url);
  const vote = await prepareVote(voteDb.db, 4000);
  await voteDb.close();
  // warm up the server and its connections, over every voter: a household may cast 30 times a minute, and a
  // warm-up over a few voters spent their allowance, so the timed run counted cheap 429s as casts
  await httpCasts(base, vote.ballotId, vote.tokens, 8, 2);
  // every voter has cast once, so that over HTTP as in bare pg a cast writes over a ballot:
  // the same rows, updated in place, on both sides
  await castOncePerVoter(base, vote.ballotId, vote.tokens, 16);
  // CPU a cast in each process (where the machine's two cores go), alongside the rates
  const pgCpu = postgresCpu(new URL(url).port);
  pgCpu?.start();
  const cpu0 = { server: processCpu(server!.pid!), bench: ownCpu() };
  const answered = await httpCasts(base, vote.ballotId, vote.tokens, 64, SECONDS);
  // only accepted casts count: a refusal (a 429, say) is cheap and would flatter the rate
  const casts = { ...answered, rps: answered.rps - answered.non2xx / SECONDS };
  const cpu1 = { server: processCpu(server!.pid!) - cpu0.server, postgres: pgCpu?.elapsed() ?? 0, bench: ownCpu() - cpu0.bench };
  const bareCpu = { postgres: 0, bench: 0 };
  const bare = await barePgCasts(url, vote.ballotId, 64, SECONDS, {
    start: () => {
      pgCpu?.start();
      bareCpu.bench = -ownCpu();
    },
    end: () => Object.assign(bareCpu, { postgres: pgCpu?.elapsed() ?? 0, bench: bareCpu.bench + ownCpu() }),
  });
  log(
    `casts over HTTP ×64: ${casts.rps.toFixed(0)}/s, p50 ${casts.p50} ms, p99 ${casts.p99} ms, errors ${casts.errors}, non-2xx ${casts.non2xx}; bare pg ×64: ${bare.toFixed(0)}/s`,
  );
  const us = (s: number, n: number) => `${((s / n) * 1e6).toFixed(0)} µs`;
  const httpN = casts.rps * SECONDS;
  const bareN = bare * SECONDS;
  log(
    `CPU a cast: over HTTP server ${us(cpu1.server, httpN)}, PostgreSQL ${pgCpu ? us(cpu1.postgres, httpN) : '?'}, ` +
      `load generator ${us(cpu1.bench, httpN)}; bare pg PostgreSQL ${pgCpu ? us(bareCpu.postgres, bareN) : '?'}, client ${us(bareCpu.bench, bareN)}`,
  );

  const tallyMs = benchTally(10_000, 20);
  log(`tally of 10,000 voters × 20 matters: ${tallyMs.toFixed(1)} ms (median of 9)`);

  const rows: Row[] = [
    ...pageRows,
    {
      figure: 'ballot casts/s over HTTP (3 matters, 64 clients)',
      value: Math.round(casts.rps),
      unit: '/s',
      budget: 1000,
      atMost: false,
      note: casts.non2xx ? `${casts.non2xx} non-2xx!` : undefined,
    },
    {
      figure: 'cast rate ÷ bare pg, one statement a cast (same rows)',
      value: casts.rps / bare,
      unit: '',
      budget: 0.5,
      atMost: false,
      note: `bare pg ${bare.toFixed(0)}/s`,
    },
    { figure: 'tally of 10,000 voters × 20 matters (median of 9)', value: Math.round(tallyMs * 10) / 10, unit: 'ms', budget: 100, atMost: true },
    ...signupRows,
    ...(CASTS_ONLY ? [] : [await schemeFigure(base), await remindersRow()]),
    ...(CASTS_ONLY ? [] : [await reportFigure(base, url, PROJECTS)]),
    ...(CASTS_ONLY ? [] : await ratingRows(base)),
  ];
  console.log('');
  const ok = printReport(rows);
  console.log(ok ? '\nall budgets met' : '\nSOME BUDGETS MISSED');
  process.exitCode = ok ? 0 : 1;
}

/** Sections 1–4: pages, map data, JavaScript and markers. */
async function pageFigures(base: string, codes: string[], consultationCode: string): Promise<Row[]> {
  // 1. Uncached render: every request is the first for its project, so none is cached.
  await sequential(
    base,
    codes.slice(-20).map((c) => `/projects/${c}`),
  ); // warm connections and JIT
  const uncached = await sequential(
    base,
    codes.slice(0, 400).map((c) => `/projects/${c}`),
  );
  log(`uncached project page: ${uncached.length} distinct pages, p50 ${percentile(uncached, 50).toFixed(2)} ms`);

  // 2. 32 concurrent clients over 200 project pages, next to a static file.
  const pages = codes.slice(1000, 1200).map((c) => `/projects/${c}`);
  await sequential(base, pages); // fill the page cache as readers would
  const dyn = await load(base, pages, 32, SECONDS);
  const stat = await load(base, ['/robots.txt'], 32, SECONDS);
  log(`project pages ×32: ${dyn.rps.toFixed(0)} req/s, p50 ${dyn.p50} ms, p99 ${dyn.p99} ms, errors ${dyn.errors}, non-2xx ${dyn.non2xx}`);
  log(`static file ×32:   ${stat.rps.toFixed(0)} req/s, p50 ${stat.p50} ms, p99 ${stat.p99} ms`);

  // 3. Map data.
  const g0 = performance.now();
  const geoRes = await fetch(`${base}/api/projects.geojson?nocache=${Date.now()}`);
  const geo = Buffer.from(await geoRes.arrayBuffer());
  const geoMs = performance.now() - g0;
  const geoGzip = zlib.gzipSync(geo, { level: 6 }).byteLength;
  const features = JSON.parse(geo.toString()).features.length;
  log(`GeoJSON: ${features} features, ${geo.byteLength} bytes raw, ${geoGzip} bytes gzip, first (uncached) response ${geoMs.toFixed(0)} ms`);

  // 4. JavaScript shipped and markers visible, in headless Chromium.
  const browser = await launch();
  const jsHome = await jsBytesGzip(browser, `${base}/`);
  const jsProject = await jsBytesGzip(browser, `${base}/projects/${codes[0]}`);
  const jsNotices = await jsBytesGzip(browser, `${base}/notices`);
  await browser.close();

  return [
    { figure: `project page, uncached render p50 (1 client, ${PROJECTS} projects)`, value: percentile(uncached, 50), unit: 'ms', budget: 25, atMost: true },
    await consultationRow(base, consultationCode, codes[0]!),
    { figure: 'project page p50 at 32 concurrent clients', value: dyn.p50, unit: 'ms', budget: 10, atMost: true },
    { figure: 'project page p99 at 32 concurrent clients', value: dyn.p99, unit: 'ms', budget: 50, atMost: true },
    {
      figure: 'project page throughput ÷ static file throughput (32 clients)',
      value: dyn.rps / stat.rps,
      unit: '',
      budget: 0.25,
      atMost: false,
      note: `${dyn.rps.toFixed(0)} vs ${stat.rps.toFixed(0)} req/s`,
    },
    { figure: `map data for ${features} projects, gzip`, value: Math.round(geoGzip / 1024), unit: 'KB', budget: 400, atMost: true },
    await markerFigure(base),
    {
      figure: 'JS shipped, home page with the map, gzip',
      value: Math.round(jsHome.gzip / 102.4) / 10,
      unit: 'KB',
      budget: 60,
      atMost: true,
      note: `${jsHome.files} files`,
    },
    {
      figure: 'JS shipped, project page (no map), gzip',
      value: Math.round(jsProject.gzip / 102.4) / 10,
      unit: 'KB',
      budget: 20,
      atMost: true,
      note: `${jsProject.files} files`,
    },
    {
      figure: 'JS shipped, notices page (no map), gzip',
      value: Math.round(jsNotices.gzip / 102.4) / 10,
      unit: 'KB',
      budget: 20,
      atMost: true,
      note: `${jsNotices.files} files`,
    },
  ];
}

/**
 * Section 6: 200 residents with sessions sign up at the same instant for a task of 10 places,
 * over HTTP. Three rounds, each on a new task, after a warm-up; the median round's p99 counts.
 * Each round must end with exactly 10 confirmed and 190 waiting, every answer a 200. Beside
 * it, what the load leaves of the machine: 200 simultaneous GETs of a static file, and the
 * server's CPU time per sign-up (which no load changes much).
 */
async function signupFigure(base: string, serverPid: number): Promise<Row> {
  const db = openPostgres(url);
  try {
    const fx = await prepareSignups(db.db, 200);
    await simultaneousSignUps(base, await fx.newTask(5), fx.tokens.slice(0, 20)); // warm up
    const rounds = [];
    for (let i = 0; i < 3; i++) {
      const taskId = await fx.newTask(10);
      const cpu0 = cpuMs(serverPid);
      const r = await simultaneousSignUps(base, taskId, fx.tokens);
      const cpu = (cpuMs(serverPid) - cpu0) / fx.tokens.length;
      const o = await fx.outcome(taskId);
      if (r.failed || o.confirmed !== 10 || o.waiting !== 190) throw new Error(`sign-ups: ${r.failed} failed, ${o.confirmed} confirmed, ${o.waiting} waiting`);
      const t0 = performance.now();
      const floor = await Promise.all(fx.tokens.map(() => fetch(`${base}/robots.txt`).then(async (res) => (await res.arrayBuffer(), performance.now() - t0))));
      rounds.push({ p50: percentile(r.times, 50), p99: percentile(r.times, 99), cpu, floor: percentile(floor, 99) });
    }
    for (const r of rounds)
      log(
        `200 simultaneous sign-ups: p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms (10 confirmed, 190 waiting); server CPU ${r.cpu.toFixed(1)} ms a sign-up; 200 simultaneous static GETs p99 ${r.floor.toFixed(0)} ms`,
      );
    const p99s = rounds.map((r) => r.p99);
    return {
      figure: '200 simultaneous volunteer sign-ups, p99 (median of 3)',
      value: Math.round(percentile(p99s, 50)),
      unit: 'ms',
      budget: 500,
      atMost: true,
      note: `rounds ${p99s.map((x) => x.toFixed(0)).join(', ')} ms; server CPU ${percentile(
        rounds.map((r) => r.cpu),
        50,
      ).toFixed(1)} ms a sign-up`,
    };
  } finally {
    await db.close();
  }
}

/** CPU time (user + system) a process and its children (the workers, with GONGZHI_WORKERS > 1) have used so far, in ms (Linux /proc; 0 elsewhere). */
function cpuMs(pid: number): number {
  const stat = (p: string) => {
    try {
      return fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    } catch {
      return null;
    }
  };
  let ticks = 0;
  for (const p of fs.existsSync('/proc') ? fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)) : []) {
    const fields = stat(p);
    // fields[1]: the parent; [11], [12]: utime, stime in clock ticks (USER_HZ = 100)
    if (fields && (Number(p) === pid || Number(fields[1]) === pid)) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

/** Section 1b: the project page with an open consultation of 5,000 comments, uncached (its thread is paginated). */
async function consultationRow(base: string, code: string, plainCode: string): Promise<Row> {
  const c = await consultationPageFigure(base, code, plainCode);
  log(`uncached project page with a consultation of 5,000 comments: p50 ${c.p50.toFixed(2)} ms, ${c.bytes} bytes`);
  log(`  alternating with the same measure on ${plainCode}, without a consultation: p50 ${c.plainP50.toFixed(2)} ms`);
  return {
    figure: 'project page with a 5,000-comment consultation, uncached p50',
    value: c.p50,
    unit: 'ms',
    budget: 30,
    atMost: true,
    note: `${c.plainP50.toFixed(1)} ms without one`,
  };
}

/** Section 4b: the map's markers visible in headless Chromium, median of three (--runs) page loads. */
async function markerFigure(base: string): Promise<Row> {
  const browser = await launch();
  const markerRuns = [];
  const runs = Number(values.runs);
  for (let i = 0; i < runs; i++) markerRuns.push(await markersVisibleMs(browser, `${base}/`, values.trace?.replace(/(\.json)?$/, `-${i + 1}.json`)));
  await browser.close();
  const markers = percentile(
    markerRuns.map((m) => m.ms),
    50,
  );
  log(`markers visible: ${markerRuns.map((m) => m.ms.toFixed(0)).join(', ')} ms (${markerRuns[0]!.markers} markers)`);
  for (const run of markerRuns) log(`  ${run.ms.toFixed(0)} ms: ${run.timeline}`);
  return { figure: `markers visible in headless Chromium (median of ${runs})`, value: Math.round(markers), unit: 'ms', budget: 1500, atMost: true };
}

/** Section 7: a project's ratings aggregate with 5,000 households rated, and the ranking page, both uncached (tests/bench/ratings.ts). */
async function ratingRows(base: string): Promise<Row[]> {
  const db = openPostgres(url);
  try {
    return await ratingFigures(db.db, base, log);
  } finally {
    await db.close();
  }
}

/** Section 6: the pledge page of a 5,040-flat scheme (2,000 pledges), never cached: p50 of 200 sequential requests. */
async function schemeFigure(base: string): Promise<Row> {
  const db = openPostgres(url);
  const path = await prepareBigScheme(db.db);
  await db.close();
  await sequential(
    base,
    Array.from({ length: 20 }, () => path),
  ); // warm connections and JIT
  const times = await sequential(
    base,
    Array.from({ length: 200 }, () => path),
  );
  // for scale on a loaded machine: uncached project pages measured right after, the same way
  const ref = openPostgres(url);
  const codes = (await ref.db.selectFrom('projects').select('code').orderBy('id', 'desc').limit(100).execute()).map((r) => `/projects/${r.code}`);
  await ref.close();
  const projectTimes = await sequential(base, codes);
  log(`pledge page of a ${SCHEME_FLATS}-flat scheme: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`);
  return {
    figure: `pledge page of a ${SCHEME_FLATS}-flat scheme p50 (2,000 pledges)`,
    value: Math.round(percentile(times, 50) * 10) / 10,
    unit: 'ms',
    budget: 50,
    atMost: true,
    note: `uncached project page p50 ${percentile(projectTimes, 50).toFixed(1)} ms alongside`,
  };
}

/** Section 7: 50,000 due reminders drained by two job loops, on a database of their own (the server's loop never sees them). */
async function remindersRow(): Promise<Row> {
  const own = await scratchDatabase(adminUrl, 'reminders');
  try {
    const open = openPostgres(own.url, 2);
    await migrateToLatest(open.db);
    await open.close();
    return await remindersFigure(own.url, log);
  } finally {
    await own.drop().catch(() => {});
  }
}
