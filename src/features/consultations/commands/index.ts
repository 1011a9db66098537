import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { WorkCalendar } from '../../../lib/calendar.ts';
import { appendAudit } from '../../audit/service.ts';
import type { Role } from '../../accounts/tables.ts';
import { checkLastDay, closingInstant } from '../core/rules.ts';
import { reportText } from '../core/report.ts';
import { consultationOpened, replyPosted } from '../../notifications/commands/producers.ts';
import type { AuthorKind, Disposition } from '../tables.ts';

// Every write of consultations. The database is the judge of the rules that matter
// (migration 0024: states, the closing instant by its clock, the 15-minute edit window,
// one report per person, the record frozen at the close); these commands check first so
// that a refusal is a clear message, and map the database's own refusal when a race lost.

type DB = Kysely<Database>;
type Refusal = { ok: false; error: string; field?: string };

/** A refusal raised by one of the database's own checks (triggers: P0001; unique: 23505; check: 23514). */
function dbCode(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return null;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}
async function refusedBy<T>(run: () => Promise<T>, error: string): Promise<T | Refusal> {
  try {
    return await run();
  } catch (e) {
    const code = dbCode(e);
    if (code === 'P0001' || code === '23514' || code === '23505') return { ok: false, error };
    throw e;
  }
}

export interface OpenInput {
  projectId: number;
  ballotId?: number | undefined;
  title: string;
  body: string | null;
  lastDay: string;
  documentIds: number[];
}

/** Staff open a consultation on a published project's plan, or on a draft vote's matters. */
export async function openConsultation(
  db: DB,
  actorUserId: number,
  input: OpenInput,
  now = new Date(),
  calendar?: WorkCalendar,
): Promise<{ ok: true; consultationId: number; closesAt: Date } | Refusal> {
  const dateError = checkLastDay(input.lastDay, now);
  if (dateError) return { ok: false, error: dateError, field: 'lastDay' };
  const closesAt = closingInstant(input.lastDay, calendar);
  return db.transaction().execute(async (trx) => {
    const project = await trx.selectFrom('projects').select(['id', 'code', 'title', 'published_at']).where('id', '=', input.projectId).executeTakeFirst();
    if (!project) return { ok: false as const, error: 'err.notFound', field: 'projectId' };
    if (!project.published_at) return { ok: false as const, error: 'err.consultProjectDraft', field: 'projectId' };
    if (input.ballotId !== undefined) {
      const b = await trx.selectFrom('ballots').select(['project_id', 'status']).where('id', '=', input.ballotId).executeTakeFirst();
      if (!b || b.project_id !== project.id) return { ok: false as const, error: 'err.notFound', field: 'ballotId' };
      if (b.status !== 'draft' && b.status !== 'noticed') return { ok: false as const, error: 'err.consultBallotOpen', field: 'ballotId' };
    }
    const docs = [...new Set(input.documentIds)];
    if (docs.length > 0) {
      const found = await trx
        .selectFrom('documents')
        .select('id')
        .where('id', 'in', docs)
        .where('project_id', '=', project.id)
        .where('published_at', 'is not', null)
        .execute();
      if (found.length !== docs.length) return { ok: false as const, error: 'err.consultDocuments', field: 'documentIds' };
    }
    const row = await trx
      .insertInto('consultations')
      .values({
        project_id: project.id,
        ballot_id: input.ballotId ?? null,
        title: input.title,
        body: input.body ?? '',
        closes_at: closesAt,
        created_by: actorUserId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (docs.length > 0)
      await trx
        .insertInto('consultation_documents')
        .values(docs.map((d) => ({ consultation_id: row.id, document_id: d })))
        .execute();
    await appendAudit(trx, {
      actorUserId,
      action: 'consultation.open',
      target: `consultation:${row.id}`,
      detail: { projectId: project.id, ballotId: input.ballotId ?? null, title: input.title, closesAt: closesAt.toISOString(), documentIds: docs },
    });
    await consultationOpened(trx, { id: row.id, title: input.title, closesAt, project }, now);
    return { ok: true as const, consultationId: row.id, closesAt };
  });
}

/** Whether a consultation takes comments now, by the database clock. */
async function takingComments(trx: Transaction<Database> | DB, consultationId: number) {
  return trx
    .selectFrom('consultations')
    .innerJoin('projects', 'projects.id', 'consultations.project_id')
    .select([
      'consultations.id',
      'consultations.project_id',
      'consultations.title',
      'projects.code as project_code',
      sql<boolean>`consultations.status = 'open' and now() < consultations.closes_at`.as('open'),
    ])
    .where('consultations.id', '=', consultationId)
    .where('projects.published_at', 'is not', null)
    .executeTakeFirst();
}

/** The badge a person writes under on a project: staff; verified owner of a building of its estates (the lowest label); resident. */
export async function badgeOf(
  db: DB | Transaction<Database>,
  user: { id: number; role: Role },
  projectId: number,
): Promise<{ kind: AuthorKind; building: string | null }> {
  if (user.role === 'staff' || user.role === 'district_admin') return { kind: 'staff', building: null };
  const b = await db
    .selectFrom('owner_verifications')
    .innerJoin('units', 'units.id', 'owner_verifications.unit_id')
    .innerJoin('entrances', 'entrances.id', 'units.entrance_id')
    .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
    .innerJoin('project_estates', 'project_estates.estate_id', 'buildings.estate_id')
    .select('buildings.label')
    .where('owner_verifications.user_id', '=', user.id)
    .where('owner_verifications.status', '=', 'verified')
    .where('project_estates.project_id', '=', projectId)
    .orderBy(sql`length(buildings.label)`)
    .orderBy('buildings.label')
    .limit(1)
    .executeTakeFirst();
  return b ? { kind: 'owner', building: b.label } : { kind: 'resident', building: null };
}

/** A signed-in person comments, or replies to a top-level opinion. No audit entry: it is the person's own act (a staff reply is audited). */
export async function postComment(
  db: DB,
  user: { id: number; role: Role },
  input: { consultationId: number; parentId?: number | undefined; body: string },
): Promise<{ ok: true; commentId: number; projectId: number } | Refusal> {
  const r = await refusedBy(
    () =>
      db.transaction().execute(async (trx) => {
        const c = await takingComments(trx, input.consultationId);
        if (!c) return { ok: false as const, error: 'err.notFound' };
        if (!c.open) return { ok: false as const, error: 'err.consultClosed' };
        let parentAuthor: number | null = null;
        if (input.parentId !== undefined) {
          const p = await trx
            .selectFrom('consultation_comments')
            .select(['consultation_id', 'parent_id', 'deleted_at', 'author_user_id'])
            .where('id', '=', input.parentId)
            .executeTakeFirst();
          if (!p || p.consultation_id !== c.id || p.deleted_at) return { ok: false as const, error: 'err.notFound', field: 'parentId' };
          if (p.parent_id !== null) return { ok: false as const, error: 'err.consultReplyDepth', field: 'parentId' };
          parentAuthor = p.author_user_id;
        }
        const badge = await badgeOf(trx, user, c.project_id);
        const row = await trx
          .insertInto('consultation_comments')
          .values({
            consultation_id: c.id,
            parent_id: input.parentId ?? null,
            author_user_id: user.id,
            channel: 'online',
            author_kind: badge.kind,
            building_label: badge.building,
            body: input.body,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (badge.kind === 'staff')
          await appendAudit(trx, {
            actorUserId: user.id,
            action: 'consultation.staffComment',
            target: `comment:${row.id}`,
            detail: { consultationId: c.id, parentId: input.parentId ?? null },
          });
        if (input.parentId !== undefined)
          await replyPosted(
            trx,
            { id: row.id, authorUserId: user.id, byStaff: badge.kind === 'staff', parentAuthorUserId: parentAuthor },
            { id: c.id, title: c.title, projectCode: c.project_code },
            new Date(),
          );
        return { ok: true as const, commentId: row.id, projectId: c.project_id };
      }),
    'err.consultClosed',
  );
  return r;
}

/** A comment with what its author may still do, locked for the change. */
async function lockedComment(trx: Transaction<Database>, commentId: number) {
  return trx
    .selectFrom('consultation_comments')
    .innerJoin('consultations', 'consultations.id', 'consultation_comments.consultation_id')
    .select([
      'consultation_comments.id',
      'consultation_comments.author_user_id',
      'consultation_comments.deleted_at',
      'consultations.project_id',
      sql<boolean>`consultations.status = 'open' and now() < consultations.closes_at`.as('open'),
      sql<boolean>`now() < consultation_comments.created_at + interval '15 minutes'`.as('editable'),
    ])
    .where('consultation_comments.id', '=', commentId)
    .forUpdate()
    .executeTakeFirst();
}

/** The author changes their comment's text, within 15 minutes and while the consultation is open. */
export async function editComment(db: DB, userId: number, input: { commentId: number; body: string }): Promise<{ ok: true; projectId: number } | Refusal> {
  return refusedBy(
    () =>
      db.transaction().execute(async (trx) => {
        const c = await lockedComment(trx, input.commentId);
        if (!c || c.deleted_at) return { ok: false as const, error: 'err.notFound' };
        if (c.author_user_id !== userId) return { ok: false as const, error: 'err.consultNotYours' };
        if (!c.open) return { ok: false as const, error: 'err.consultClosed' };
        if (!c.editable) return { ok: false as const, error: 'err.consultEditWindow', field: 'body' };
        await trx.updateTable('consultation_comments').set({ body: input.body }).where('id', '=', c.id).execute();
        return { ok: true as const, projectId: c.project_id };
      }),
    'err.consultEditWindow',
  );
}

/** The author deletes their comment while the consultation is open (the row stays, marked). */
export async function deleteComment(db: DB, userId: number, input: { commentId: number }): Promise<{ ok: true; projectId: number } | Refusal> {
  return refusedBy(
    () =>
      db.transaction().execute(async (trx) => {
        const c = await lockedComment(trx, input.commentId);
        if (!c || c.deleted_at) return { ok: false as const, error: 'err.notFound' };
        if (c.author_user_id !== userId) return { ok: false as const, error: 'err.consultNotYours' };
        if (!c.open) return { ok: false as const, error: 'err.consultClosed' };
        await trx
          .updateTable('consultation_comments')
          .set({ deleted_at: sql`now()` })
          .where('id', '=', c.id)
          .execute();
        return { ok: true as const, projectId: c.project_id };
      }),
    'err.consultClosed',
  );
}

/** A signed-in person reports a comment (once); three verified owners hide it until staff review (the database counts). */
export async function reportComment(
  db: DB,
  userId: number,
  input: { commentId: number },
): Promise<{ ok: true; hidden: boolean; already: boolean; projectId: number } | Refusal> {
  return refusedBy(
    () =>
      db.transaction().execute(async (trx) => {
        const c = await trx
          .selectFrom('consultation_comments')
          .innerJoin('consultations', 'consultations.id', 'consultation_comments.consultation_id')
          .select(['consultation_comments.id', 'consultation_comments.author_user_id', 'consultation_comments.deleted_at', 'consultations.project_id'])
          .where('consultation_comments.id', '=', input.commentId)
          .executeTakeFirst();
        if (!c || c.deleted_at) return { ok: false as const, error: 'err.notFound' };
        if (c.author_user_id === userId) return { ok: false as const, error: 'err.consultReportOwn' };
        const ins = await trx
          .insertInto('consultation_comment_reports')
          .values({ comment_id: c.id, reporter_user_id: userId })
          .onConflict((oc) => oc.columns(['comment_id', 'reporter_user_id']).doNothing())
          .returning('comment_id')
          .executeTakeFirst();
        const now = await trx.selectFrom('consultation_comments').select('hidden_at').where('id', '=', c.id).executeTakeFirstOrThrow();
        return { ok: true as const, hidden: now.hidden_at !== null, already: !ins, projectId: c.project_id };
      }),
    'err.notFound',
  );
}

/** Staff enter an opinion received on paper or in person, marked as such; audited. */
export async function enterPaperOpinion(
  db: DB,
  actorUserId: number,
  input: { consultationId: number; channel: 'paper' | 'in_person'; building: string | null; body: string },
): Promise<{ ok: true; commentId: number; projectId: number } | Refusal> {
  return refusedBy(
    () =>
      db.transaction().execute(async (trx) => {
        const c = await takingComments(trx, input.consultationId);
        if (!c) return { ok: false as const, error: 'err.notFound' };
        if (!c.open) return { ok: false as const, error: 'err.consultClosed' };
        const row = await trx
          .insertInto('consultation_comments')
          .values({
            consultation_id: c.id,
            entered_by: actorUserId,
            channel: input.channel,
            author_kind: 'resident',
            building_label: input.building,
            body: input.body,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await appendAudit(trx, {
          actorUserId,
          action: 'consultation.paper',
          target: `comment:${row.id}`,
          detail: { consultationId: c.id, channel: input.channel, building: input.building },
        });
        return { ok: true as const, commentId: row.id, projectId: c.project_id };
      }),
    'err.consultClosed',
  );
}

async function commentForStaff(trx: Transaction<Database>, commentId: number) {
  return trx
    .selectFrom('consultation_comments')
    .innerJoin('consultations', 'consultations.id', 'consultation_comments.consultation_id')
    .select([
      'consultation_comments.id',
      'consultation_comments.hidden_at',
      'consultation_comments.hide_kind',
      'consultations.project_id',
      'consultations.id as consultation_id',
    ])
    .where('consultation_comments.id', '=', commentId)
    .forUpdate()
    .executeTakeFirst();
}

/** Staff hide a comment with a reason its author sees; audited. Hiding after the close does not change the record. */
export async function hideComment(
  db: DB,
  actorUserId: number,
  input: { commentId: number; reason: string },
): Promise<{ ok: true; projectId: number } | Refusal> {
  return db.transaction().execute(async (trx) => {
    const c = await commentForStaff(trx, input.commentId);
    if (!c) return { ok: false as const, error: 'err.notFound' };
    if (c.hide_kind === 'staff') return { ok: false as const, error: 'err.consultAlreadyHidden' };
    await trx
      .updateTable('consultation_comments')
      .set({ hidden_at: sql`coalesce(hidden_at, now())`, hide_kind: 'staff', hidden_by: actorUserId, hidden_reason: input.reason, reviewed_at: sql`now()` })
      .where('id', '=', c.id)
      .execute();
    await trx.insertInto('consultation_moderation').values({ comment_id: c.id, action: 'hide', reason: input.reason, actor_user_id: actorUserId }).execute();
    await appendAudit(trx, {
      actorUserId,
      action: 'consultation.hide',
      target: `comment:${c.id}`,
      detail: { consultationId: c.consultation_id, reason: input.reason },
    });
    return { ok: true as const, projectId: c.project_id };
  });
}

/** Staff review a hidden comment: restore it, or keep it hidden (with a reason the author sees); audited. */
export async function reviewComment(
  db: DB,
  actorUserId: number,
  input: { commentId: number; decision: 'restore' | 'keep_hidden'; reason: string | null },
): Promise<{ ok: true; projectId: number } | Refusal> {
  if (input.decision === 'keep_hidden' && !input.reason) return { ok: false, error: 'err.reasonRequired', field: 'reason' };
  return db.transaction().execute(async (trx) => {
    const c = await commentForStaff(trx, input.commentId);
    if (!c) return { ok: false as const, error: 'err.notFound' };
    if (!c.hidden_at) return { ok: false as const, error: 'err.consultNotHidden' };
    if (input.decision === 'restore')
      await trx
        .updateTable('consultation_comments')
        .set({ hidden_at: null, hide_kind: null, hidden_by: null, hidden_reason: null, reviewed_at: sql`now()` })
        .where('id', '=', c.id)
        .execute();
    else
      await trx
        .updateTable('consultation_comments')
        .set({ hide_kind: 'staff', hidden_by: actorUserId, hidden_reason: input.reason, reviewed_at: sql`now()` })
        .where('id', '=', c.id)
        .execute();
    await trx
      .insertInto('consultation_moderation')
      .values({ comment_id: c.id, action: input.decision, reason: input.reason, actor_user_id: actorUserId })
      .execute();
    await appendAudit(trx, {
      actorUserId,
      action: input.decision === 'restore' ? 'consultation.restore' : 'consultation.keepHidden',
      target: `comment:${c.id}`,
      detail: { consultationId: c.consultation_id, reason: input.reason },
    });
    return { ok: true as const, projectId: c.project_id };
  });
}

/**
 * Staff close a consultation: at or after its closing instant, or earlier with a reason
 * shown publicly. The database copies the record of opinions in the same statement.
 */
export async function closeConsultation(
  db: DB,
  actorUserId: number,
  input: { consultationId: number; earlyReason: string | null },
): Promise<{ ok: true; projectId: number; opinions: number } | Refusal> {
  return refusedBy(
    () =>
      db.transaction().execute(async (trx) => {
        const c = await trx
          .selectFrom('consultations')
          .select(['id', 'project_id', 'status', sql<boolean>`now() < closes_at`.as('early')])
          .where('id', '=', input.consultationId)
          .forUpdate()
          .executeTakeFirst();
        if (!c) return { ok: false as const, error: 'err.notFound' };
        if (c.status !== 'open') return { ok: false as const, error: 'err.consultState' };
        if (c.early && !input.earlyReason) return { ok: false as const, error: 'err.consultEarlyReason', field: 'earlyReason' };
        await trx
          .updateTable('consultations')
          .set({ status: 'closed', closed_by: actorUserId, closed_at: sql`now()`, early_close_reason: c.early ? input.earlyReason : null })
          .where('id', '=', c.id)
          .execute();
        const n = await trx
          .selectFrom('consultation_opinions')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('consultation_id', '=', c.id)
          .executeTakeFirstOrThrow();
        await appendAudit(trx, {
          actorUserId,
          action: 'consultation.close',
          target: `consultation:${c.id}`,
          detail: { projectId: c.project_id, early: c.early, reason: c.early ? input.earlyReason : null, opinions: Number(n.n) },
        });
        return { ok: true as const, projectId: c.project_id, opinions: Number(n.n) };
      }),
    'err.consultState',
  );
}

/** Staff give an opinion of the record its disposition and reason, while the consultation is closed; audited. */
export async function disposeOpinion(
  db: DB,
  actorUserId: number,
  input: { opinionId: number; disposition: Disposition; reason: string },
): Promise<{ ok: true; projectId: number } | Refusal> {
  return refusedBy(
    () =>
      db.transaction().execute(async (trx) => {
        const o = await trx
          .selectFrom('consultation_opinions')
          .innerJoin('consultations', 'consultations.id', 'consultation_opinions.consultation_id')
          .select(['consultation_opinions.id', 'consultations.status', 'consultations.project_id', 'consultations.id as consultation_id'])
          .where('consultation_opinions.id', '=', input.opinionId)
          .executeTakeFirst();
        if (!o) return { ok: false as const, error: 'err.notFound' };
        if (o.status !== 'closed') return { ok: false as const, error: 'err.consultState' };
        await trx
          .updateTable('consultation_opinions')
          .set({ disposition: input.disposition, disposition_reason: input.reason, disposed_by: actorUserId, disposed_at: sql`now()` })
          .where('id', '=', o.id)
          .execute();
        await appendAudit(trx, {
          actorUserId,
          action: 'consultation.dispose',
          target: `opinion:${o.id}`,
          detail: { consultationId: o.consultation_id, disposition: input.disposition, reason: input.reason },
        });
        return { ok: true as const, projectId: o.project_id };
      }),
    'err.consultState',
  );
}

/**
 * Staff publish the consultation report (意见采纳情况) as a notice of the project, built
 * from the record copied at the close; every opinion needs its disposition first.
 */
export async function publishReport(
  db: DB,
  actorUserId: number,
  input: { consultationId: number },
  now = new Date(),
): Promise<{ ok: true; noticeId: number; projectId: number } | Refusal> {
  return refusedBy(
    () =>
      db.transaction().execute(async (trx) => {
        const c = await trx
          .selectFrom('consultations')
          .innerJoin('projects', 'projects.id', 'consultations.project_id')
          .select([
            'consultations.id',
            'consultations.title',
            'consultations.status',
            'consultations.opened_at',
            'consultations.closed_at',
            'consultations.early_close_reason',
            'projects.id as project_id',
            'projects.subdistrict_id',
            'projects.title as project_title',
          ])
          .where('consultations.id', '=', input.consultationId)
          .forUpdate()
          .executeTakeFirst();
        if (!c) return { ok: false as const, error: 'err.notFound' };
        if (c.status !== 'closed') return { ok: false as const, error: 'err.consultState' };
        const opinions = await trx.selectFrom('consultation_opinions').selectAll().where('consultation_id', '=', c.id).orderBy('id').execute();
        if (opinions.some((o) => o.disposition === null)) return { ok: false as const, error: 'err.consultUndisposed' };
        const { title, body } = reportText({
          title: c.title,
          projectTitle: c.project_title,
          openedAt: c.opened_at,
          closedAt: c.closed_at!,
          earlyReason: c.early_close_reason,
          opinions,
        });
        const notice = await trx
          .insertInto('notices')
          .values({ subdistrict_id: c.subdistrict_id, project_id: c.project_id, kind: 'plan', title, body, published_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .updateTable('consultations')
          .set({ status: 'reported', reported_by: actorUserId, reported_at: sql`now()`, report_notice_id: notice.id })
          .where('id', '=', c.id)
          .execute();
        await appendAudit(trx, {
          actorUserId,
          action: 'consultation.report',
          target: `consultation:${c.id}`,
          detail: { projectId: c.project_id, noticeId: notice.id, opinions: opinions.length },
        });
        return { ok: true as const, noticeId: notice.id, projectId: c.project_id };
      }),
    'err.consultUndisposed',
  );
}
