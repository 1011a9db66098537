import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import type { Stage } from './stages.ts';

type DB = Kysely<Database>;

// Staff edits of a project. The database records the public history (migration 0002);
// these write the change and its audit entry in one transaction.

export async function updateBudgetLine(db: DB, actorUserId: number, projectId: number, lineId: number, amountFen: number, note: string | null) {
  return db.transaction().execute(async (trx) => {
    const line = await trx.selectFrom('budget_lines').select(['id', 'amount_fen']).where('id', '=', lineId).where('project_id', '=', projectId).forUpdate().executeTakeFirst();
    if (!line) return { ok: false as const, error: 'err.notFound' };
    await trx.updateTable('budget_lines').set({ amount_fen: amountFen, note }).where('id', '=', lineId).execute();
    await trx.updateTable('projects').set({ updated_at: new Date() }).where('id', '=', projectId).execute();
    await appendAudit(trx, { actorUserId, action: 'budget_line.update', target: `budget_line:${lineId}`, detail: { projectId, from: line.amount_fen, to: amountFen } });
    return { ok: true as const };
  });
}

/** Moves a project to another stage on a date; the timeline and the history show it. */
export async function transitionStage(db: DB, actorUserId: number, projectId: number, stage: Stage, enteredOn: string, note: string | null) {
  return db.transaction().execute(async (trx) => {
    const p = await trx.selectFrom('projects').select(['id', 'stage']).where('id', '=', projectId).forUpdate().executeTakeFirst();
    if (!p) return { ok: false as const, error: 'err.notFound' };
    if (p.stage === stage) return { ok: false as const, error: 'err.sameStage', field: 'stage' };
    await trx.updateTable('projects').set({ stage, updated_at: new Date() }).where('id', '=', projectId).execute();
    await trx.insertInto('stage_events').values({ project_id: projectId, stage, entered_on: enteredOn, note }).execute();
    await appendAudit(trx, { actorUserId, action: 'project.transition', target: `project:${projectId}`, detail: { from: p.stage, to: stage, enteredOn } });
    return { ok: true as const };
  });
}
