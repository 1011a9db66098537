import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { appendAudit } from '../audit/service.ts';
import type { Stage } from './stages.ts';
import { refuse } from '../../i18n/index.ts';

type DB = Kysely<Database>;

// Staff edits of a project. The database records the public history (migration 0002);
// these write the change and its audit entry in one transaction.

export async function updateBudgetLine(db: DB, actorUserId: number, projectId: number, lineId: number, amountFen: number, note: string | null) {
  return db.transaction().execute(async (trx) => {
    const line = await trx
      .selectFrom('budget_lines')
      .select(['id', 'amount_fen'])
      .where('id', '=', lineId)
      .where('project_id', '=', projectId)
      .forUpdate()
      .executeTakeFirst();
    if (!line) return refuse('err.notFound');
    await trx.updateTable('budget_lines').set({ amount_fen: amountFen, note }).where('id', '=', lineId).execute();
    await trx.updateTable('projects').set({ updated_at: new Date() }).where('id', '=', projectId).execute();
    await appendAudit(trx, {
      actorUserId,
      action: 'budget_line.update',
      target: `budget_line:${lineId}`,
      detail: { projectId, from: line.amount_fen, to: amountFen },
    });
    return { ok: true as const };
  });
}

/** Moves a project to another stage on a date; the timeline and the history show it. */
export async function transitionStage(db: DB, actorUserId: number, projectId: number, stage: Stage, enteredOn: string, note: string | null) {
  return db.transaction().execute(async (trx) => {
    const p = await trx.selectFrom('projects').select(['id', 'stage']).where('id', '=', projectId).forUpdate().executeTakeFirst();
    if (!p) return refuse('err.notFound');
    if (p.stage === stage) return refuse('err.sameStage', 'stage');
    await trx.updateTable('projects').set({ stage, updated_at: new Date() }).where('id', '=', projectId).execute();
    await trx.insertInto('stage_events').values({ project_id: projectId, stage, entered_on: enteredOn, note }).execute();
    await appendAudit(trx, { actorUserId, action: 'project.transition', target: `project:${projectId}`, detail: { from: p.stage, to: stage, enteredOn } });
    return { ok: true as const };
  });
}

export interface NewProject {
  subdistrictId: number;
  estateIds: number[];
  title: string;
  summary: string;
  batchYear: number;
  plannedStart: string | null;
  plannedEnd: string | null;
  households: number;
}

/** A new project starts as a private draft in stage 1; its code is its district's prefix, year and id (ZH-2024-00031). */
export async function createProject(db: DB, actorUserId: number, p: NewProject) {
  return db.transaction().execute(async (trx) => {
    const estates = await trx
      .selectFrom('estates')
      .innerJoin('communities', 'communities.id', 'estates.community_id')
      .where('estates.id', 'in', p.estateIds)
      .select(['estates.id', 'communities.subdistrict_id'])
      .execute();
    if (estates.length !== new Set(p.estateIds).size || estates.some((e) => e.subdistrict_id !== p.subdistrictId)) return refuse('err.estates', 'estateIds');
    const district = await trx
      .selectFrom('subdistricts')
      .innerJoin('districts', 'districts.id', 'subdistricts.district_id')
      .select(['districts.id', 'districts.code_prefix'])
      .where('subdistricts.id', '=', p.subdistrictId)
      .executeTakeFirstOrThrow();
    const row = await trx
      .insertInto('projects')
      .values({
        code: `${district.code_prefix}-TMP-${crypto.randomUUID()}`,
        subdistrict_id: p.subdistrictId,
        district_id: district.id,
        title: p.title,
        summary: p.summary,
        batch_year: p.batchYear,
        stage: 1,
        planned_start: p.plannedStart,
        planned_end: p.plannedEnd,
        households_benefiting: p.households,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const code = `${district.code_prefix}-${p.batchYear}-${String(row.id).padStart(5, '0')}`;
    const taken = await trx.selectFrom('projects').select('id').where('code', '=', code).executeTakeFirst();
    const finalCode = taken ? `${code}-${row.id}` : code;
    await trx.updateTable('projects').set({ code: finalCode }).where('id', '=', row.id).execute();
    await trx
      .insertInto('project_estates')
      .values(p.estateIds.map((estate_id) => ({ project_id: row.id, estate_id })))
      .execute();
    await trx
      .insertInto('stage_events')
      .values({ project_id: row.id, stage: 1, entered_on: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10) })
      .execute();
    await appendAudit(trx, { actorUserId, action: 'project.create', target: `project:${row.id}`, detail: { code: finalCode } });
    return { ok: true as const, code: finalCode };
  });
}

export async function updateProjectFields(
  db: DB,
  actorUserId: number,
  projectId: number,
  f: { title: string; summary: string; households: number; plannedStart: string | null; plannedEnd: string | null },
) {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('projects')
      .set({
        title: f.title,
        summary: f.summary,
        households_benefiting: f.households,
        planned_start: f.plannedStart,
        planned_end: f.plannedEnd,
        updated_at: new Date(),
      })
      .where('id', '=', projectId)
      .execute();
    await appendAudit(trx, { actorUserId, action: 'project.update', target: `project:${projectId}` });
    return { ok: true as const };
  });
}

/** Makes a draft public. From then on every change lands in its public history. */
export async function publishProject(db: DB, actorUserId: number, projectId: number) {
  return db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('projects')
      .set({ published_at: new Date() })
      .where('id', '=', projectId)
      .where('published_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return refuse('err.alreadyPublished');
    await trx.updateTable('documents').set({ published_at: new Date() }).where('project_id', '=', projectId).where('published_at', 'is', null).execute();
    await appendAudit(trx, { actorUserId, action: 'project.publish', target: `project:${projectId}` });
    return { ok: true as const };
  });
}

type ChildTable = 'scope_items' | 'budget_lines' | 'fee_schedules';

/** Adds a row of a project's disclosure (scope item, budget line, fee) with its audit entry. */
export async function addChild<T extends ChildTable>(db: DB, actorUserId: number, table: T, projectId: number, values: Record<string, unknown>) {
  return db.transaction().execute(async (trx) => {
    const row = (await trx
      .insertInto(table)
      .values({ ...values, project_id: projectId } as never)
      .returning('id' as never)
      .executeTakeFirstOrThrow()) as unknown as { id: number };
    await trx.updateTable('projects').set({ updated_at: new Date() }).where('id', '=', projectId).execute();
    await appendAudit(trx, { actorUserId, action: `${table}.add`, target: `${table}:${row.id}`, detail: { projectId } });
    return { ok: true as const };
  });
}

export async function removeChild(db: DB, actorUserId: number, table: ChildTable, projectId: number, id: number) {
  return db.transaction().execute(async (trx) => {
    const res = await trx.deleteFrom(table).where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) return refuse('err.notFound');
    await trx.updateTable('projects').set({ updated_at: new Date() }).where('id', '=', projectId).execute();
    await appendAudit(trx, { actorUserId, action: `${table}.remove`, target: `${table}:${id}`, detail: { projectId } });
    return { ok: true as const };
  });
}

export async function addParty(
  db: DB,
  actorUserId: number,
  projectId: number,
  p: { name: string; uscc: string | null; role: import('./parties.ts').PartyRole; contactName: string | null; contactPhone: string | null },
) {
  return db.transaction().execute(async (trx) => {
    const existing = p.uscc ? await trx.selectFrom('parties').select('id').where('uscc', '=', p.uscc).executeTakeFirst() : undefined;
    const partyId =
      existing?.id ??
      (
        await trx
          .insertInto('parties')
          .values({ name: p.name, uscc: p.uscc, contact_name: p.contactName, contact_phone: p.contactPhone })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const added = await trx
      .insertInto('project_parties')
      .values({ project_id: projectId, party_id: partyId, role: p.role })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(added.numInsertedOrUpdatedRows ?? 0n) !== 1) return refuse('err.partyExists');
    await appendAudit(trx, { actorUserId, action: 'project_party.add', target: `project:${projectId}`, detail: { partyId, role: p.role } });
    return { ok: true as const };
  });
}

export async function removeParty(db: DB, actorUserId: number, projectId: number, partyId: number, role: import('./parties.ts').PartyRole) {
  return db.transaction().execute(async (trx) => {
    const res = await trx
      .deleteFrom('project_parties')
      .where('project_id', '=', projectId)
      .where('party_id', '=', partyId)
      .where('role', '=', role)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) return refuse('err.notFound');
    await appendAudit(trx, { actorUserId, action: 'project_party.remove', target: `project:${projectId}`, detail: { partyId, role } });
    return { ok: true as const };
  });
}
