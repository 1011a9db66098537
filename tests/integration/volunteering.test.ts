import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase, postgresUrl } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { verifyAudit } from '../../src/features/audit/service.ts';
import { createTask } from '../../src/features/volunteering/commands/create-task.ts';
import { signUp } from '../../src/features/volunteering/commands/sign-up.ts';
import { cancelSignUp } from '../../src/features/volunteering/commands/cancel-sign-up.ts';
import { markAttendance } from '../../src/features/volunteering/commands/mark-attendance.ts';
import { signupsOf, upcomingTasksOfProject } from '../../src/features/volunteering/queries/tasks.ts';
import { hoursRows, hoursWorkbook } from '../../src/features/volunteering/queries/hours-export.ts';
import ExcelJS from 'exceljs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Db = OpenDatabase['db'];

async function setting(db: Db) {
  const { subId, estateId, staffId } = await hebinEstate(db);
  const project = await db
    .insertInto('projects')
    .values({ code: 'ZH-V-1', subdistrict_id: subId, title: '建设小区改造', summary: 's', batch_year: 2026, stage: 3, published_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('project_estates').values({ project_id: project.id, estate_id: estateId }).execute();
  return { subId, staffId, projectId: project.id };
}

/** n residents with phones 1350000xxxx (offset keeps batches apart). */
async function residents(db: Db, n: number, offset = 0): Promise<{ id: number; phone: string }[]> {
  const rows = Array.from({ length: n }, (_, i) => ({
    phone: `135${String(offset + i).padStart(8, '0')}`,
    password_hash: 'x',
    display_name: `居民${offset + i}`,
  }));
  return db.insertInto('users').values(rows).returning(['id', 'phone']).execute();
}

async function newTask(db: Db, staffId: number, projectId: number, places: number, title = '清理楼道杂物') {
  const startsAt = new Date(Date.now() + 3 * DAY);
  const res = await createTask(db, staffId, {
    projectId,
    title,
    place: '3 号楼前',
    details: '',
    startsAt,
    endsAt: new Date(startsAt.getTime() + 2.5 * HOUR),
    places,
  });
  if (!res.ok) throw new Error(res.error);
  return res.taskId;
}

const statuses = async (db: Db, taskId: number) =>
  db.selectFrom('volunteer_signups').select(['id', 'user_id', 'status', 'seq', 'promoted_at']).where('task_id', '=', taskId).orderBy('seq').execute();

describe.each(BACKENDS)('volunteering on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let projectId: number;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    ({ staffId, projectId } = await setting(open.db));
  });
  afterAll(() => open.close());

  it('refuses a task that starts in the past, ends before it starts, or lasts over a day, and writes nothing', async () => {
    const now = Date.now();
    const base = { projectId, title: '义务植树', place: '中心绿地', details: '', places: 5 };
    expect(await createTask(open.db, staffId, { ...base, startsAt: new Date(now - HOUR), endsAt: new Date(now + HOUR) })).toEqual({
      ok: false,
      field: 'startsAt',
      error: 'err.volunteerPast',
    });
    expect(await createTask(open.db, staffId, { ...base, startsAt: new Date(now + DAY), endsAt: new Date(now + DAY) })).toEqual({
      ok: false,
      field: 'endsAt',
      error: 'err.volunteerEndBeforeStart',
    });
    expect(await createTask(open.db, staffId, { ...base, startsAt: new Date(now + DAY), endsAt: new Date(now + 2 * DAY + HOUR) })).toEqual({
      ok: false,
      field: 'endsAt',
      error: 'err.volunteerTooLong',
    });
    expect(await createTask(open.db, staffId, { ...base, startsAt: new Date(now + 400 * DAY), endsAt: new Date(now + 400 * DAY + HOUR) })).toEqual({
      ok: false,
      field: 'startsAt',
      error: 'err.volunteerTooFar',
    });
    const n = await open.db
      .selectFrom('volunteer_tasks')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('title', '=', '义务植树')
      .executeTakeFirstOrThrow();
    expect(n.n).toBe(0);
  });

  it('refuses, in the database, every transition outside confirmed → cancelled | attended, waiting → confirmed | cancelled, attended → confirmed', async () => {
    const taskId = await newTask(open.db, staffId, projectId, 1, '转换测试');
    const [a, b, c] = await residents(open.db, 3, 1000);
    // the status written by the code is ignored: the database decides
    const first = await open.db
      .insertInto('volunteer_signups')
      .values({ task_id: taskId, user_id: a!.id, status: 'attended' } as never)
      .returning(['id', 'status'])
      .executeTakeFirstOrThrow();
    expect(first.status).toBe('confirmed');
    const second = await signUp(open.db, b!.id, taskId);
    expect(second).toMatchObject({ ok: true, status: 'waiting' });
    const waitingId = (second as { signupId: number }).signupId;
    const refused = async (q: { execute(): Promise<unknown> }) => {
      await expect(q.execute()).rejects.toThrow();
    };
    // waiting → attended, waiting → confirmed while the task is full (the overbooking check)
    await refused(open.db.updateTable('volunteer_signups').set({ status: 'attended', minutes: 60 }).where('id', '=', waitingId));
    await refused(open.db.updateTable('volunteer_signups').set({ status: 'confirmed' }).where('id', '=', waitingId));
    // the counter belongs to the database; a sign-up is never deleted nor moved
    await refused(
      open.db
        .updateTable('volunteer_tasks')
        .set({ taken: 0 } as never)
        .where('id', '=', taskId),
    );
    await refused(open.db.deleteFrom('volunteer_signups').where('id', '=', first.id));
    await refused(
      open.db
        .updateTable('volunteer_signups')
        .set({ user_id: c!.id } as never)
        .where('id', '=', first.id),
    );
    // attended needs its minutes
    await refused(open.db.updateTable('volunteer_signups').set({ status: 'attended' }).where('id', '=', first.id));
    // cancelled is final
    await open.db.updateTable('volunteer_signups').set({ status: 'cancelled', cancelled_at: new Date() }).where('id', '=', first.id).execute();
    await refused(open.db.updateTable('volunteer_signups').set({ status: 'confirmed', cancelled_at: null }).where('id', '=', first.id));
    await refused(open.db.updateTable('volunteer_signups').set({ status: 'waiting', cancelled_at: null }).where('id', '=', first.id));
    // …and the cancellation moved the waiting one up, by the database alone
    const rows = await statuses(open.db, taskId);
    expect(rows.map((r) => [r.user_id, r.status, r.promoted_at !== null])).toEqual([
      [a!.id, 'cancelled', false],
      [b!.id, 'confirmed', true],
    ]);
    // attended → confirmed (undo) is allowed; attended → cancelled is not
    await open.db.updateTable('volunteer_signups').set({ status: 'attended', minutes: 90 }).where('id', '=', waitingId).execute();
    await refused(open.db.updateTable('volunteer_signups').set({ status: 'cancelled', cancelled_at: new Date(), minutes: null }).where('id', '=', waitingId));
    await open.db.updateTable('volunteer_signups').set({ status: 'confirmed', minutes: null }).where('id', '=', waitingId).execute();
    // one live sign-up per person and task
    expect(await signUp(open.db, b!.id, taskId)).toEqual({ ok: false, error: 'err.volunteerAlreadySignedUp' });
    const task = await open.db.selectFrom('volunteer_tasks').select(['taken', 'places']).where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(task).toEqual({ taken: 1, places: 1 });
  });

  it('takes no sign-up for a task of a project not yet public', async () => {
    const taskId = await newTask(open.db, staffId, projectId, 3, '草稿项目的任务');
    const [a] = await residents(open.db, 1, 1500);
    await open.db.updateTable('projects').set({ published_at: null }).where('id', '=', projectId).execute();
    try {
      expect(await signUp(open.db, a!.id, taskId)).toEqual({ ok: false, error: 'err.notFound' });
    } finally {
      await open.db.updateTable('projects').set({ published_at: new Date() }).where('id', '=', projectId).execute();
    }
    expect(await signUp(open.db, a!.id, taskId)).toMatchObject({ ok: true, status: 'confirmed' });
  });

  it('closes sign-ups and cancellations once the task has started (the database clock)', async () => {
    const taskId = await newTask(open.db, staffId, projectId, 3, '已开始的任务');
    const [a, b] = await residents(open.db, 2, 2000);
    expect(await signUp(open.db, a!.id, taskId)).toMatchObject({ ok: true, status: 'confirmed' });
    await open.db
      .updateTable('volunteer_tasks')
      .set({ starts_at: sql`now() - interval '1 minute'`, ends_at: sql`now() + interval '1 hour'` })
      .where('id', '=', taskId)
      .execute();
    expect(await signUp(open.db, b!.id, taskId)).toEqual({ ok: false, error: 'err.volunteerClosed' });
    expect(await cancelSignUp(open.db, a!.id, taskId)).toEqual({ ok: false, error: 'err.volunteerClosed' });
    await expect(open.db.insertInto('volunteer_signups').values({ task_id: taskId, user_id: b!.id }).execute()).rejects.toThrow(/started/);
    expect((await upcomingTasksOfProject(open.db, projectId, null)).map((t) => t.id)).not.toContain(taskId);
  });

  it('moves the waiting list up in order of arrival, tells the promoted person, and frees a place when a waiting one cancels', async () => {
    const taskId = await newTask(open.db, staffId, projectId, 2, '候补测试');
    const people = await residents(open.db, 5, 3000);
    for (const p of people) await signUp(open.db, p.id, taskId);
    expect((await statuses(open.db, taskId)).map((r) => r.status)).toEqual(['confirmed', 'confirmed', 'waiting', 'waiting', 'waiting']);
    expect((await signupsOf(open.db, people[4]!.id)).signups[0]).toMatchObject({ status: 'waiting', position: 3 });

    // a waiting person leaves: nobody moves up, those behind them gain a place in the queue
    expect(await cancelSignUp(open.db, people[3]!.id, taskId)).toEqual({ ok: true, promotedUserIds: [], projectId });
    expect((await signupsOf(open.db, people[4]!.id)).signups[0]).toMatchObject({ status: 'waiting', position: 2 });

    // a confirmed person leaves: the first waiting (people[2]) moves up, and is told
    const res = await cancelSignUp(open.db, people[0]!.id, taskId);
    expect(res).toEqual({ ok: true, promotedUserIds: [people[2]!.id], projectId });
    const rows = await statuses(open.db, taskId);
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'confirmed', 'confirmed', 'cancelled', 'waiting']);
    const mine = await signupsOf(open.db, people[2]!.id);
    expect(mine.signups[0]).toMatchObject({ status: 'confirmed', promoted: true });
    // told through the notification outbox: in the portal and, by default, by SMS; nobody else
    const told = await open.db
      .selectFrom('notifications')
      .select(['user_id', 'kind', 'channel', 'body'])
      .where('kind', '=', 'volunteer_promoted')
      .orderBy('channel')
      .execute();
    expect(told.map((r) => [r.user_id, r.kind, r.channel])).toEqual([
      [people[2]!.id, 'volunteer_promoted', 'inapp'],
      [people[2]!.id, 'volunteer_promoted', 'sms'],
    ]);
    expect(told[0]!.body).toContain('您已从候补转为正式报名');
    expect(told[0]!.body).toContain('候补测试');
    // the reminders the day before, in the portal only by default: the two confirmed at sign-up, the
    // promoted one now; the one who cancelled has theirs withdrawn
    const reminders = await open.db
      .selectFrom('notifications')
      .select(['user_id', 'channel', 'state'])
      .where('kind', '=', 'volunteer_task_tomorrow')
      .where(
        'user_id',
        'in',
        people.map((p) => p.id),
      )
      .orderBy('user_id')
      .execute();
    expect(reminders).toEqual(
      [0, 1, 2].map((i) => ({ user_id: people[i]!.id, channel: 'inapp', state: i === 0 ? 'skipped' : 'queued' })).sort((a, b) => a.user_id - b.user_id),
    );
    // cancelling queues rows only: nothing is texted in the request
    expect(await open.db.selectFrom('sms_outbox').select('phone').where('phone', '=', people[2]!.phone).execute()).toEqual([]);

    // the one who cancelled may sign up again: a new row, at the back of the queue
    expect(await signUp(open.db, people[0]!.id, taskId)).toMatchObject({ ok: true, status: 'waiting' });
    expect((await signupsOf(open.db, people[0]!.id)).signups.map((s) => s.status).sort()).toEqual(['cancelled', 'waiting']);
    expect((await statuses(open.db, taskId)).filter((r) => r.status === 'waiting').map((r) => r.user_id)).toEqual([people[4]!.id, people[0]!.id]);
  });

  it('credits attended hours to the person, lets staff undo, refuses waiting volunteers, and audits each mark', async () => {
    const taskId = await newTask(open.db, staffId, projectId, 1, '出勤测试');
    const [a, b] = await residents(open.db, 2, 4000);
    const sa = (await signUp(open.db, a!.id, taskId)) as { signupId: number };
    const sb = (await signUp(open.db, b!.id, taskId)) as { signupId: number };
    expect(await markAttendance(open.db, staffId, { taskId, signupId: sb.signupId, minutes: 60 })).toEqual({ ok: false, error: 'err.volunteerNotConfirmed' });
    // another task's sign-up cannot be reached through this task
    expect(await markAttendance(open.db, staffId, { taskId: taskId + 999, signupId: sa.signupId, minutes: 60 })).toEqual({ ok: false, error: 'err.notFound' });
    expect(await markAttendance(open.db, staffId, { taskId, signupId: sa.signupId, minutes: 150 })).toEqual({ ok: true });
    const other = await newTask(open.db, staffId, projectId, 1, '出勤测试二');
    const so = (await signUp(open.db, a!.id, other)) as { signupId: number };
    expect(await markAttendance(open.db, staffId, { taskId: other, signupId: so.signupId, minutes: 60 })).toEqual({ ok: true });
    expect((await signupsOf(open.db, a!.id)).totalMinutes).toBe(210);
    expect(await markAttendance(open.db, staffId, { taskId: other, signupId: so.signupId, minutes: null })).toEqual({ ok: true });
    expect((await signupsOf(open.db, a!.id)).totalMinutes).toBe(150);
    const audit = await open.db.selectFrom('audit_log').select(['action', 'target']).where('action', 'like', 'volunteer.%').orderBy('id').execute();
    expect(audit.filter((e) => e.action.startsWith('volunteer.attendance')).map((e) => e.action)).toEqual([
      'volunteer.attendance',
      'volunteer.attendance',
      'volunteer.attendance.undo',
    ]);
    expect(audit.filter((e) => e.action === 'volunteer.task.create').length).toBeGreaterThanOrEqual(5);
    expect((await verifyAudit(open.db)).ok).toBe(true);
  });

  it('exports hours with formula-looking text neutralised', async () => {
    const taskId = await newTask(open.db, staffId, projectId, 2, '=HYPERLINK("http://x","点我")');
    const [a] = await residents(open.db, 1, 5000);
    await open.db.updateTable('users').set({ display_name: '@SUM(A1)' }).where('id', '=', a!.id).execute();
    const s = (await signUp(open.db, a!.id, taskId)) as { signupId: number };
    await markAttendance(open.db, staffId, { taskId, signupId: s.signupId, minutes: 90 });
    const staff = {
      id: staffId,
      role: 'staff' as const,
      subdistrictId: (await open.db.selectFrom('users').select('subdistrict_id').where('id', '=', staffId).executeTakeFirstOrThrow()).subdistrict_id,
      communityId: null,
    };
    const rows = await hoursRows(open.db, staff, taskId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await hoursWorkbook(rows)).buffer as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const line = sheet.getRow(2).values as unknown[];
    expect(line[1]).toBe(`'=HYPERLINK("http://x","点我")`);
    expect(line[5]).toBe(`'@SUM(A1)`);
    expect(line[6]).toBe(`135****5000`);
    expect(line[8]).toBe(1.5);
    expect(sheet.getRow(3).values).toContain(1.5);
  });

  it('gives exactly 10 confirmed and 190 waiting when 200 residents sign up at once for 10 places', async () => {
    // PGlite has one connection: "at once" is 200 interleaved promises; on PostgreSQL, a pool of 50 connections
    let race: OpenDatabase = open;
    let scratch: ScratchDatabase | null = null;
    if (kind === 'postgres') {
      scratch = await scratchDatabase(postgresUrl!, 'vrace');
      race = openPostgres(scratch.url, 50);
      await migrateToLatest(race.db);
    }
    try {
      const ids = kind === 'postgres' ? await setting(race.db) : { staffId, projectId };
      const taskId = await newTask(race.db, ids.staffId, ids.projectId, 10, '并发报名');
      const people = await residents(race.db, 200, 6000);
      if (kind === 'postgres') {
        // make sure the pool really holds many connections before the race starts
        await Promise.all(Array.from({ length: 50 }, () => sql`select pg_sleep(0.01)`.execute(race.db)));
      }
      const results = await Promise.all(people.map((p) => signUp(race.db, p.id, taskId)));
      expect(results.every((r) => r.ok)).toBe(true);
      const counted = results.reduce(
        (acc, r) => ({ ...acc, [(r as { status: string }).status]: (acc[(r as { status: string }).status] ?? 0) + 1 }),
        {} as Record<string, number>,
      );
      expect(counted).toEqual({ confirmed: 10, waiting: 190 });
      const rows = await statuses(race.db, taskId);
      expect(rows.filter((r) => r.status === 'confirmed')).toHaveLength(10);
      expect(rows.filter((r) => r.status === 'waiting')).toHaveLength(190);
      // the queue has no gaps and the confirmed are exactly the first ten to arrive
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(rows.slice(0, 10).every((r) => r.status === 'confirmed')).toBe(true);
      const task = await race.db.selectFrom('volunteer_tasks').select(['taken', 'places']).where('id', '=', taskId).executeTakeFirstOrThrow();
      expect(task).toEqual({ taken: 10, places: 10 });

      // and 5 simultaneous cancellations by confirmed volunteers move exactly the next ones up
      const confirmed = rows.slice(0, 10).map((r) => r.user_id);
      const cancels = await Promise.all(confirmed.slice(0, 5).map((u) => cancelSignUp(race.db, u, taskId)));
      expect(cancels.every((c) => c.ok)).toBe(true);
      const after = await statuses(race.db, taskId);
      expect(after.filter((r) => r.status === 'confirmed').map((r) => r.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    } finally {
      if (scratch) {
        await race.close();
        await scratch.drop();
      }
    }
  });
});
