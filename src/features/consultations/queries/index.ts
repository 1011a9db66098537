import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { Actor, Resource } from '../../policy/can.ts';
import { projectResource } from '../../projects/admin-queries.ts';
import { THREAD_PAGE_SIZE } from '../core/rules.ts';
import type { AuthorKind, Channel, ConsultationStatus, Disposition } from '../tables.ts';
import { readableArea, readsOfficeLists } from '../../geography/scope.ts';

type DB = Kysely<Database>;

// Read models of consultations. A thread is read a page of top-level opinions at a time
// (20, oldest first) with their replies: a consultation of 5,000 comments costs a page.
// Never a phone number: authors are shown by display name and badge.

export interface Badge {
  kind: AuthorKind;
  building: string | null;
}
export interface ThreadComment {
  id: number;
  /** the account's display name; null for an opinion entered by staff */
  authorName: string | null;
  badge: Badge;
  channel: Channel;
  /** null when deleted or hidden */
  body: string | null;
  deleted: boolean;
  hidden: 'staff' | 'reports' | null;
  createdAt: Date;
  editedAt: Date | null;
  /** the viewer wrote it */
  mine: boolean;
  /** the viewer may still edit it (their own, within 15 minutes, open) */
  editable: boolean;
}
export interface ThreadOpinion extends ThreadComment {
  replies: ThreadComment[];
}

export interface ConsultationHead {
  id: number;
  projectId: number;
  projectCode: string;
  projectTitle: string;
  title: string;
  body: string;
  status: ConsultationStatus;
  /** takes comments now (open and before its closing instant, by the database clock) */
  taking: boolean;
  openedAt: Date;
  closesAt: Date;
  closedAt: Date | null;
  earlyReason: string | null;
  noticeId: number | null;
  ballot: { id: number; title: string } | null;
  documents: { id: number; title: string; version: number; fileName: string }[];
  opinions: number;
  replies: number;
  /** top-level comments, deleted ones too (they keep their place in the thread): the pages */
  topLevel: number;
  isDemo: boolean;
}

const headColumns = [
  'consultations.id',
  'consultations.project_id',
  'consultations.title',
  'consultations.body',
  'consultations.status',
  'consultations.opened_at',
  'consultations.closes_at',
  'consultations.closed_at',
  'consultations.early_close_reason',
  'consultations.report_notice_id',
  'consultations.ballot_id',
  'consultations.is_demo',
  'projects.code as project_code',
  'projects.title as project_title',
] as const;

async function heads(
  db: DB,
  where: { id?: number; projectId?: number; projectIds?: number[]; projectsOf?: SelectQueryBuilder<Database, 'projects', { id: number }> },
  publishedOnly = true,
): Promise<ConsultationHead[]> {
  let q = db
    .selectFrom('consultations')
    .innerJoin('projects', 'projects.id', 'consultations.project_id')
    .leftJoin('ballots', 'ballots.id', 'consultations.ballot_id')
    .select([...headColumns, 'ballots.title as ballot_title', sql<boolean>`consultations.status = 'open' and now() < consultations.closes_at`.as('taking')])
    .orderBy('consultations.id', 'desc');
  if (publishedOnly) q = q.where('projects.published_at', 'is not', null);
  if (where.id !== undefined) q = q.where('consultations.id', '=', where.id);
  if (where.projectId !== undefined) q = q.where('consultations.project_id', '=', where.projectId);
  if (where.projectIds !== undefined) {
    if (where.projectIds.length === 0) return [];
    q = q.where('consultations.project_id', 'in', where.projectIds);
  }
  if (where.projectsOf !== undefined) q = q.where('consultations.project_id', 'in', where.projectsOf);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const docs = await db
    .selectFrom('consultation_documents')
    .innerJoin('documents', 'documents.id', 'consultation_documents.document_id')
    .select(['consultation_documents.consultation_id', 'documents.id', 'documents.title', 'documents.version', 'documents.file_name'])
    .where('consultation_documents.consultation_id', 'in', ids)
    .orderBy('documents.id')
    .execute();
  const counts = await db
    .selectFrom('consultation_comments')
    .select([
      'consultation_id',
      sql<string>`count(*) filter (where parent_id is null and deleted_at is null)`.as('opinions'),
      sql<string>`count(*) filter (where parent_id is not null and deleted_at is null)`.as('replies'),
      sql<string>`count(*) filter (where parent_id is null)`.as('top_level'),
    ])
    .where('consultation_id', 'in', ids)
    .groupBy('consultation_id')
    .execute();
  return rows.map((r) => {
    const n = counts.find((c) => c.consultation_id === r.id);
    return {
      id: r.id,
      projectId: r.project_id,
      projectCode: r.project_code,
      projectTitle: r.project_title,
      title: r.title,
      body: r.body,
      status: r.status,
      taking: r.taking,
      openedAt: new Date(r.opened_at),
      closesAt: new Date(r.closes_at),
      closedAt: r.closed_at ? new Date(r.closed_at) : null,
      earlyReason: r.early_close_reason,
      noticeId: r.report_notice_id,
      ballot: r.ballot_id !== null ? { id: r.ballot_id, title: r.ballot_title ?? '' } : null,
      documents: docs.filter((d) => d.consultation_id === r.id).map((d) => ({ id: d.id, title: d.title, version: d.version, fileName: d.file_name })),
      opinions: Number(n?.opinions ?? 0),
      replies: Number(n?.replies ?? 0),
      topLevel: Number(n?.top_level ?? 0),
      isDemo: r.is_demo,
    };
  });
}

/** One consultation of a published project, or null. */
export async function consultationHead(db: DB, id: number): Promise<ConsultationHead | null> {
  return (await heads(db, { id }))[0] ?? null;
}

/** The project page: consultations open or awaiting their report, and the published reports. */
export async function projectConsultations(
  db: DB,
  projectId: number,
): Promise<{ open: ConsultationHead[]; past: { id: number; title: string; noticeId: number; closedAt: Date | null }[] }> {
  const all = await heads(db, { projectId });
  return {
    open: all.filter((c) => c.status !== 'reported'),
    past: all.filter((c) => c.status === 'reported').map((c) => ({ id: c.id, title: c.title, noticeId: c.noticeId!, closedAt: c.closedAt })),
  };
}

const commentColumns = [
  'consultation_comments.id',
  'consultation_comments.parent_id',
  'consultation_comments.author_user_id',
  'consultation_comments.channel',
  'consultation_comments.author_kind',
  'consultation_comments.building_label',
  'consultation_comments.body',
  'consultation_comments.created_at',
  'consultation_comments.edited_at',
  'consultation_comments.deleted_at',
  'consultation_comments.hide_kind',
  'users.display_name',
] as const;

type CommentRow = {
  id: number;
  parent_id: number | null;
  author_user_id: number | null;
  channel: Channel;
  author_kind: AuthorKind;
  building_label: string | null;
  body: string;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
  hide_kind: 'staff' | 'reports' | null;
  display_name: string | null;
  editable: boolean;
};

function toComment(r: CommentRow, viewerId: number | null, taking: boolean): ThreadComment {
  const deleted = r.deleted_at !== null;
  const mine = viewerId !== null && r.author_user_id === viewerId;
  return {
    id: r.id,
    authorName: r.channel === 'online' ? r.display_name : null,
    badge: { kind: r.author_kind, building: r.author_kind === 'owner' || r.channel !== 'online' ? r.building_label : null },
    channel: r.channel,
    body: deleted || r.hide_kind ? null : r.body,
    deleted,
    hidden: deleted ? null : r.hide_kind,
    createdAt: new Date(r.created_at),
    editedAt: r.edited_at ? new Date(r.edited_at) : null,
    mine,
    editable: mine && taking && !deleted && r.hide_kind === null && r.editable,
  };
}

/** A page of a consultation's thread: top-level opinions oldest first, each with its replies. */
export async function consultationThread(
  db: DB,
  consultationId: number,
  page: number,
  viewerId: number | null,
  /** the head when the caller has it already (the project page) */
  known?: ConsultationHead,
): Promise<{ head: ConsultationHead; opinions: ThreadOpinion[]; page: number; pages: number } | null> {
  const head = known ?? (await consultationHead(db, consultationId));
  if (!head) return null;
  const pages = Math.max(1, Math.ceil(head.topLevel / THREAD_PAGE_SIZE));
  const p = Math.min(Math.max(1, page), pages);
  const editable = sql<boolean>`now() < consultation_comments.created_at + interval '15 minutes'`.as('editable');
  const tops = (await db
    .selectFrom('consultation_comments')
    .leftJoin('users', 'users.id', 'consultation_comments.author_user_id')
    .select([...commentColumns, editable])
    .where('consultation_comments.consultation_id', '=', consultationId)
    .where('consultation_comments.parent_id', 'is', null)
    .orderBy('consultation_comments.id')
    .limit(THREAD_PAGE_SIZE)
    .offset((p - 1) * THREAD_PAGE_SIZE)
    .execute()) as CommentRow[];
  const replies =
    tops.length === 0
      ? []
      : ((await db
          .selectFrom('consultation_comments')
          .leftJoin('users', 'users.id', 'consultation_comments.author_user_id')
          .select([...commentColumns, editable])
          .where(
            'consultation_comments.parent_id',
            'in',
            tops.map((t) => t.id),
          )
          .orderBy('consultation_comments.id')
          .execute()) as CommentRow[]);
  const opinions = tops.map((t) => ({
    ...toComment(t, viewerId, head.taking),
    replies: replies.filter((r) => r.parent_id === t.id).map((r) => toComment(r, viewerId, head.taking)),
  }));
  return { head, opinions, page: p, pages };
}

export interface MyComment {
  id: number;
  consultationId: number;
  title: string;
  projectCode: string;
  body: string;
  createdAt: Date;
  deleted: boolean;
  hiddenKind: 'staff' | 'reports' | null;
  hiddenReason: string | null;
  replies: ThreadComment[];
}

/** The account page: a person's own top-level opinions and replies to them (latest 50 opinions). */
export async function myComments(db: DB, userId: number): Promise<MyComment[]> {
  const rows = await db
    .selectFrom('consultation_comments')
    .innerJoin('consultations', 'consultations.id', 'consultation_comments.consultation_id')
    .innerJoin('projects', 'projects.id', 'consultations.project_id')
    .select([
      'consultation_comments.id',
      'consultation_comments.consultation_id',
      'consultation_comments.body',
      'consultation_comments.created_at',
      'consultation_comments.deleted_at',
      'consultation_comments.hide_kind',
      'consultation_comments.hidden_reason',
      'consultations.title',
      'projects.code',
    ])
    .where('consultation_comments.author_user_id', '=', userId)
    .where('consultation_comments.parent_id', 'is', null)
    .orderBy('consultation_comments.id', 'desc')
    .limit(50)
    .execute();
  if (rows.length === 0) return [];
  const replies = (await db
    .selectFrom('consultation_comments')
    .leftJoin('users', 'users.id', 'consultation_comments.author_user_id')
    .select([...commentColumns, sql<boolean>`false`.as('editable')])
    .where(
      'consultation_comments.parent_id',
      'in',
      rows.map((r) => r.id),
    )
    .where('consultation_comments.deleted_at', 'is', null)
    .orderBy('consultation_comments.id')
    .execute()) as CommentRow[];
  return rows.map((r) => ({
    id: r.id,
    consultationId: r.consultation_id,
    title: r.title,
    projectCode: r.code,
    body: r.body,
    createdAt: new Date(r.created_at),
    deleted: r.deleted_at !== null,
    hiddenKind: r.hide_kind,
    hiddenReason: r.hide_kind === 'staff' ? r.hidden_reason : null,
    replies: replies.filter((x) => x.parent_id === r.id).map((x) => toComment(x, userId, false)),
  }));
}

// ---- authorization: where a thing sits

export async function consultationResource(db: DB, consultationId: number): Promise<(Resource & { projectId: number; consultationId: number }) | null> {
  const c = await db.selectFrom('consultations').select(['id', 'project_id']).where('id', '=', consultationId).executeTakeFirst();
  if (!c) return null;
  const p = await projectResource(db, c.project_id);
  return p ? { ...p, consultationId: c.id } : null;
}

export async function commentResource(db: DB, commentId: number): Promise<(Resource & { projectId: number; commentId: number }) | null> {
  const c = await db
    .selectFrom('consultation_comments')
    .innerJoin('consultations', 'consultations.id', 'consultation_comments.consultation_id')
    .select(['consultation_comments.id', 'consultations.project_id'])
    .where('consultation_comments.id', '=', commentId)
    .executeTakeFirst();
  if (!c) return null;
  const p = await projectResource(db, c.project_id);
  return p ? { ...p, commentId: c.id } : null;
}

export async function opinionResource(db: DB, opinionId: number): Promise<(Resource & { projectId: number; opinionId: number }) | null> {
  const o = await db
    .selectFrom('consultation_opinions')
    .innerJoin('consultations', 'consultations.id', 'consultation_opinions.consultation_id')
    .select(['consultation_opinions.id', 'consultations.project_id'])
    .where('consultation_opinions.id', '=', opinionId)
    .executeTakeFirst();
  if (!o) return null;
  const p = await projectResource(db, o.project_id);
  return p ? { ...p, opinionId: o.id } : null;
}

// ---- the office

/**
 * The projects an office reads: its subdistrict's (a community's only for its staff), all of the
 * district's for its administrator, every district's for the province admin (`districtId` narrows).
 */
function officeProjects(db: DB, actor: Actor, districtId: number | null = null) {
  let q = db
    .selectFrom('projects')
    .select(['projects.id', 'projects.code', 'projects.title', 'projects.published_at'])
    .where(readableArea(actor, 'projects.subdistrict_id', districtId));
  if (actor.role === 'staff' && actor.communityId !== null)
    q = q.where('projects.id', 'in', (eb) =>
      eb
        .selectFrom('project_estates')
        .innerJoin('estates', 'estates.id', 'project_estates.estate_id')
        .select('project_estates.project_id')
        .where('estates.community_id', '=', actor.communityId!),
    );
  return q;
}

/** The consultations of the projects an office reads, newest first, each with its district. */
export async function officeConsultations(
  db: DB,
  actor: Actor,
  districtId: number | null = null,
): Promise<(ConsultationHead & { hiddenPending: number; district: string; districtEn: string })[]> {
  if (!readsOfficeLists(actor)) return [];
  const all = await heads(db, { projectsOf: officeProjects(db, actor, districtId).clearSelect().select('projects.id') }, false);
  if (all.length === 0) return [];
  const pending = await db
    .selectFrom('consultation_comments')
    .select(['consultation_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('hide_kind', '=', 'reports')
    .groupBy('consultation_id')
    .execute();
  const districts = await db
    .selectFrom('projects')
    .innerJoin('districts', 'districts.id', 'projects.district_id')
    .select(['projects.id', 'districts.name', 'districts.name_en'])
    .where('projects.id', 'in', [...new Set(all.map((c) => c.projectId))])
    .execute();
  return all.map((c) => {
    const d = districts.find((x) => x.id === c.projectId);
    return { ...c, hiddenPending: Number(pending.find((p) => p.consultation_id === c.id)?.n ?? 0), district: d?.name ?? '', districtEn: d?.name_en ?? '' };
  });
}

/** Projects an office may open a consultation on: published ones, with their published documents and draft votes. */
export async function openableProjects(db: DB, actor: Actor) {
  const projects = await officeProjects(db, actor).where('projects.published_at', 'is not', null).orderBy('projects.code').execute();
  if (projects.length === 0) return [];
  const ids = projects.map((p) => p.id);
  const docs = await db
    .selectFrom('documents')
    .select(['id', 'project_id', 'title', 'version'])
    .where('project_id', 'in', ids)
    .where('published_at', 'is not', null)
    .orderBy('id')
    .execute();
  const ballots = await db
    .selectFrom('ballots')
    .select(['id', 'project_id', 'title'])
    .where('project_id', 'in', ids)
    .where('status', 'in', ['draft', 'noticed'])
    .orderBy('id')
    .execute();
  return projects.map((p) => ({
    id: p.id,
    code: p.code,
    title: p.title,
    documents: docs.filter((d) => d.project_id === p.id),
    ballots: ballots.filter((b) => b.project_id === p.id),
  }));
}

export interface StaffHidden {
  id: number;
  body: string;
  authorName: string | null;
  hideKind: 'staff' | 'reports';
  hiddenReason: string | null;
  reports: number;
}
export interface RecordRow {
  id: number;
  commentId: number;
  channel: Channel;
  authorKind: AuthorKind;
  building: string | null;
  body: string | null;
  disposition: Disposition | null;
  reason: string | null;
}

/** The staff page of one consultation: its head, hidden comments with their reports, and the record once closed. */
export async function staffConsultation(db: DB, id: number): Promise<{ head: ConsultationHead; hidden: StaffHidden[]; record: RecordRow[] } | null> {
  const head = (await heads(db, { id }, false))[0];
  if (!head) return null;
  const hidden = await db
    .selectFrom('consultation_comments')
    .leftJoin('users', 'users.id', 'consultation_comments.author_user_id')
    .select([
      'consultation_comments.id',
      'consultation_comments.body',
      'consultation_comments.hide_kind',
      'consultation_comments.hidden_reason',
      'users.display_name',
      (eb) =>
        eb
          .selectFrom('consultation_comment_reports')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('consultation_comment_reports.comment_id', '=', 'consultation_comments.id')
          .as('reports'),
    ])
    .where('consultation_comments.consultation_id', '=', id)
    .where('consultation_comments.hidden_at', 'is not', null)
    .where('consultation_comments.deleted_at', 'is', null)
    .orderBy('consultation_comments.id')
    .execute();
  const record = await db.selectFrom('consultation_opinions').selectAll().where('consultation_id', '=', id).orderBy('id').execute();
  return {
    head,
    hidden: hidden.map((h) => ({
      id: h.id,
      body: h.body,
      authorName: h.display_name,
      hideKind: h.hide_kind!,
      hiddenReason: h.hidden_reason,
      reports: Number(h.reports ?? 0),
    })),
    record: record.map((r) => ({
      id: r.id,
      commentId: r.comment_id,
      channel: r.channel,
      authorKind: r.author_kind,
      building: r.building_label,
      body: r.body,
      disposition: r.disposition,
      reason: r.disposition_reason,
    })),
  };
}
