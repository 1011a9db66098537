import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { postgresUrl } from '../support/databases.ts';
import { runKillTest } from '../load/vote-under-sigkill.ts';

// The load and fault test at a small size (the full 500 voters: node tests/load/vote-under-sigkill.ts).
const built = fs.existsSync('dist/server/entry.mjs');

describe.skipIf(!built || !postgresUrl)('voting while the server is killed', () => {
  it('keeps every acknowledged ballot, counts none twice, and recounts to the results', async () => {
    const report = await runKillTest(postgresUrl!, 60, 5);
    expect(report.problems).toEqual([]);
    expect(report.recountMatches).toBe(true);
    expect(report.countedRows).toBe(60 * 3);
    expect(report.castsStored).toBeGreaterThanOrEqual(report.acknowledged);
  }, 120_000);
});
