// Rolling restart under load, on real PostgreSQL: voters cast and change their ballots through
// two built servers (as behind a load balancer) while each server in turn is sent SIGTERM,
// drains and is started again. Afterwards every acknowledged cast is stored, every voter is
// counted once, with the choices last acknowledged, and each server exited 0.
// `node tests/load/rolling-restart.ts --voters 300 --casts 8` runs it by hand (DATABASE_URL or
// local PostgreSQL binaries); the integration suite runs it small.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { acknowledgedCastProblems, CHOICES, type Acknowledged, type Choices } from './acknowledged-casts.ts';
import { freePort, findPostgresBin, startTempPostgres } from '../support/temp-postgres.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { spawnBuiltServer } from '../support/built-server.ts';
import { openPostgres } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { prepareVote } from '../support/vote-fixture.ts';

export interface RollingReport {
  voters: number;
  castsPerVoter: number;
  acknowledged: number;
  /** casts the client sent again on the other server, never acknowledged: refused (the server was down) or cut (the connection closed under the request) */
  retried: { refused: number; cut: number; cutBy: Record<string, number> };
  restarts: { server: number; exitCode: number | null; drainMs: number; backInMs: number }[];
  castsStored: number;
  countedRows: number;
  seconds: number;
  castsPerSecond: number;
  problems: string[];
}

async function ready(base: string, seconds = 60): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${base} not ready within ${seconds} s`);
}

export async function runRollingRestart(adminUrl: string, voters: number, castsPerVoter = 6): Promise<RollingReport> {
  const scratch = await scratchDatabase(adminUrl, 'rolling');
  const url = scratch.url;
  const dirs = [0, 1].map((i) => fs.mkdtempSync(path.join(os.tmpdir(), `gongzhi-roll-${i}-`)));
  const open = openPostgres(url, 4);
  const servers: (ChildProcess | undefined)[] = [undefined, undefined];
  try {
    await migrateToLatest(open.db);
    await hebinEstate(open.db);
    const vote = await prepareVote(open.db, voters);
    const ports = [await freePort(), await freePort()];
    const bases = ports.map((p) => `http://127.0.0.1:${p}`);
    const start = (i: number) => (servers[i] = spawnBuiltServer(url, ports[i]!, dirs[i]!, { env: { GONGZHI_NOTIFY_EVERY_MS: '500' } }));
    start(0);
    start(1);
    await Promise.all(bases.map((b) => ready(b)));

    const acked = new Map<number, Acknowledged>();
    const retried = { refused: 0, cut: 0, cutBy: {} as Record<string, number> };
    let next = 0;
    const cast = async (i: number, choices: Choices) => {
      // round robin, as a load balancer does; a refused or cut connection goes to the other server
      for (let attempt = 0; ; attempt++) {
        const base = bases[next++ % 2]!;
        let res: Response;
        try {
          res = await fetch(`${base}/api/ballots/${vote.ballotId}/cast`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: base, cookie: `gz_session=${vote.tokens[i]}` },
            body: JSON.stringify({ choices }),
          });
        } catch (error) {
          const code = (error as { cause?: { code?: string } }).cause?.code;
          if (code === 'ECONNREFUSED') retried.refused++;
          else {
            retried.cut++;
            retried.cutBy[code ?? 'unknown'] = (retried.cutBy[code ?? 'unknown'] ?? 0) + 1;
          }
          if (attempt > 200) throw new Error('no server answered', { cause: error });
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        if (res.status !== 200) throw new Error(`HTTP ${res.status} ${await res.text()}`);
        const prev = acked.get(i);
        acked.set(i, { choices, count: (prev?.count ?? 0) + 1 });
        return;
      }
    };
    const pick = (n: number): Choices => ({ m1: CHOICES[n % 3]!, m2: CHOICES[(n + 1) % 3]!, m3: CHOICES[(n + 2) % 3]! });

    const restarts: RollingReport['restarts'] = [];
    // the voters keep casting until both servers have been restarted (at least castsPerVoter casts each),
    // so the test does not depend on the machine's speed to restart during the casting
    let restarting = true;
    const began = performance.now();
    const restarter = (async () => {
      await new Promise((r) => setTimeout(r, 300));
      for (const i of [0, 1]) {
        const child = servers[i]!;
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        const t0 = performance.now();
        child.kill('SIGTERM');
        const exitCode = await exited;
        const drainMs = Math.round(performance.now() - t0);
        start(i);
        await ready(bases[i]!);
        restarts.push({ server: i, exitCode, drainMs, backInMs: Math.round(performance.now() - t0) });
      }
    })().finally(() => (restarting = false));
    await Promise.all(
      Array.from({ length: voters }, async (_, i) => {
        for (let k = 0; k < castsPerVoter || restarting; k++) {
          // past its share, a voter casts once every 4 s: under the household's limit of 30 casts a minute
          if (k >= castsPerVoter) await new Promise((r) => setTimeout(r, 4_000));
          await cast(i, pick(i + k));
        }
      }),
    );
    await restarter;
    const seconds = (performance.now() - began) / 1000;

    const problems: string[] = [];
    if (restarts.length !== 2) problems.push(`${restarts.length} restarts while casting, not 2 (raise --voters or --casts)`);
    for (const r of restarts) if (r.exitCode !== 0) problems.push(`server ${r.server} exited with ${r.exitCode} on SIGTERM`);
    const check = await acknowledgedCastProblems(open.db, vote.ballotId, voters, acked);
    problems.push(...check.problems);
    const acknowledged = [...acked.values()].reduce((s, v) => s + v.count, 0);
    return {
      voters,
      castsPerVoter,
      acknowledged,
      retried,
      restarts,
      castsStored: check.castsStored,
      countedRows: check.countedRows,
      seconds: Math.round(seconds * 10) / 10,
      castsPerSecond: Math.round(acknowledged / seconds),
      problems: problems.slice(0, 20),
    };
  } finally {
    for (const s of servers) s?.kill('SIGKILL');
    await open.close();
    await scratch.drop().catch(() => {});
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { voters: { type: 'string', default: '300' }, casts: { type: 'string', default: '8' } } });
  const temp = process.env.DATABASE_URL ? null : await startTempPostgres(findPostgresBin()!, { settings: ['-c max_connections=200'] });
  try {
    const report = await runRollingRestart(process.env.DATABASE_URL ?? temp!.url(), Number(values.voters), Number(values.casts));
    console.log(JSON.stringify(report, null, 2));
    process.exitCode = report.problems.length ? 1 : 0;
  } finally {
    temp?.stop();
  }
}
