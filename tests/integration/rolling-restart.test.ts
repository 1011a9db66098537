import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { postgresUrl } from '../support/databases.ts';
import { runRollingRestart } from '../load/rolling-restart.ts';

// The rolling-restart load test at a small size (by hand: node tests/load/rolling-restart.ts).
const built = fs.existsSync('dist/server/entry.mjs');

describe.skipIf(!built || !postgresUrl)('casting through two servers while each is restarted in turn', () => {
  it('stores every acknowledged cast, counts each voter once with the last choices, and each server exits 0', async () => {
    const report = await runRollingRestart(postgresUrl!, 60, 12);
    expect(report.problems).toEqual([]);
    expect(report.restarts.map((r) => r.exitCode)).toEqual([0, 0]);
    expect(report.countedRows).toBe(60 * 3);
    expect(report.castsStored).toBeGreaterThanOrEqual(report.acknowledged);
  }, 180_000);
});
