import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { signupCancelled, volunteerPlaceConfirmed, volunteerPromoted } from '../../notifications/commands/producers.ts';
import { dbErrorCode } from './errors.ts';
import type { MessageKey } from '../../../i18n/index.ts';

type DB = Kysely<Database>;
export type CancelResult = { ok: true; promotedUserIds: number[]; projectId: number } | { ok: false; error: MessageKey };

/**
 * A resident cancels their own live sign-up on a task. When it held a place, the database
 * confirms the first of the waiting list in the same statement; that person is told through
 * the notification outbox (in the portal, and by SMS unless they chose otherwise), queued in
 * this transaction: the cancellation waits on no text message.
 */
export async function cancelSignUp(db: DB, userId: number, taskId: number): Promise<CancelResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      const mine = await trx
        .selectFrom('volunteer_signups')
        .select(['id'])
        .where('task_id', '=', taskId)
        .where('user_id', '=', userId)
        .where('status', 'in', ['confirmed', 'waiting'])
        .forUpdate()
        .executeTakeFirst();
      if (!mine) return { ok: false as const, error: 'err.volunteerNotSignedUp' };
      const open = await trx
        .selectFrom('volunteer_tasks')
        .select(['project_id', sql<boolean>`starts_at > now()`.as('open')])
        .where('id', '=', taskId)
        .executeTakeFirstOrThrow();
      if (!open.open) return { ok: false as const, error: 'err.volunteerClosed' };
      await trx
        .updateTable('volunteer_signups')
        .set({ status: 'cancelled', cancelled_at: sql`now()` })
        .where('id', '=', mine.id)
        .execute();
      await signupCancelled(trx, mine.id);
      // promoted in this transaction: promoted_at is its now()
      const promoted = await trx
        .selectFrom('volunteer_signups')
        .innerJoin('users', 'users.id', 'volunteer_signups.user_id')
        .innerJoin('volunteer_tasks', 'volunteer_tasks.id', 'volunteer_signups.task_id')
        .select(['volunteer_signups.id', 'volunteer_signups.user_id', 'volunteer_tasks.title', 'volunteer_tasks.starts_at'])
        .where('volunteer_signups.task_id', '=', taskId)
        .where('volunteer_signups.promoted_at', '=', sql<Date>`now()`)
        .execute();
      for (const p of promoted) await volunteerPromoted(trx, { id: p.id, userId: p.user_id, title: p.title, startsAt: p.starts_at }, new Date());
      for (const p of promoted) await volunteerPlaceConfirmed(trx, { id: p.id, userId: p.user_id, title: p.title, startsAt: p.starts_at }, new Date());
      return { ok: true as const, promotedUserIds: promoted.map((p) => p.user_id), projectId: open.project_id };
    });
  } catch (e) {
    if (dbErrorCode(e) === 'P0001') return { ok: false, error: 'err.volunteerClosed' };
    throw e;
  }
}
