import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase, postgresUrl } from '../support/databases.ts';
import { openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { enqueue } from '../../src/features/notifications/commands/enqueue.ts';
import { deliverBatch, deliverDue } from '../../src/features/notifications/commands/deliver.ts';
import { setPreferences } from '../../src/features/notifications/commands/preferences.ts';
import type { SmsSender } from '../../src/features/accounts/sms.ts';

// The outbox: producers insert rows; the loop sends each due row once. Texts keep quiet
// hours (21:00–08:00 Beijing), with the clock injected. Clock instants are written in UTC.

const DAY_1000 = new Date('2026-11-30T02:00:00Z'); // 10:00 Beijing
const DAY_2200 = new Date('2026-11-30T14:00:00Z'); // 22:00 Beijing
const NEXT_0800 = new Date('2026-12-01T00:00:00Z'); // 08:00 Beijing next day

function recorder() {
  const texts: { phone: string; body: string }[] = [];
  const sender: SmsSender = {
    async send(phone, body) {
      texts.push({ phone, body });
    },
  };
  return { texts, via: () => sender };
}

describe.each(BACKENDS)('notification outbox on %s', (kind) => {
  let open: OpenDatabase;
  let alice: number;
  let bob: number;
  const users = (ids: number[]) => sql<{ user_id: number }>`select unnest(${ids}::int[]) as user_id`;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const user = async (phone: string) =>
      (await open.db.insertInto('users').values({ phone, password_hash: 'x', display_name: phone }).returning('id').executeTakeFirstOrThrow()).id;
    alice = await user('13600000401');
    bob = await user('13600000402');
  });
  afterAll(() => open.close());

  it('queues in-app and SMS by default for a vote, in-app only where the person opted out of SMS, nothing where off', async () => {
    expect(await setPreferences(open.db, bob, { vote_opened: 'portal', vote_result: 'off' })).toEqual({ ok: true });
    await enqueue(open.db, users([alice, bob]), { kind: 'vote_opened', body: '表决开始', link: '/ballots/1', source: 'ballot:1', dueAt: DAY_1000 });
    await enqueue(open.db, users([alice, bob]), { kind: 'vote_result', body: '表决结果', link: null, source: 'ballot:1', dueAt: DAY_1000 });
    // the same cause twice queues nothing more
    await enqueue(open.db, users([alice, bob]), { kind: 'vote_opened', body: '表决开始', link: '/ballots/1', source: 'ballot:1', dueAt: DAY_1000 });
    const rows = await open.db.selectFrom('notifications').select(['user_id', 'kind', 'channel']).orderBy('id').execute();
    expect(rows).toEqual([
      { user_id: alice, kind: 'vote_opened', channel: 'inapp' },
      { user_id: alice, kind: 'vote_opened', channel: 'sms' },
      { user_id: bob, kind: 'vote_opened', channel: 'inapp' },
      { user_id: alice, kind: 'vote_result', channel: 'inapp' },
      { user_id: alice, kind: 'vote_result', channel: 'sms' },
    ]);
    const r = recorder();
    expect(await deliverDue(open.db, r.via, () => DAY_1000)).toEqual({ sent: 5, skipped: 0, failed: 0, deferred: 0 });
    expect(r.texts).toEqual([
      { phone: '13600000401', body: '表决开始' },
      { phone: '13600000401', body: '表决结果' },
    ]);
    await open.db.deleteFrom('notifications').execute();
  });

  it('holds a text due at 22:00 until 08:00, while the in-app message goes at once', async () => {
    await enqueue(open.db, users([alice]), { kind: 'vote_opened', body: '夜间表决', link: null, source: 'ballot:2', dueAt: DAY_2200 });
    const r = recorder();
    expect(await deliverDue(open.db, r.via, () => DAY_2200)).toMatchObject({ sent: 1 });
    expect(r.texts).toEqual([]);
    expect(await deliverDue(open.db, r.via, () => new Date(NEXT_0800.getTime() - 1000))).toMatchObject({ sent: 0 });
    expect(r.texts).toEqual([]);
    expect(await deliverDue(open.db, r.via, () => NEXT_0800)).toMatchObject({ sent: 1 });
    expect(r.texts).toEqual([{ phone: '13600000401', body: '夜间表决' }]);
    await open.db.deleteFrom('notifications').execute();
  });

  it('defers a daytime text the loop reaches only at night, and skips one the person turned off since', async () => {
    await enqueue(open.db, users([alice]), { kind: 'vote_result', body: '白天的结果', link: null, source: 'ballot:3', dueAt: DAY_1000 });
    await enqueue(open.db, users([alice]), { kind: 'vote_closing_24h', body: '即将截止', link: null, source: 'ballot:3', dueAt: DAY_1000 });
    await setPreferences(open.db, alice, { vote_closing_24h: 'portal' });
    const r = recorder();
    expect(await deliverDue(open.db, r.via, () => DAY_2200)).toEqual({ sent: 2, skipped: 1, failed: 0, deferred: 1 });
    expect(r.texts).toEqual([]);
    expect(await deliverDue(open.db, r.via, () => NEXT_0800)).toMatchObject({ sent: 1 });
    expect(r.texts).toEqual([{ phone: '13600000401', body: '白天的结果' }]);
    await open.db.deleteFrom('notifications').execute();
  });

  it('retries a text the provider refused, and gives up after five attempts', async () => {
    await enqueue(open.db, users([alice]), { kind: 'vote_result', body: '网关拒绝', link: null, source: 'ballot:4', dueAt: DAY_1000 });
    const failing = () => ({
      async send() {
        throw new Error('HTTP 503');
      },
    });
    let at = DAY_1000.getTime();
    for (let i = 0; i < 5; i++) {
      await deliverDue(open.db, failing, () => new Date(at));
      at += 3_600_000; // an hour later, always past the back-off
    }
    const row = await open.db.selectFrom('notifications').select(['state', 'attempts']).where('channel', '=', 'sms').executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'failed', attempts: 5 });
    await open.db.deleteFrom('notifications').execute();
  });

  it('skips the texts when no provider is configured (GONGZHI_SMS=none), and still delivers in the portal', async () => {
    await enqueue(open.db, users([alice]), { kind: 'vote_result', body: '无短信', link: null, source: 'ballot:5', dueAt: DAY_1000 });
    expect(
      await deliverDue(
        open.db,
        () => null,
        () => DAY_1000,
      ),
    ).toEqual({ sent: 1, skipped: 1, failed: 0, deferred: 0 });
    const rows = await open.db.selectFrom('notifications').select(['channel', 'state']).orderBy('channel').execute();
    expect(rows).toEqual([
      { channel: 'inapp', state: 'sent' },
      { channel: 'sms', state: 'skipped' },
    ]);
    await open.db.deleteFrom('notifications').execute();
  });

  it('refuses a text holding an ID number before it is queued', async () => {
    await expect(
      enqueue(open.db, users([alice]), { kind: 'vote_result', body: '身份证 110105194912310021', link: null, source: 'x:1', dueAt: DAY_1000 }),
    ).rejects.toThrow();
  });
});

// Two loops on one PostgreSQL drain N due messages: every message goes out exactly once.
// What went out is read from the senders' own records (the texts they were handed), not
// from the rows' states.
describe.skipIf(!postgresUrl)('two job loops on one PostgreSQL', () => {
  const N = 5_000;
  let a: OpenDatabase;
  let b: OpenDatabase;
  beforeAll(async () => {
    const url = (await scratchDatabase(postgresUrl!, 'n')).url;
    a = openPostgres(url, 2);
    await migrateToLatest(a.db);
    b = openPostgres(url, 2);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it(`drains ${N} due texts with no duplicate and none lost`, async () => {
    const uid = (
      await a.db.insertInto('users').values({ phone: '13600000499', password_hash: 'x', display_name: 'n' }).returning('id').executeTakeFirstOrThrow()
    ).id;
    await sql`
      insert into notifications (user_id, kind, channel, body, source, due_at)
      select ${uid}, 'vote_result', 'sms', 'msg ' || i, 'bench:' || i, ${DAY_1000}
      from generate_series(1, ${N}) i`.execute(a.db);
    const one = recorder();
    const two = recorder();
    const [ra, rb] = await Promise.all([deliverDue(a.db, one.via, () => DAY_1000, 200), deliverDue(b.db, two.via, () => DAY_1000, 200)]);
    const bodies = [...one.texts, ...two.texts].map((t) => t.body);
    const expected = Array.from({ length: N }, (_, i) => `msg ${i + 1}`);
    expect(bodies.length).toBe(N);
    expect(new Set(bodies).size).toBe(N);
    expect([...bodies].sort()).toEqual([...expected].sort());
    expect(ra.sent + rb.sent).toBe(N);
    // a further pass finds nothing due
    expect((await deliverBatch(a.db, one.via, DAY_1000)).claimed).toBe(0);
  });
});
