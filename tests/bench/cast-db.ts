// node tests/bench/cast-db.ts [variant.sql ...]: the database's share of a cast, without HTTP.
// gz_cast called straight from pg (one named prepared statement a cast, connections warmed
// first), next to bare pg writing the same rows (tests/bench/casts.ts's statement) on the
// same connections, in one temp PostgreSQL. Besides the rates, which swing with the
// machine's load, it prints the PostgreSQL backends' CPU time per cast (from /proc), which
// does not. Each variant file (a "create or replace function gz_cast" text) is loaded and
// measured in turn, then db/functions/gz_cast.sql is loaded back. For working on the
// function; not a budget. CONNECTIONS (8), SECONDS (5) and ROUNDS (2) from the environment.
// STATEMENTS=1 loads pg_stat_statements (nested statements tracked too) and prints, after each
// gz_cast measurement, the statements inside it with their mean time a call: where a cast's time goes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findPostgresBin, startTempPostgres } from '../support/temp-postgres.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { openPostgres } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { seedDatabase } from '../../db/seed/seed-database.ts';
import { prepareVote } from '../support/vote-fixture.ts';
import { sessionIdOf } from '../../src/features/accounts/session.ts';
import { postgresCpu } from './cpu.ts';

const SECONDS = Number(process.env.SECONDS ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 8);
const BARE = `with cast_row as (
    insert into ballot_casts (ballot_id, voter_id, cast_by, channel, cast_right, choices, cast_at)
    values ($1, $2, $3, 'online', 'owner', $4, now()) returning id
  )
  insert into ballot_choices (ballot_id, voter_id, matter_id, choice, cast_id)
  select $1, $2, t.m, t.c, cast_row.id from cast_row, unnest($5::integer[], $6::text[]) as t(m, c)
  on conflict (voter_id, matter_id) do update set choice = excluded.choice, cast_id = excluded.cast_id`;
const CAST = 'select * from gz_cast($1::integer, $2::text, null::integer, null::text, $3::jsonb, $4::integer[], $5::text[], null::timestamptz, 30, 60)';

const STATEMENTS = process.env.STATEMENTS === '1';
// a variant may change what the function returns, which "create or replace" refuses
const DROP = 'drop function if exists gz_cast(integer, text, integer, text, jsonb, integer[], text[], timestamptz, integer, integer)';
const temp = await startTempPostgres(findPostgresBin()!, {
  settings: [
    '-c shared_buffers=256MB',
    '-c max_connections=200',
    ...(STATEMENTS ? ['-c shared_preload_libraries=pg_stat_statements', '-c pg_stat_statements.track=all', '-c pg_stat_statements.track_planning=on'] : []),
  ],
});
const scratch = await scratchDatabase(temp.url(), 'castdb');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-castdb-'));
try {
  const open = openPostgres(scratch.url);
  await migrateToLatest(open.db);
  await seedDatabase(open, dataDir, 100, () => {});
  const vote = await prepareVote(open.db, 4000);
  await open.close();

  const backendCpu = postgresCpu(new URL(scratch.url).port)!;

  const pool = new pg.Pool({ connectionString: scratch.url, max: CONNECTIONS + 1 }); // one more for the statistics
  pool.on('error', () => {});
  const matters = (await pool.query<{ id: number }>('select id from ballot_matters where ballot_id = $1 order by id', [vote.ballotId])).rows.map((r) => r.id);
  const voters = (await pool.query<{ id: number }>('select id from ballot_voters where ballot_id = $1', [vote.ballotId])).rows.map((r) => r.id);
  const caster = (await pool.query<{ id: number }>('select id from users limit 1')).rows[0]!.id;
  const sessions = vote.tokens.map(sessionIdOf);
  const choices = JSON.stringify({ m1: 'agree', m2: 'oppose', m3: 'abstain' });
  if (STATEMENTS) await pool.query('create extension if not exists pg_stat_statements');
  const values = ['agree', 'oppose', 'abstain'];
  let i = 0;
  const one = async (client: pg.PoolClient, name: string, bare: boolean) => {
    const k = i++;
    if (bare) {
      await client.query({ name, text: BARE, values: [vote.ballotId, voters[k % voters.length], caster, choices, matters, values] });
      return true;
    }
    const r = await client.query({ name, text: CAST, values: [vote.ballotId, sessions[k % sessions.length], choices, matters, values] });
    return r.rows[0].status === 'ok';
  };
  const measure = async (name: string, bare: boolean) => {
    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => pool.connect()));
    try {
      // warm: past the first custom plans of each connection
      await Promise.all(
        clients.map(async (c) => {
          for (let w = 0; w < 8; w++) await one(c, name, bare);
        }),
      );
      if (STATEMENTS) await pool.query('select pg_stat_statements_reset()');
      backendCpu.start();
      const end = Date.now() + SECONDS * 1000;
      let done = 0;
      let refused = 0;
      await Promise.all(
        clients.map(async (c) => {
          while (Date.now() < end) {
            if (!(await one(c, name, bare))) refused++;
            done++;
          }
        }),
      );
      const cpu = backendCpu.elapsed();
      if (STATEMENTS) await printStatements(done);
      return { rate: done / SECONDS, cpuUs: (cpu / done) * 1e6, refused };
    } finally {
      for (const c of clients) c.release();
    }
  };

  /** The statements run during a measurement, by their time a cast (nested ones included, so they overlap their callers). */
  const printStatements = async (casts: number) => {
    const rows = await pool.query<{ query: string; calls: string; total: number; plan: number }>(
      `select query, calls, total_exec_time as total, total_plan_time as plan from pg_stat_statements
       where query not like '%pg_stat_statements%' order by total_exec_time + total_plan_time desc limit 12`,
    );
    for (const r of rows.rows) {
      const text = r.query.replace(/\s+/g, ' ').slice(0, 110);
      const us = (ms: number) => ((ms / casts) * 1000).toFixed(0).padStart(5);
      console.log(`  ${us(r.total)} µs (+${us(r.plan)} µs planning) a cast, ${(Number(r.calls) / casts).toFixed(2)} calls a cast: ${text}`);
    }
  };

  const variants = ['current', ...process.argv.slice(2)];
  for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
    for (const v of variants) {
      if (v !== 'current') await pool.query(`${DROP}; ${fs.readFileSync(v, 'utf8')}`);
      const f = await measure(`cast-${round}-${v}`, false);
      const b = await measure(`bare-${round}-${v}`, true);
      console.log(
        `${v} ×${CONNECTIONS}: gz_cast ${f.rate.toFixed(0)}/s, ${f.cpuUs.toFixed(0)} µs PostgreSQL CPU a cast${f.refused ? ` (${f.refused} not ok!)` : ''}; ` +
          `bare ${b.rate.toFixed(0)}/s, ${b.cpuUs.toFixed(0)} µs; rate ratio ${(f.rate / b.rate).toFixed(2)}, CPU ratio ${(b.cpuUs / f.cpuUs).toFixed(2)}  [load ${os.loadavg()[0]!.toFixed(1)}]`,
      );
      if (v !== 'current') await pool.query(`${DROP}; ${fs.readFileSync('db/functions/gz_cast.sql', 'utf8')}`);
    }
  }
  await pool.end();
} finally {
  await scratch.drop().catch(() => {});
  temp.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
