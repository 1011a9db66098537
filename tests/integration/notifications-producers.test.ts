import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { postNoticeAsStaff } from '../support/ballot-notice.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import * as ballots from '../../src/features/ballots/service.ts';
import { publishBulletin } from '../../src/features/ballots/results-service.ts';
import { createNotice, publishNotice } from '../../src/features/notices/admin-service.ts';
import { setPreferences } from '../../src/features/notifications/commands/preferences.ts';
import { deliverDue } from '../../src/features/notifications/commands/deliver.ts';
import { notificationTick } from '../../src/features/notifications/commands/loop.ts';
import { makeDueVoteMessages } from '../../src/features/notifications/commands/producers.ts';
import { inboxOf } from '../../src/features/notifications/queries/inbox.ts';
import { markRead } from '../../src/features/notifications/commands/preferences.ts';
import type { SmsSender } from '../../src/features/accounts/sms.ts';

// Producers insert rows in the transaction of the act (a vote's messages: by the job loop's
// next run after it opens): staff open a vote → the verified owners on its roll are told; staff publish a project's notice → the verified owners of
// its estates are told. The texts name no choice and no ID number.

const KEY = parseIdKey(`v1:${Buffer.alloc(32, 9).toString('base64')}`);
const DAY = 86_400_000;
const T0 = new Date('2026-04-01T02:00:00Z'); // 10:00 Beijing

describe.each(BACKENDS)('notification producers on %s', (kind) => {
  let open: OpenDatabase;
  let subId: number;
  let estateId: number;
  let staffId: number;
  let owners: { userId: number }[];
  let stranger: number;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    ({ subId, estateId, staffId } = await hebinEstate(open.db));
    await importSampleRegister(open.db, estateId, staffId, KEY);
    owners = await verifiedOwners(open.db, 2, '1380000000');
    stranger = (
      await open.db.insertInto('users').values({ phone: '13900000777', password_hash: 'x', display_name: 's' }).returning('id').executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => open.close());

  it('tells the owners on the roll when a vote opens: in the portal, and by SMS unless they chose otherwise', async () => {
    await setPreferences(open.db, owners[1]!.userId, { vote_opened: 'portal' });
    const created = await ballots.createBallot(open.db, staffId, {
      subdistrictId: subId,
      projectId: null,
      title: '加装电梯',
      explanation: '',
      convener: 'subdistrict',
      noticeDays: 15,
      opensAt: new Date(T0.getTime() + 16 * DAY),
      closesAt: new Date(T0.getTime() + 30 * DAY),
      scopes: [{ estateId, building: null, entrance: null }],
      matters: [{ title: '加装电梯', item: 6 }],
    });
    if (!created.ok) throw new Error(created.error);
    await postNoticeAsStaff(open.db, staffId, created.ballotId, T0);
    const opening = new Date(T0.getTime() + 16 * DAY);
    expect(await ballots.openBallot(open.db, staffId, created.ballotId, opening)).toMatchObject({ ok: true });
    // the job loop's next run makes the owners' messages (not the opening's transaction)
    await makeDueVoteMessages(open.db, opening);
    const rows = await open.db
      .selectFrom('notifications')
      .select(['user_id', 'channel', 'kind', 'link'])
      .where('kind', '=', 'vote_opened')
      .orderBy('user_id')
      .orderBy('channel')
      .execute();
    const link = `/ballots/${created.ballotId}`;
    expect(rows).toEqual([
      { user_id: owners[0]!.userId, channel: 'inapp', kind: 'vote_opened', link },
      { user_id: owners[0]!.userId, channel: 'sms', kind: 'vote_opened', link },
      { user_id: owners[1]!.userId, channel: 'inapp', kind: 'vote_opened', link },
    ]);
    const texts: string[] = [];
    const sender: SmsSender = { send: async (_phone, body) => void texts.push(body) };
    await deliverDue(
      open.db,
      () => sender,
      () => opening,
    );
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('加装电梯');
    expect(texts[0]).not.toMatch(/同意|反对|弃权/);
    const inbox = await inboxOf(open.db, owners[1]!.userId);
    expect(inbox.unread).toBe(1);
    expect(inbox.items.map((i) => i.kind)).toEqual(['vote_opened']);
    expect(await inboxOf(open.db, stranger)).toEqual({ items: [], unread: 0 });
    // mark read: another person's id marks nothing
    expect(await markRead(open.db, stranger, inbox.items[0]!.id)).toEqual({ ok: true, marked: 0 });
    expect(await markRead(open.db, owners[1]!.userId, inbox.items[0]!.id)).toEqual({ ok: true, marked: 1 });
    expect((await inboxOf(open.db, owners[1]!.userId)).unread).toBe(0);

    // the reminder 24 hours before the end is not queued at the opening: the loop makes it when
    // due (tests/integration/vote-reminders.test.ts); a vote closed before that reminds nobody
    const closesAt = new Date(T0.getTime() + 30 * DAY);
    const reminders = () => open.db.selectFrom('notifications').select('id').where('kind', '=', 'vote_closing_24h').execute();
    expect(await reminders()).toEqual([]);
    expect(await ballots.closeBallot(open.db, staffId, created.ballotId, new Date(T0.getTime() + 20 * DAY))).toEqual({ ok: true });
    await notificationTick(
      open.db,
      () => sender,
      () => new Date(closesAt.getTime() - DAY),
    );
    expect(await reminders()).toEqual([]);

    // the preliminary result is told once, a corrected version tells nobody again
    const after = new Date(T0.getTime() + 20 * DAY + 3_600_000);
    expect(await publishBulletin(open.db, staffId, created.ballotId, 'preliminary', after)).toMatchObject({ ok: true, version: 1 });
    expect(await publishBulletin(open.db, staffId, created.ballotId, 'preliminary', after)).toMatchObject({ ok: true, version: 2 });
    const results = await open.db
      .selectFrom('notifications')
      .select(['user_id', 'channel', 'body'])
      .where('kind', '=', 'vote_result')
      .orderBy('user_id')
      .orderBy('channel')
      .execute();
    expect(results.map((r) => [r.user_id, r.channel])).toEqual([
      [owners[0]!.userId, 'inapp'],
      [owners[0]!.userId, 'sms'],
      [owners[1]!.userId, 'inapp'],
      [owners[1]!.userId, 'sms'],
    ]);
    expect(results[0]!.body).toContain('初步结果已公布');
  });

  it('tells the owners of a project’s estates when its notice is published, in the portal only by default', async () => {
    const p = await open.db
      .insertInto('projects')
      .values({ code: 'ZH-N-1', subdistrict_id: subId, title: '改造', batch_year: 2026, stage: 3, published_at: new Date('2026-01-01T00:00:00Z') })
      .returning('id')
      .executeTakeFirstOrThrow();
    await open.db.insertInto('project_estates').values({ project_id: p.id, estate_id: estateId }).execute();
    const n = await createNotice(open.db, staffId, { subdistrictId: subId, projectId: p.id, kind: 'construction', title: '停水通知', body: '明天停水' });
    if (!n.ok) throw new Error(n.error);
    expect(await publishNotice(open.db, staffId, n.noticeId, T0)).toMatchObject({ ok: true });
    const rows = await open.db
      .selectFrom('notifications')
      .select(['user_id', 'channel'])
      .where('kind', '=', 'notice_on_my_estate')
      .orderBy('user_id')
      .execute();
    expect(rows).toEqual([
      { user_id: owners[0]!.userId, channel: 'inapp' },
      { user_id: owners[1]!.userId, channel: 'inapp' },
    ]);
  });

  it('writes every message in Chinese and in English', async () => {
    const rows = await open.db.selectFrom('notifications').select(['kind', 'body', 'body_en']).execute();
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['vote_opened', 'vote_result', 'notice_on_my_estate']));
    for (const r of rows) {
      expect(r.body).toMatch(/^【共治】/);
      expect(r.body_en).toMatch(/^\[Gongzhi\] [A-Z]/);
    }
    expect(rows.find((r) => r.kind === 'notice_on_my_estate')!.body_en).toBe('[Gongzhi] New notice on your estate: "停水通知".');
  });
});
