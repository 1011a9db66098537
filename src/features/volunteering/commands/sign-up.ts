import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { SignupStatus } from '../tables.ts';
import { dbErrorCode } from './errors.ts';
import { volunteerPlaceConfirmed } from '../../notifications/commands/producers.ts';
import type { MessageKey } from '../../../i18n/index.ts';

type DB = Kysely<Database>;
export type SignUpResult = { ok: true; signupId: number; status: SignupStatus } | { ok: false; error: MessageKey };

/**
 * A resident signs up for a task, for themself. The database decides confirmed or waiting
 * under the task's row lock (migration 0021), so simultaneous sign-ups never overbook.
 */
export async function signUp(db: DB, userId: number, taskId: number): Promise<SignUpResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      const task = await trx
        .selectFrom('volunteer_tasks')
        .innerJoin('projects', 'projects.id', 'volunteer_tasks.project_id')
        .select(['volunteer_tasks.id', 'volunteer_tasks.title', 'volunteer_tasks.starts_at', sql<boolean>`volunteer_tasks.starts_at > now()`.as('open')])
        .where('volunteer_tasks.id', '=', taskId)
        // a task of a project not yet public is not there for residents
        .where('projects.published_at', 'is not', null)
        .executeTakeFirst();
      if (!task) return { ok: false as const, error: 'err.notFound' };
      if (!task.open) return { ok: false as const, error: 'err.volunteerClosed' };
      const row = await trx.insertInto('volunteer_signups').values({ task_id: taskId, user_id: userId }).returning(['id', 'status']).executeTakeFirstOrThrow();
      // a confirmed place is reminded of the day before (a waiting one when it moves up)
      if (row.status === 'confirmed') await volunteerPlaceConfirmed(trx, { id: row.id, userId, title: task.title, startsAt: task.starts_at }, new Date());
      return { ok: true as const, signupId: row.id, status: row.status };
    });
  } catch (e) {
    const code = dbErrorCode(e);
    if (code === '23505') return { ok: false, error: 'err.volunteerAlreadySignedUp' };
    if (code === 'P0001') return { ok: false, error: 'err.volunteerClosed' };
    throw e;
  }
}
