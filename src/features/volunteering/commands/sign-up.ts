import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { SignupStatus } from '../tables.ts';
import { dbErrorCode } from './errors.ts';
import { volunteerPlaceConfirmed } from '../../notifications/commands/producers.ts';
import type { MessageKey } from '../../../i18n/index.ts';

type DB = Kysely<Database>;
export type SignUpResult = { ok: true; signupId: number; status: SignupStatus; projectId: number } | { ok: false; error: MessageKey };

/**
 * A resident signs up for a task, for themself. The database decides confirmed or waiting
 * under the task's row lock (migration 0021), so simultaneous sign-ups never overbook. One
 * statement, no transaction around it: the lock is held while the statement runs, never
 * across a round trip to the server, so 200 residents at once queue for microseconds each.
 */
export async function signUp(db: DB, userId: number, taskId: number): Promise<SignUpResult> {
  try {
    const row = await db
      .insertInto('volunteer_signups')
      .columns(['task_id', 'user_id'])
      .expression(
        db
          .selectFrom('volunteer_tasks')
          .innerJoin('projects', 'projects.id', 'volunteer_tasks.project_id')
          .select(['volunteer_tasks.id', sql<number>`${userId}::integer`.as('user_id')])
          .where('volunteer_tasks.id', '=', taskId)
          // a task of a project not yet public is not there for residents
          .where('projects.published_at', 'is not', null),
      )
      .returning((eb) => [
        'volunteer_signups.id',
        'volunteer_signups.status',
        eb.selectFrom('volunteer_tasks').select('volunteer_tasks.project_id').whereRef('volunteer_tasks.id', '=', 'volunteer_signups.task_id').as('project_id'),
        eb.selectFrom('volunteer_tasks').select('volunteer_tasks.title').whereRef('volunteer_tasks.id', '=', 'volunteer_signups.task_id').as('title'),
        eb.selectFrom('volunteer_tasks').select('volunteer_tasks.starts_at').whereRef('volunteer_tasks.id', '=', 'volunteer_signups.task_id').as('starts_at'),
      ])
      .executeTakeFirst();
    // no row: no such public task; a task that has started is refused by the database (P0001)
    if (!row) return { ok: false, error: 'err.notFound' };
    // A confirmed place is reminded the day before (a waiting one when it moves up). Queued
    // after the sign-up's statement, not in a transaction with it, so that the task's row
    // lock is never held across a round trip; a reminder that failed to queue loses no place.
    if (row.status === 'confirmed') await volunteerPlaceConfirmed(db, { id: row.id, userId, title: row.title!, startsAt: row.starts_at! }, new Date());
    return { ok: true, signupId: row.id, status: row.status, projectId: row.project_id! };
  } catch (e) {
    const code = dbErrorCode(e);
    if (code === '23505') return { ok: false, error: 'err.volunteerAlreadySignedUp' };
    if (code === 'P0001') return { ok: false, error: 'err.volunteerClosed' };
    throw e;
  }
}
