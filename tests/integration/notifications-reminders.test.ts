import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../support/databases.ts';
import { openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { drainWithTwoLoops, outboxCounts, queueReminders, REMINDERS } from '../bench/reminders.ts';

// Issue 11: 50,000 due reminders, queued through the producers' enqueue (each in the portal
// and by SMS, the default for a vote closing: 100,000 rows), drained by two job loops on two
// connection pools to one PostgreSQL, as two server instances would. None goes out twice and
// none is left: counted by the test SMS senders' records and by the table.

describe.skipIf(!postgresUrl)('50,000 due reminders drained by two job loops on one PostgreSQL', () => {
  let open: OpenDatabase;
  let url: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const scratch = await scratchDatabase(postgresUrl!, 'rem');
    url = scratch.url;
    drop = scratch.drop;
    open = openPostgres(url, 2);
    await migrateToLatest(open.db);
  });
  afterAll(async () => {
    await open.close();
    await drop();
  });

  it('sends every text once and marks every row sent once', { timeout: 600_000 }, async () => {
    expect(await queueReminders(open.db, REMINDERS)).toBe(100_000);
    const d = await drainWithTwoLoops(url);
    const all = d.texts.flat();
    // the senders' records: 50,000 texts, one to each phone, none twice
    expect(all.length).toBe(50_000);
    expect(new Set(all.map((t) => t.phone)).size).toBe(50_000);
    expect(all.every((t) => /^170\d{8}$/.test(t.phone) && t.body.startsWith('【共治】您小区的表决“加装电梯”将于'))).toBe(true);
    // both loops took part
    expect(d.texts.map((t) => t.length > 0)).toEqual([true, true]);
    // the table: every row sent, each once (a second claim would have counted a second attempt)
    expect(await outboxCounts(open.db)).toEqual([
      { channel: 'inapp', state: 'sent', n: 50_000, mostAttempts: 1 },
      { channel: 'sms', state: 'sent', n: 50_000, mostAttempts: 1 },
    ]);
  });
});
