// A 50,000-household owners' vote, timed step by step (issue 13 part 3, "Big votes").
//
// Shape, for the national bench (tests/bench/run.ts --only national) to import:
//
//   seedBigEstate(db, { households, matters, verifiedShare? }) → Promise<BigEstate>
//     On a migrated database with at least one community (seedDatabase seeds them), creates
//     one new estate of `households` flats (buildings of 5 entrances × 50 flats, 0.2 % held by
//     the developer, 5 % with a co-owner, every 100th owner also owning the next flat), its
//     register, verified accounts for `verifiedShare` (0.7) of the owners, and a noticed
//     ballot of `matters` matters whose notice period is over — set-based SQL, a handful
//     of statements whatever the size. Returns { ballotId, estateId, adminId, households,
//     matters, seedMs }. Opening is left to measureBigVote, which times it.
//
//   measureBigVote({ db, estate, base?, casts? }) → Promise<BigVoteRow[]>
//     Opens the ballot (roll frozen, ballot_cast_rights filled), makes its vote-opened messages
//     as the notification loop's next run does (timed apart: not part of the opening), casts for `casts` (0.8) of
//     the voters set-wise plus 20 through gz_cast (the real cast, by session), closes,
//     loads the counted data, runs the pure tally (median of 5), computes the results page's
//     figures, publishes the preliminary bulletin, reads the roll page's first page, and
//     reads bulletin.json (in process, or over HTTP at `base` when a built server serves
//     the same database). Each row: { name, figure (= name), value, unit, budget, atMost,
//     note? } — tests/bench/report.ts's Row plus `name`; budget Infinity means reported only.
//
// Alone: node tests/bench/bigvote.ts [--households 50000] [--matters 20]
// starts a temporary PostgreSQL (or uses DATABASE_URL), seeds, measures and prints.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { closeBallot, countedData, openBallot } from '../../src/features/ballots/service.ts';
import { ballotResults, frozenUnits, publishBulletin } from '../../src/features/ballots/results-service.ts';
import { bulletinStream } from '../../src/features/ballots/bulletin-parts.ts';
import { loadRollPage } from '../../src/features/ballots/queries/roll-page.ts';
import { tally } from '../../src/features/ballots/tally.ts';
import { makeDueVoteMessages } from '../../src/features/notifications/commands/producers.ts';
import { generateSessionToken, sessionIdOf } from '../../src/features/accounts/session.ts';
import { castSetWise, seedBigEstate, type BigEstate } from '../support/big-estate.ts';
import type { Row } from './report.ts';

export { seedBigEstate, type BigEstate };

type DB = Kysely<Database>;
const DAY = 86_400_000;

export type BigVoteRow = Row & { name: string };

const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

export async function measureBigVote(opts: { db: DB; estate: BigEstate; base?: string; casts?: number }): Promise<BigVoteRow[]> {
  const { db, estate } = opts;
  const b = estate.ballotId;
  const rows: BigVoteRow[] = [];
  const row = (name: string, value: number, unit: string, budget = Infinity, note?: string) =>
    rows.push({ name, figure: name, value: Math.round(value * 100) / 100, unit, budget, atMost: true, ...(note ? { note } : {}) });
  const time = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t = performance.now();
    const r = await f();
    return [r, performance.now() - t];
  };
  const hh = estate.households.toLocaleString('en');
  row(`seed an estate of ${hh} households (register, accounts, ballot)`, estate.seedMs / 1000, 's');

  // open: the roll frozen and ballot_cast_rights filled
  const [opened, openMs] = await time(() => openBallot(db, estate.adminId, b, undefined, { confirmUnowned: true }));
  if (!opened.ok) throw new Error(`open: ${opened.error}`);
  const rights = await sql<{ n: number }>`select count(*)::int as n from ballot_cast_rights where ballot_id = ${b}`.execute(db);
  row(`open a ${hh}-household vote (roll frozen)`, openMs / 1000, 's', 5, `${opened.voters} voters, ${rights.rows[0]!.n} cast rights`);
  // the owners are told by the notification loop's next run, outside the opening (makeDueVoteMessages)
  const [told, toldMs] = await time(() => makeDueVoteMessages(db, new Date()));
  row('vote-opened messages made by the job loop (after the opening)', toldMs / 1000, 's', Infinity, `${told} rows`);

  // casts: most set-wise (the volume), a few through the real cast by session
  const share = Math.round((opts.casts ?? 0.8) * 100);
  const [, castMs] = await time(() => castSetWise(db, b, estate.adminId, share));
  const casters = await sql<{ user_id: number; voter_id: number }>`
    select distinct on (r.voter_id) r.user_id, r.voter_id from ballot_cast_rights r
    where r.ballot_id = ${b} and r.voter_id % 100 = 0 order by r.voter_id, r.user_id limit 20`.execute(db);
  const matters = await db.selectFrom('ballot_matters').select(['id', 'code']).where('ballot_id', '=', b).orderBy('id').execute();
  const choices = matters.map((_, i) => ['agree', 'oppose', 'abstain'][i % 3]!);
  const json = JSON.stringify(Object.fromEntries(matters.map((m, i) => [m.code, choices[i]])));
  const realMs: number[] = [];
  for (const c of casters.rows) {
    const token = generateSessionToken();
    await db
      .insertInto('sessions')
      .values({ id: sessionIdOf(token), user_id: c.user_id, expires_at: new Date(Date.now() + DAY) })
      .execute();
    const [r, ms] = await time(() =>
      sql<{
        status: string;
      }>`select * from gz_cast(${b}::integer, ${sessionIdOf(token)}::text, null::integer, null::text, ${json}::jsonb, ${matters.map((m) => m.id)}::integer[], ${choices}::text[], null::timestamptz, 30, 60)`.execute(
        db,
      ),
    );
    if (r.rows[0]?.status !== 'ok') throw new Error(`gz_cast: ${JSON.stringify(r.rows[0])}`);
    realMs.push(ms);
  }
  realMs.sort((x, y) => x - y);
  const counted = await sql<{ n: number }>`select count(distinct voter_id)::int as n from ballot_choices where ballot_id = ${b}`.execute(db);
  row(`cast set-wise (${share - 1} % of voters × ${estate.matters} matters)`, castMs / 1000, 's', Infinity, `${counted.rows[0]!.n} voters counted`);
  row('a cast through gz_cast on that roll, p50 of 20', realMs[Math.floor(realMs.length / 2)] ?? NaN, 'ms');

  const [, closeMs] = await time(() => closeBallot(db, estate.adminId, b));
  row('close the vote', closeMs, 'ms');

  // the pure tally on the real data
  const [[data, units], loadMs] = await time(() => Promise.all([countedData(db, b), frozenUnits(db, b)]));
  row('load the counted data (roll, flats, choices)', loadMs, 'ms');
  const roll = { voters: data.voters.map((v) => ({ id: v.id, units: units.get(v.id) ?? [] })) };
  const ballots = data.voters.filter((v) => v.choices !== null).map((v) => ({ voterId: v.id, choices: v.choices! }));
  const tm = data.matters.map((m) => ({ id: m.id, kind: m.kind }));
  for (let i = 0; i < 2; i++) tally(roll, ballots, tm);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    tally(roll, ballots, tm);
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  row(`tally of ${roll.voters.length.toLocaleString('en')} voters × ${tm.length} matters (pure, median of 5)`, times[2]!, 'ms', 100);

  const [, resultsMs] = await time(() => ballotResults(db, b));
  row('results page figures (ballotResults)', resultsMs, 'ms', Infinity);
  const [, results2Ms] = await time(() => ballotResults(db, b));
  row('results page figures, again', results2Ms, 'ms', Infinity);

  // the process's resident memory sampled every 5 ms while publishing (and at its end): its peak, and its rise over the start
  const rssBefore = rssMiB();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMiB())), 5);
  const [published, publishMs] = await time(() => publishBulletin(db, estate.adminId, b, 'preliminary')).finally(() => clearInterval(sampler));
  rssPeak = Math.max(rssPeak, rssMiB());
  if (!published.ok) throw new Error(`publish: ${published.error}`);
  row(
    'publish the preliminary bulletin',
    publishMs / 1000,
    's',
    Infinity,
    `peak rss ${rssPeak.toFixed(0)} MiB, +${(rssPeak - rssBefore).toFixed(0)} over ${rssBefore.toFixed(0)}`,
  );

  const staff = {
    id: estate.adminId,
    displayName: 'bench admin',
    phone: '',
    role: 'district_admin' as const,
    subdistrictId: null,
    communityId: null,
    district: estate.district,
    ownerStatusHeld: false,
  };
  const [, rollMs] = await time(() => loadRollPage(db, b, staff));
  row('roll page view model (staff)', rollMs, 'ms', Infinity);

  if (opts.base) {
    const t = performance.now();
    const res = await fetch(`${opts.base}/api/ballots/${b}/bulletin.json`);
    const reader = res.body!.getReader();
    let first = NaN;
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (Number.isNaN(first)) first = performance.now() - t;
      bytes += value.length;
    }
    const total = performance.now() - t;
    row('bulletin.json first byte (HTTP)', first, 'ms', 200, `status ${res.status}`);
    row('bulletin.json complete (HTTP)', total / 1000, 's', 3, `${(bytes / 2 ** 20).toFixed(1)} MiB`);
  } else {
    // in process: the stream bulletin.json answers with, read to its end
    const t = performance.now();
    const stream = await bulletinStream(db, b, null, 'public');
    let first = NaN;
    let bytes = 0;
    for await (const chunk of stream!.body) {
      if (Number.isNaN(first)) first = performance.now() - t;
      bytes += chunk.length;
    }
    row('bulletin.json first byte (in process)', first, 'ms', 200);
    row('bulletin.json complete (in process)', (performance.now() - t) / 1000, 's', 3, `${(bytes / 2 ** 20).toFixed(1)} MiB`);
  }
  // npm run ballot:recount on the public bulletin, written to a file as downloaded: time and peak memory
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { spawnSync } = await import('node:child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-recount-'));
  try {
    const file = path.join(dir, 'bulletin.json');
    const out = fs.createWriteStream(file);
    for await (const chunk of (await bulletinStream(db, b, null, 'public'))!.body) out.write(chunk);
    await new Promise((resolve) => out.end(resolve));
    const cli = new URL('../../src/cli/ballot-recount.ts', import.meta.url).pathname;
    const timeBin = fs.existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'maxrss=%M'] : [];
    const t = performance.now();
    const run = spawnSync(timeBin[0] ?? process.execPath, [...timeBin.slice(1), ...(timeBin.length ? [process.execPath] : []), cli, file], {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    const ms = performance.now() - t;
    const kib = Number(/maxrss=(\d+)/.exec(run.stderr)?.[1] ?? NaN);
    const same =
      run.status === 0 &&
      JSON.stringify(JSON.parse(run.stdout).matters) ===
        JSON.stringify(
          (await ballotResults(db, b))?.status === 'closed' ? ((await ballotResults(db, b)) as { results: { matters: unknown } }).results.matters : null,
        );
    row(
      'npm run ballot:recount on bulletin.json',
      ms / 1000,
      's',
      Infinity,
      `peak ${(kib / 1024).toFixed(0)} MiB, ${same ? 'same figures' : 'FIGURES DIFFER'}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  row('process RSS after all of the above', rssMiB(), 'MiB', 1024);
  return rows;
}

// run alone
if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import('node:util');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { findPostgresBin, startTempPostgres } = await import('../support/temp-postgres.ts');
  const { scratchDatabase } = await import('../support/scratch-database.ts');
  const { openPostgres } = await import('../../src/lib/db/open.ts');
  const { migrateToLatest } = await import('../../src/lib/db/migrate.ts');
  const { seedDatabase } = await import('../../db/seed/seed-database.ts');
  const { printReport } = await import('./report.ts');
  const { values } = parseArgs({ options: { households: { type: 'string', default: '50000' }, matters: { type: 'string', default: '20' } } });
  const temp = process.env.DATABASE_URL ? null : await startTempPostgres(findPostgresBin()!, { settings: ['-c shared_buffers=256MB'] });
  const scratch = await scratchDatabase(process.env.DATABASE_URL ?? temp!.url(), 'bigvote');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-bigvote-'));
  try {
    const open = openPostgres(scratch.url);
    await migrateToLatest(open.db);
    await seedDatabase(open, dataDir, 10, () => {});
    const estate = await seedBigEstate(open.db, { households: Number(values.households), matters: Number(values.matters) });
    const rows = await measureBigVote({ db: open.db, estate });
    await open.close();
    printReport(rows);
  } finally {
    await scratch.drop().catch(() => {});
    temp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
