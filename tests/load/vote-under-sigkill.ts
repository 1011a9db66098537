// Load and fault test of voting on real PostgreSQL: N voters cast and change their ballots
// at once, the server is killed with SIGKILL mid-run and restarted, and afterwards every
// acknowledged ballot is present, none is counted twice, and the results equal a recount
// of the bulletin. `node tests/load/vote-under-sigkill.ts --voters 500` runs it by hand
// (DATABASE_URL or local PostgreSQL binaries); the integration suite runs it small.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { acknowledgedCastProblems, CHOICES, type Acknowledged, type Choices } from './acknowledged-casts.ts';
import { freePort, findPostgresBin, startTempPostgres } from '../support/temp-postgres.ts';
import { waitForServer } from '../support/wait-for-server.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { spawnBuiltServer } from '../support/built-server.ts';
import { openPostgres } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { prepareVote } from '../support/vote-fixture.ts';
import { closeBallot } from '../../src/features/ballots/service.ts';
import { ballotResults, buildBulletin } from '../../src/features/ballots/results-service.ts';
import { recount } from '../../src/features/ballots/bulletin.ts';

export interface KillTestReport {
  voters: number;
  acknowledged: number;
  failedWhileDown: number;
  castsStored: number;
  countedRows: number;
  recountMatches: boolean;
  problems: string[];
}

export async function runKillTest(adminUrl: string, voters: number, castsPerVoter = 6): Promise<KillTestReport> {
  const scratch = await scratchDatabase(adminUrl, 'killtest');
  const url = scratch.url;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-kill-'));
  const open = openPostgres(url);
  let server: ChildProcess | undefined;
  try {
    await migrateToLatest(open.db);
    await hebinEstate(open.db); // the estate prepareVote fills with owners
    const vote = await prepareVote(open.db, voters);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawnBuiltServer(url, port, dataDir);
    await waitForServer(base);

    const acked = new Map<number, Acknowledged>();
    let failedWhileDown = 0;
    const cast = async (i: number, choices: Choices) => {
      const res = await fetch(`${base}/api/ballots/${vote.ballotId}/cast`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base, cookie: `gz_session=${vote.tokens[i]}` },
        body: JSON.stringify({ choices }),
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status} ${await res.text()}`);
      const prev = acked.get(i);
      acked.set(i, { choices, count: (prev?.count ?? 0) + 1 });
    };
    const pick = (n: number): Choices => ({ m1: CHOICES[n % 3]!, m2: CHOICES[(n + 1) % 3]!, m3: CHOICES[(n + 2) % 3]! });

    // every voter casts and changes their ballot; the server dies in the middle of it
    let killed = false;
    const killer = (async () => {
      await new Promise((r) => setTimeout(r, 400));
      server!.kill('SIGKILL');
      killed = true;
      await new Promise((r) => setTimeout(r, 300));
      server = spawnBuiltServer(url, port, dataDir);
      await waitForServer(base);
    })();
    // each voter gets castsPerVoter ballots through, retrying (as a person would) while the server is down
    const deadline = Date.now() + 60_000;
    await Promise.all(
      Array.from({ length: voters }, async (_, i) => {
        for (let k = 0; k < castsPerVoter; k++) {
          for (;;) {
            try {
              await cast(i, pick(i + k));
              break;
            } catch {
              failedWhileDown++;
              if (Date.now() > deadline) throw new Error('server did not come back');
              await new Promise((r) => setTimeout(r, 100));
            }
          }
        }
      }),
    );
    await killer;
    // after the restart each voter casts once more, and that one must be what counts
    await Promise.all(Array.from({ length: voters }, (_, i) => cast(i, pick(i * 7 + 1))));

    const problems: string[] = [];
    if (!killed) problems.push('the server was never killed');
    const check = await acknowledgedCastProblems(open.db, vote.ballotId, voters, acked);
    problems.push(...check.problems);
    await closeBallot(open.db, 1, vote.ballotId);
    const results = await ballotResults(open.db, vote.ballotId);
    const bulletin = await buildBulletin(open.db, vote.ballotId, 1);
    const recountMatches =
      results?.status === 'closed' && bulletin !== null && JSON.stringify(recount(bulletin).matters) === JSON.stringify(results.results.matters);
    if (!recountMatches) problems.push('results differ from the recount of the bulletin');
    return {
      voters,
      acknowledged: [...acked.values()].reduce((a, v) => a + v.count, 0),
      failedWhileDown,
      castsStored: check.castsStored,
      countedRows: check.countedRows,
      recountMatches,
      problems: problems.slice(0, 20),
    };
  } finally {
    server?.kill('SIGKILL');
    await open.close();
    await scratch.drop().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { voters: { type: 'string', default: '500' } } });
  const temp = process.env.DATABASE_URL ? null : await startTempPostgres(findPostgresBin()!, { settings: ['-c max_connections=200'] });
  try {
    const report = await runKillTest(process.env.DATABASE_URL ?? temp!.url(), Number(values.voters));
    console.log(JSON.stringify(report, null, 2));
    process.exitCode = report.problems.length ? 1 : 0;
  } finally {
    temp?.stop();
  }
}
