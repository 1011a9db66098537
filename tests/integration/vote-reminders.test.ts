import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase, postgresUrl } from '../support/databases.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { postNoticeAsStaff } from '../support/ballot-notice.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import { openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { formatDateTime, translator } from '../../src/i18n/index.ts';
import * as ballots from '../../src/features/ballots/service.ts';
import { castOnline } from '../../src/features/ballots/fast-cast.ts';
import { notificationTick } from '../../src/features/notifications/commands/loop.ts';
import type { SmsSender } from '../../src/features/accounts/sms.ts';

// A vote's messages to the owners on its roll are made by the job loop, not in the opening's
// transaction (which freezes the roll and nothing more): "vote opened" at the loop's next run
// after the opening, due at the opening; the reminder 24 hours before its end when it is due.
// At end − 24 h the loop
// queues the reminder, once, for the verified owners on the roll whose vote has not been cast
// (a reminder to someone who already voted is noise); a vote closed before that moment, or
// opened less than 24 hours before its end, reminds nobody. Two loops on one PostgreSQL (two
// server instances) make and send each reminder once.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 5).toString('base64')}`);
const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = new Date('2026-04-01T02:00:00Z'); // 10:00 Beijing
const OPENING = new Date(T0.getTime() + 16 * DAY); // 10:00 Beijing
const CLOSES = new Date(OPENING.getTime() + 30 * HOUR); // the next day 16:00 Beijing
const REMIND = new Date(CLOSES.getTime() - DAY); // 16:00 Beijing: no quiet hours

type DB = Kysely<Database>;

async function fixture(db: DB, phones: string) {
  const { subId, estateId, staffId } = await hebinEstate(db);
  await importSampleRegister(db, estateId, staffId, KEY);
  const u = (await verifiedOwners(db, 4, phones)).map((o) => o.userId);
  const vote = async (title: string, closesAt: Date) => {
    const created = await ballots.createBallot(db, staffId, {
      subdistrictId: subId,
      projectId: null,
      title,
      explanation: '',
      convener: 'subdistrict',
      noticeDays: 15,
      opensAt: OPENING,
      closesAt,
      scopes: [{ estateId, building: null, entrance: null }],
      matters: [{ title, item: 5 }],
    });
    if (!created.ok) throw new Error(created.error);
    await postNoticeAsStaff(db, staffId, created.ballotId, T0);
    expect(await ballots.openBallot(db, staffId, created.ballotId, OPENING, { confirmUnowned: true })).toMatchObject({ ok: true });
    return created.ballotId;
  };
  return { u, staffId, vote };
}

const reminderRows = (db: DB) =>
  sql<{ user_id: number; channel: string; source: string; body: string; body_en: string | null; link: string | null; due_at: Date }>`
    select user_id, channel, source, body, body_en, link, due_at from notifications where kind = 'vote_closing_24h'
    order by source, user_id, channel`
    .execute(db)
    .then((r) => r.rows.map((x) => ({ ...x, due_at: new Date(x.due_at).toISOString() })));

const recorder = () => {
  const texts: string[] = [];
  const sender: SmsSender = { send: async (phone) => void texts.push(phone) };
  return { texts, via: () => sender };
};

describe.each(BACKENDS)('vote reminders made when due on %s', (kind) => {
  let open: OpenDatabase;
  let u: number[];
  let staffId: number;
  let remindedVote: number;
  let closedVote: number;
  let shortVote: number;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    let vote: Awaited<ReturnType<typeof fixture>>['vote'];
    ({ u, staffId, vote } = await fixture(open.db, '1570000000'));
    remindedVote = await vote('更换供水管道', CLOSES);
    closedVote = await vote('加装电梯', CLOSES);
    shortVote = await vote('外墙保温', new Date(OPENING.getTime() + 20 * HOUR));
  });
  afterAll(() => open.close());

  it('queues nothing in the opening itself: the next run of the loop makes the opening message, once', async () => {
    const opened = () =>
      open.db
        .selectFrom('notifications')
        .select(['user_id', 'source', 'due_at'])
        .where('kind', '=', 'vote_opened')
        .orderBy('source')
        .orderBy('user_id')
        .execute();
    expect(await open.db.selectFrom('notifications').select('id').execute()).toEqual([]);
    await notificationTick(open.db, recorder().via, () => new Date(OPENING.getTime() + 5_000));
    await notificationTick(open.db, recorder().via, () => new Date(OPENING.getTime() + 10_000));
    // each owner once (in the portal; the text by SMS too), due at the opening, for each of the three votes
    expect((await opened()).map((r) => [r.user_id, r.source, r.due_at.toISOString()])).toEqual(
      [remindedVote, closedVote, shortVote].flatMap((b) => u.flatMap((x) => [x, x].map((y) => [y, `ballot:${b}`, OPENING.toISOString()]))),
    );
    expect(await reminderRows(open.db)).toEqual([]);
  });

  it('refuses to open a vote whose messages would carry an ID number, as when the opening queued them', async () => {
    const created = await ballots.createBallot(open.db, staffId, {
      subdistrictId: (await open.db.selectFrom('ballots').select('subdistrict_id').executeTakeFirstOrThrow()).subdistrict_id,
      projectId: null,
      title: '业主110101199003074512的提议',
      explanation: '',
      convener: 'subdistrict',
      noticeDays: 15,
      opensAt: OPENING,
      closesAt: CLOSES,
      scopes: [
        { estateId: (await open.db.selectFrom('ballot_scopes').select('estate_id').executeTakeFirstOrThrow()).estate_id, building: null, entrance: null },
      ],
      matters: [{ title: '提议', item: 5 }],
    });
    if (!created.ok) throw new Error(created.error);
    await postNoticeAsStaff(open.db, staffId, created.ballotId, T0);
    await expect(ballots.openBallot(open.db, staffId, created.ballotId, OPENING, { confirmUnowned: true })).rejects.toThrow(/ID number/);
    expect((await open.db.selectFrom('ballots').select('status').where('id', '=', created.ballotId).executeTakeFirstOrThrow()).status).toBe('noticed');
  });

  it('makes the reminder at end − 24 h, once, for the owners who have not voted, and none for a vote closed before', async () => {
    expect(await castOnline(open.db, { ballotId: remindedVote, userId: u[0]!, choices: { m1: 'agree' } }, new Date(OPENING.getTime() + HOUR))).toMatchObject({
      ok: true,
    });
    expect(await ballots.closeBallot(open.db, staffId, closedVote, new Date(OPENING.getTime() + 2 * HOUR))).toEqual({ ok: true });
    // a second before it is due: nothing yet
    await notificationTick(open.db, recorder().via, () => new Date(REMIND.getTime() - 1_000));
    expect(await reminderRows(open.db)).toEqual([]);
    const sms = recorder();
    // due: made and sent; the loop runs again (the next tick, and an hour later): nothing more
    await notificationTick(open.db, sms.via, () => REMIND);
    await notificationTick(open.db, sms.via, () => REMIND);
    await notificationTick(open.db, sms.via, () => new Date(REMIND.getTime() + HOUR));
    const zh = translator('zh');
    const en = translator('en');
    const title = '更换供水管道';
    const body = zh('notify.text.voteClosing', { title, closes: formatDateTime(CLOSES, 'zh') });
    const bodyEn = en('notify.text.voteClosing', { title, closes: formatDateTime(CLOSES, 'en') });
    const row = (user: number, channel: string) => ({
      user_id: user,
      channel,
      source: `ballot:${remindedVote}`,
      body,
      body_en: bodyEn,
      link: `/ballots/${remindedVote}`,
      due_at: REMIND.toISOString(),
    });
    expect(await reminderRows(open.db)).toEqual([u[1]!, u[2]!, u[3]!].flatMap((x) => [row(x, 'inapp'), row(x, 'sms')]));
    expect(sms.texts).toHaveLength(3);
    expect(new Set(sms.texts).size).toBe(3);
    // after the end nothing more is made, for any of the three votes
    await notificationTick(open.db, sms.via, () => new Date(CLOSES.getTime() + HOUR));
    expect((await reminderRows(open.db)).length).toBe(6);
    expect(await reminderRows(open.db).then((r) => r.some((x) => x.source === `ballot:${closedVote}` || x.source === `ballot:${shortVote}`))).toBe(false);
  });
});

describe.skipIf(!postgresUrl)('vote reminders with two loops on one PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let a: OpenDatabase;
  let b: OpenDatabase;

  beforeAll(async () => {
    scratch = await scratchDatabase(postgresUrl!, 'remind2');
    a = openPostgres(scratch.url, 4);
    b = openPostgres(scratch.url, 4);
    await migrateToLatest(a.db);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await scratch?.drop();
  });

  it('makes and sends each reminder once when both loops reach it at the same moment', async () => {
    const { u, vote } = await fixture(a.db, '1570000100');
    const ballotId = await vote('两台服务器的表决', CLOSES);
    const one = recorder();
    const two = recorder();
    for (let i = 0; i < 3; i++) {
      await Promise.all([notificationTick(a.db, one.via, () => REMIND), notificationTick(b.db, two.via, () => REMIND)]);
    }
    const rows = await reminderRows(a.db);
    expect(rows.map((r) => [r.user_id, r.channel, r.source])).toEqual(
      u.flatMap((x) => [
        [x, 'inapp', `ballot:${ballotId}`],
        [x, 'sms', `ballot:${ballotId}`],
      ]),
    );
    const sent = await a.db.selectFrom('notifications').select(['state', 'attempts']).where('kind', '=', 'vote_closing_24h').execute();
    expect(sent.every((r) => r.state === 'sent' && r.attempts === 1)).toBe(true);
    // the texts the two senders were handed: the vote-opened ones and the reminders, one each per owner
    expect([...one.texts, ...two.texts].sort()).toEqual(
      (await a.db.selectFrom('users').select('phone').where('id', 'in', u).execute()).flatMap((r) => [r.phone, r.phone]).sort(),
    );
  });
});
