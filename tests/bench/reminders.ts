import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { openPostgres } from '../../src/lib/db/open.ts';
import type { SmsSender } from '../../src/features/accounts/sms.ts';
import { enqueue } from '../../src/features/notifications/commands/enqueue.ts';
import { startNotificationLoop } from '../../src/features/notifications/commands/loop.ts';
import type { Row } from './report.ts';

// Issue 11, part 5: "50,000 due reminders queued and drained without a duplicate". A vote
// closing within 24 hours is reminded to 50,000 owners at once, each in the portal and by text
// message (the default for votes): 100,000 rows queued through the producers' own enqueue.
// Two job loops, each on its own connection pool as two server instances on one PostgreSQL
// would be, drain them. What went out is counted twice: by the test SMS senders' records
// (one per loop) and by the table. Shared by the integration test (notifications-reminders)
// and `npm run bench -- --only reminders`.

type DB = Kysely<Database>;
export const REMINDERS = 50_000;
/** 10:00 Beijing time: outside quiet hours, so every text is due at once. */
export const DUE = new Date('2026-11-30T02:00:00Z');

/** The test SMS sender: records each text handed to it, as the demo outbox would. */
export function recordingSender() {
  const texts: { phone: string; body: string }[] = [];
  const sender: SmsSender = {
    async send(phone, body) {
      texts.push({ phone, body });
    },
  };
  return { texts, via: () => sender };
}

/** Creates `n` accounts (phones 170xxxxxxxx) and queues a due reminder to each; returns the rows queued. */
export async function queueReminders(db: DB, n: number, ballotId = 900_001): Promise<number> {
  await sql`
    insert into users (phone, password_hash, display_name)
    select '170' || lpad(i::text, 8, '0'), 'x', '提醒' from generate_series(1, ${n}) i`.execute(db);
  return enqueue(db, sql<{ user_id: number }>`select id as user_id from users where phone like '170%' and display_name = '提醒'`, {
    kind: 'vote_closing_24h',
    body: '【共治】您小区的表决“加装电梯”将于 2026/12/01 10:00 截止。如尚未投票，请登录共治网站投票。',
    bodyEn: '[Gongzhi] The vote "加装电梯" on your estate closes 2026/12/01 10:00. If you have not voted yet, sign in to vote.',
    link: `/ballots/${ballotId}`,
    source: `ballot:${ballotId}`,
    dueAt: DUE,
  });
}

export interface Drained {
  ms: number;
  /** the texts each loop's sender was handed */
  texts: { phone: string; body: string }[][];
}

/**
 * Two job loops (the server's own, started as serve.ts starts it) on two connection pools to
 * one database, both running until no queued row is left; then both are stopped (each
 * finishing its batch in flight). Waits by looking at the table, not by time.
 */
export async function drainWithTwoLoops(url: string, clock: () => Date = () => DUE): Promise<Drained> {
  const pools = [openPostgres(url, 4), openPostgres(url, 4)];
  const senders = pools.map(() => recordingSender());
  const quiet = () => {};
  try {
    const t0 = performance.now();
    const loops = pools.map((p, i) => startNotificationLoop(p.db, senders[i]!.via, 10, clock, quiet));
    const watch = pools[0]!.db;
    for (;;) {
      const left = await sql<{ n: string }>`select count(*) as n from notifications where state = 'queued' and due_at <= ${clock()}`.execute(watch);
      if (Number(left.rows[0]!.n) === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(loops.map((l) => l.stop()));
    return { ms: performance.now() - t0, texts: senders.map((s) => s.texts) };
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}

/** What the table says went out. */
export async function outboxCounts(db: DB) {
  const r = await sql<{ channel: string; state: string; n: string; most: number }>`
    select channel, state, count(*) as n, max(attempts) as most from notifications group by channel, state order by channel, state`.execute(db);
  return r.rows.map((x) => ({ channel: x.channel, state: x.state, n: Number(x.n), mostAttempts: Number(x.most) }));
}

/** The bench line: queue, drain with two loops, check, time the drain. */
export async function remindersFigure(url: string, log: (s: string) => void): Promise<Row> {
  const open = openPostgres(url, 4);
  try {
    const q0 = performance.now();
    const queued = await queueReminders(open.db, REMINDERS);
    const queueMs = performance.now() - q0;
    const d = await drainWithTwoLoops(url);
    const all = d.texts.flat();
    const phones = new Set(all.map((t) => t.phone));
    const counts = await outboxCounts(open.db);
    const sentSms = counts.find((c) => c.channel === 'sms' && c.state === 'sent');
    const sentInapp = counts.find((c) => c.channel === 'inapp' && c.state === 'sent');
    const duplicates = all.length - phones.size;
    const ok =
      queued === 2 * REMINDERS &&
      all.length === REMINDERS &&
      duplicates === 0 &&
      sentSms?.n === REMINDERS &&
      sentInapp?.n === REMINDERS &&
      counts.every((c) => c.state === 'sent' && c.mostAttempts === 1);
    log(
      `${REMINDERS} reminders (${queued} rows) queued in ${(queueMs / 1000).toFixed(1)} s; drained by two loops in ${(d.ms / 1000).toFixed(1)} s: ` +
        `texts ${d.texts.map((t) => t.length).join(' + ')} = ${all.length}, ${duplicates} duplicates; table ${counts.map((c) => `${c.channel} ${c.state} ${c.n}`).join(', ')}`,
    );
    if (!ok) throw new Error('reminders: a text went out twice or not at all');
    return {
      figure: '50,000 due reminders queued and drained without a duplicate',
      value: Math.round(d.ms / 100) / 10,
      unit: 's',
      budget: 60,
      atMost: true,
      note: `two loops: ${d.texts.map((t) => t.length).join(' + ')} texts, 0 duplicates; queued in ${(queueMs / 1000).toFixed(1)} s`,
    };
  } finally {
    await open.close();
  }
}
