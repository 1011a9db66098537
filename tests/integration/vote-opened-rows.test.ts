import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { postNoticeAsStaff } from '../support/ballot-notice.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { formatDateTime, translator } from '../../src/i18n/index.ts';
import * as ballots from '../../src/features/ballots/service.ts';
import { setPreferences } from '../../src/features/notifications/commands/preferences.ts';
import { makeDueVoteMessages } from '../../src/features/notifications/commands/producers.ts';

// A vote's opening is told by the job loop's next run (makeDueVoteMessages; the opening's
// transaction only freezes the roll), exactly these rows for the verified owners on its frozen
// roll (one statement for the whole roll): per owner, the opening, in the portal and by SMS as
// the owner chose for its kind (default: both), due at the opening, SMS held to 08:00 Beijing
// in quiet hours, nothing for a closed account or a non-owner, an owner of two flats told
// once, and a row already there for the same kind, channel and cause kept as it was. The
// reminder 24 hours before the end is made when it is due, by the same rules. The expected
// rows are written out here from the roll and the preferences, not taken from the producer.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 7).toString('base64')}`);
const DAY = 86_400_000;
const T0 = new Date('2026-04-01T02:00:00Z');
// opens at 23:30 Beijing (quiet hours): its SMS waits for 08:00 the next morning
const OPENING = new Date('2026-04-17T15:30:00Z');
const NEXT_EIGHT = new Date('2026-04-18T00:00:00Z');
// closes at 06:00 Beijing: the reminder falls at 06:00 the day before, its SMS at 08:00
const CLOSES = new Date('2026-05-01T22:00:00Z');
const REMIND = new Date(CLOSES.getTime() - DAY);
const REMIND_SMS = new Date('2026-05-01T00:00:00Z');

describe.each(BACKENDS)('the rows a vote opening queues on %s', (kind) => {
  let open: OpenDatabase;
  let u: number[];
  let stranger: number;
  let ballotId: number;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const { subId, estateId, staffId } = await hebinEstate(open.db);
    await importSampleRegister(open.db, estateId, staffId, KEY);
    u = (await verifiedOwners(open.db, 6, '1590000000')).map((o) => o.userId);
    // u0 holds a second flat (the register owner u5 was verified as): on the roll twice, told once
    await open.db.updateTable('owner_verifications').set({ user_id: u[0]! }).where('user_id', '=', u[5]!).execute();
    await setPreferences(open.db, u[1]!, { vote_opened: 'portal', vote_closing_24h: 'off' });
    await setPreferences(open.db, u[2]!, { vote_opened: 'off' });
    await open.db.updateTable('users').set({ closed_at: T0 }).where('id', '=', u[3]!).execute();
    stranger = (
      await open.db.insertInto('users').values({ phone: '13900000888', password_hash: 'x', display_name: 's' }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const created = await ballots.createBallot(open.db, staffId, {
      subdistrictId: subId,
      projectId: null,
      title: '更换供水管道',
      explanation: '',
      convener: 'subdistrict',
      noticeDays: 15,
      opensAt: OPENING,
      closesAt: CLOSES,
      scopes: [{ estateId, building: null, entrance: null }],
      matters: [{ title: '更换供水管道', item: 5 }],
    });
    if (!created.ok) throw new Error(created.error);
    ballotId = created.ballotId;
    await postNoticeAsStaff(open.db, staffId, ballotId, T0);
    // u4 was already told in the portal (a row for the same kind, channel and cause): kept as it is
    await open.db
      .insertInto('notifications')
      .values({ user_id: u[4]!, kind: 'vote_opened', channel: 'inapp', body: '早先的', link: null, source: `ballot:${ballotId}`, due_at: T0 })
      .execute();
    const opened = await ballots.openBallot(open.db, staffId, ballotId, OPENING, { confirmUnowned: true });
    expect(opened).toMatchObject({ ok: true });
  });
  afterAll(() => open.close());

  it('are one row per owner, message and chosen channel, with the texts, due times and cause of each', async () => {
    const zh = translator('zh');
    const en = translator('en');
    const title = '更换供水管道';
    const openedZh = zh('notify.text.voteOpened', { title, closes: formatDateTime(CLOSES, 'zh') });
    const openedEn = en('notify.text.voteOpened', { title, closes: formatDateTime(CLOSES, 'en') });
    const closingZh = zh('notify.text.voteClosing', { title, closes: formatDateTime(CLOSES, 'zh') });
    const closingEn = en('notify.text.voteClosing', { title, closes: formatDateTime(CLOSES, 'en') });
    const link = `/ballots/${ballotId}`;
    const source = `ballot:${ballotId}`;
    const row = (user: number, k: string, channel: string, due: Date, body?: string, bodyEn?: string | null, l: string | null = link) => ({
      user_id: user,
      kind: k,
      channel,
      body: body ?? (k === 'vote_opened' ? openedZh : closingZh),
      body_en: bodyEn === undefined ? (k === 'vote_opened' ? openedEn : closingEn) : bodyEn,
      link: l,
      source,
      due_at: due.toISOString(),
      state: 'queued',
    });
    const expected = [
      row(u[0]!, 'vote_closing_24h', 'inapp', REMIND),
      row(u[0]!, 'vote_closing_24h', 'sms', REMIND_SMS),
      row(u[0]!, 'vote_opened', 'inapp', OPENING),
      row(u[0]!, 'vote_opened', 'sms', NEXT_EIGHT),
      row(u[1]!, 'vote_opened', 'inapp', OPENING),
      row(u[2]!, 'vote_closing_24h', 'inapp', REMIND),
      row(u[2]!, 'vote_closing_24h', 'sms', REMIND_SMS),
      row(u[4]!, 'vote_closing_24h', 'inapp', REMIND),
      row(u[4]!, 'vote_closing_24h', 'sms', REMIND_SMS),
      row(u[4]!, 'vote_opened', 'inapp', T0, '早先的', null, null),
      row(u[4]!, 'vote_opened', 'sms', NEXT_EIGHT),
    ].sort((a, b) => a.user_id - b.user_id || a.kind.localeCompare(b.kind) || a.channel.localeCompare(b.channel));
    const read = () =>
      sql<{
        user_id: number;
        kind: string;
        channel: string;
        body: string;
        body_en: string | null;
        link: string | null;
        source: string;
        due_at: Date;
        state: string;
      }>`
      select user_id, kind, channel, body, body_en, link, source, due_at, state from notifications
      where kind in ('vote_opened', 'vote_closing_24h') order by user_id, kind, channel`.execute(open.db);
    // the opening's transaction queued nothing; the loop's next run (a few seconds later) the opening only
    expect((await read()).rows.map((r) => ({ ...r, due_at: new Date(r.due_at).toISOString() }))).toEqual(expected.filter((r) => r.body === '早先的'));
    expect(await makeDueVoteMessages(open.db, new Date(OPENING.getTime() + 5_000))).toBe(4);
    const atOpening = await read();
    expect(atOpening.rows.map((r) => ({ ...r, due_at: new Date(r.due_at).toISOString() }))).toEqual(expected.filter((r) => r.kind === 'vote_opened'));
    // when the reminder is due, the loop adds it
    expect(await makeDueVoteMessages(open.db, REMIND)).toBe(6);
    const rows = await read();
    expect(rows.rows.map((r) => ({ ...r, due_at: new Date(r.due_at).toISOString() }))).toEqual(expected);
    expect(rows.rows.some((r) => r.user_id === stranger || r.user_id === u[3] || r.user_id === u[5])).toBe(false);
  });
});
