import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { appendAudit } from '../../audit/service.ts';
import { checkTaskTimes } from '../core/rules.ts';
import type { MessageKey } from '../../../i18n/index.ts';

type DB = Kysely<Database>;
export type Result = { ok: true; taskId: number } | { ok: false; error: MessageKey; field?: string };

export interface NewTask {
  projectId: number;
  title: string;
  place: string;
  details: string;
  startsAt: Date;
  endsAt: Date;
  places: number;
}

/** Staff post a task on a project; the database clock decides whether its start is still ahead. */
export async function createTask(db: DB, actorUserId: number, task: NewTask): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const { now } = await sql<{ now: Date }>`select now() as now`.execute(trx).then((r) => r.rows[0]!);
    const bad = checkTaskTimes(task.startsAt, task.endsAt, new Date(now));
    if (bad) return { ok: false as const, ...bad };
    const row = await trx
      .insertInto('volunteer_tasks')
      .values({
        project_id: task.projectId,
        title: task.title,
        place: task.place,
        details: task.details,
        starts_at: task.startsAt,
        ends_at: task.endsAt,
        places: task.places,
        created_by: actorUserId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorUserId,
      action: 'volunteer.task.create',
      target: `volunteer_task:${row.id}`,
      detail: {
        projectId: task.projectId,
        title: task.title,
        place: task.place,
        startsAt: task.startsAt.toISOString(),
        endsAt: task.endsAt.toISOString(),
        places: task.places,
      },
    });
    return { ok: true as const, taskId: row.id };
  });
}
