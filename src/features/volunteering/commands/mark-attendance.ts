import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { appendAudit } from '../../audit/service.ts';
import { dbErrorCode } from './errors.ts';
import type { MessageKey } from '../../../i18n/index.ts';

type DB = Kysely<Database>;
export type AttendanceResult = { ok: true } | { ok: false; error: MessageKey; field?: string };

/**
 * Staff mark a confirmed volunteer as attended with the hours credited (in minutes), change
 * the hours, or undo the mark (attended → confirmed). Written with its audit entry.
 */
export async function markAttendance(
  db: DB,
  actorUserId: number,
  input: { taskId: number; signupId: number; minutes: number | null },
): Promise<AttendanceResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      const s = await trx
        .selectFrom('volunteer_signups')
        .select(['id', 'status', 'minutes', 'user_id'])
        .where('id', '=', input.signupId)
        .where('task_id', '=', input.taskId)
        .forUpdate()
        .executeTakeFirst();
      if (!s) return { ok: false as const, error: 'err.notFound' };
      if (s.status !== 'confirmed' && s.status !== 'attended') return { ok: false as const, error: 'err.volunteerNotConfirmed' };
      if (input.minutes === null) {
        if (s.status !== 'attended') return { ok: false as const, error: 'err.volunteerNotAttended' };
        await trx
          .updateTable('volunteer_signups')
          .set({ status: 'confirmed', minutes: null, attendance_by: actorUserId, attendance_at: sql`now()` })
          .where('id', '=', s.id)
          .execute();
      } else {
        await trx
          .updateTable('volunteer_signups')
          .set({ status: 'attended', minutes: input.minutes, attendance_by: actorUserId, attendance_at: sql`now()` })
          .where('id', '=', s.id)
          .execute();
      }
      await appendAudit(trx, {
        actorUserId,
        action: input.minutes === null ? 'volunteer.attendance.undo' : 'volunteer.attendance',
        target: `volunteer_signup:${s.id}`,
        detail: { taskId: input.taskId, userId: s.user_id, minutes: input.minutes, before: { status: s.status, minutes: s.minutes } },
      });
      return { ok: true as const };
    });
  } catch (e) {
    if (dbErrorCode(e) === 'P0001') return { ok: false, error: 'err.volunteerNotConfirmed' };
    throw e;
  }
}
