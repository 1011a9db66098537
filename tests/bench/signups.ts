import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { createSession, generateSessionToken } from '../../src/features/accounts/session.ts';
import { createTask } from '../../src/features/volunteering/commands/create-task.ts';

// Volunteer sign-ups: N residents with sessions, all signing up at the same instant for a
// task with few places, over HTTP through the built server (the form action a resident's
// browser posts). Every request's time counts from the common start, so the p99 is how long
// the 198th of 200 waited for its answer, queueing and the task's row lock included.

const HOUR = 3_600_000;

/** `residents` accounts with a session each, and the office staff who post the tasks (on the first published project). */
export async function prepareSignups(db: Kysely<Database>, residents: number) {
  const project = await db
    .selectFrom('projects')
    .select(['id', 'subdistrict_id'])
    .where('published_at', 'is not', null)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const staff = await db
    .insertInto('users')
    .values({
      phone: '13999999998',
      password_hash: 'x',
      display_name: 'bench staff',
      role: 'staff',
      subdistrict_id: project.subdistrict_id,
      phone_verified_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const users = await db
    .insertInto('users')
    .values(Array.from({ length: residents }, (_, i) => ({ phone: `137${String(i).padStart(8, '0')}`, password_hash: 'x', display_name: `志愿者${i}` })))
    .returning('id')
    .execute();
  const tokens: string[] = [];
  for (const u of users) {
    const token = generateSessionToken();
    await createSession(db, token, u.id);
    tokens.push(token);
  }
  let n = 0;
  /** A new task of the project, starting in two days, with `places` places. */
  const newTask = async (places: number) => {
    const startsAt = new Date(Date.now() + 48 * HOUR);
    const res = await createTask(db, staff.id, {
      projectId: project.id,
      title: `压测任务 ${++n}`,
      place: '1 号楼前',
      details: '',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * HOUR),
      places,
    });
    if (!res.ok) throw new Error(res.error);
    return res.taskId;
  };
  const outcome = async (taskId: number) => {
    const rows = await db.selectFrom('volunteer_signups').select('status').where('task_id', '=', taskId).execute();
    return { confirmed: rows.filter((r) => r.status === 'confirmed').length, waiting: rows.filter((r) => r.status === 'waiting').length };
  };
  return { tokens, newTask, outcome };
}

/** Every token signs up for the task at once; each request's milliseconds from the common start, and the answers that were not 200. */
export async function simultaneousSignUps(base: string, taskId: number, tokens: string[]) {
  const body = new URLSearchParams({ taskId: String(taskId) }).toString();
  const t0 = performance.now();
  const answers = await Promise.all(
    tokens.map(async (token) => {
      const res = await fetch(`${base}/_actions/volunteering.signUp`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie: `gz_session=${token}` },
        body,
      });
      const text = await res.text();
      return { ms: performance.now() - t0, ok: res.status === 200 && !text.includes('err.') };
    }),
  );
  return { times: answers.map((a) => a.ms), failed: answers.filter((a) => !a.ok).length };
}
