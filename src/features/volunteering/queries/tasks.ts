import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { Actor, Resource } from '../../policy/can.ts';
import type { SignupStatus } from '../tables.ts';
import { projectResource } from '../../projects/admin-queries.ts';
import { readableArea, readsOfficeLists } from '../../geography/scope.ts';

type DB = Kysely<Database>;

export interface ProjectTask {
  id: number;
  title: string;
  place: string;
  details: string;
  startsAt: Date;
  endsAt: Date;
  places: number;
  taken: number;
  waiting: number;
  isDemo: boolean;
  /** the viewer's live sign-up, if any */
  myStatus: SignupStatus | null;
}

/** The project's tasks not yet started (sign-ups open), soonest first, with the viewer's own sign-up. */
export async function upcomingTasksOfProject(db: DB, projectId: number, userId: number | null): Promise<ProjectTask[]> {
  const rows = await db
    .selectFrom('volunteer_tasks as t')
    .select([
      't.id',
      't.title',
      't.place',
      't.details',
      't.starts_at',
      't.ends_at',
      't.places',
      't.taken',
      't.is_demo',
      (eb) =>
        eb
          .selectFrom('volunteer_signups as w')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('w.task_id', '=', 't.id')
          .where('w.status', '=', 'waiting')
          .as('waiting'),
      (eb) =>
        eb
          .selectFrom('volunteer_signups as m')
          .select('m.status')
          .whereRef('m.task_id', '=', 't.id')
          .where('m.user_id', '=', userId ?? 0)
          .where('m.status', '<>', 'cancelled')
          .limit(1)
          .as('my_status'),
    ])
    .where('t.project_id', '=', projectId)
    .where(sql<boolean>`t.starts_at > now()`)
    .orderBy('t.starts_at')
    .orderBy('t.id')
    .limit(50)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    place: r.place,
    details: r.details,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    places: r.places,
    taken: r.taken,
    waiting: Number(r.waiting ?? 0),
    isDemo: r.is_demo,
    myStatus: (r.my_status as SignupStatus | null) ?? null,
  }));
}

export interface MySignup {
  taskId: number;
  title: string;
  place: string;
  startsAt: Date;
  endsAt: Date;
  projectCode: string;
  projectTitle: string;
  status: SignupStatus;
  minutes: number | null;
  promoted: boolean;
  open: boolean;
  /** place in the waiting list (1 = next to move up), for waiting sign-ups */
  position: number | null;
}

/** A person's sign-ups, newest task first, and their attended minutes in total. */
export async function signupsOf(db: DB, userId: number): Promise<{ signups: MySignup[]; totalMinutes: number }> {
  const rows = await db
    .selectFrom('volunteer_signups as s')
    .innerJoin('volunteer_tasks as t', 't.id', 's.task_id')
    .innerJoin('projects as p', 'p.id', 't.project_id')
    .select([
      's.task_id',
      't.title',
      't.place',
      't.starts_at',
      't.ends_at',
      'p.code',
      'p.title as project_title',
      's.status',
      's.minutes',
      's.promoted_at',
      sql<boolean>`t.starts_at > now()`.as('open'),
      (eb) =>
        eb
          .selectFrom('volunteer_signups as w')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('w.task_id', '=', 's.task_id')
          .where('w.status', '=', 'waiting')
          .whereRef('w.seq', '<=', 's.seq')
          .as('position'),
    ])
    .where('s.user_id', '=', userId)
    .orderBy('t.starts_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(200)
    .execute();
  const signups = rows.map((r) => ({
    taskId: r.task_id,
    title: r.title,
    place: r.place,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    projectCode: r.code,
    projectTitle: r.project_title,
    status: r.status,
    minutes: r.minutes,
    promoted: r.status === 'confirmed' && r.promoted_at !== null,
    open: r.open,
    position: r.status === 'waiting' ? Number(r.position) : null,
  }));
  const total = await db
    .selectFrom('volunteer_signups')
    .select(sql<number>`coalesce(sum(minutes), 0)::int`.as('m'))
    .where('user_id', '=', userId)
    .where('status', '=', 'attended')
    .executeTakeFirstOrThrow();
  return { signups, totalMinutes: Number(total.m) };
}

/** Where a task sits for the policy: its project's subdistrict and community. */
export async function taskResource(db: DB, taskId: number): Promise<(Resource & { taskId: number; projectId: number; projectCode: string }) | null> {
  const t = await db.selectFrom('volunteer_tasks').select(['id', 'project_id']).where('id', '=', taskId).executeTakeFirst();
  if (!t) return null;
  const p = await projectResource(db, t.project_id);
  if (!p) return null;
  return { ...p, taskId: t.id, projectId: p.projectId, projectCode: p.code };
}

export interface OfficeTask {
  id: number;
  title: string;
  place: string;
  startsAt: Date;
  endsAt: Date;
  places: number;
  taken: number;
  waiting: number;
  attendedMinutes: number;
  projectCode: string;
  projectTitle: string;
  district: string;
  districtEn: string;
}

/**
 * Tasks of the projects in the office's subdistrict (all for the district, every district's for
 * the province admin; `districtId` narrows to one), newest first.
 */
export async function tasksForOffice(db: DB, actor: Actor, districtId: number | null = null): Promise<OfficeTask[]> {
  if (!readsOfficeLists(actor)) return [];
  const q = db
    .selectFrom('volunteer_tasks as t')
    .innerJoin('projects as p', 'p.id', 't.project_id')
    .innerJoin('districts as d', 'd.id', 'p.district_id')
    .select([
      't.id',
      't.title',
      't.place',
      't.starts_at',
      't.ends_at',
      't.places',
      't.taken',
      'p.code',
      'p.title as project_title',
      'd.name as district',
      'd.name_en as district_en',
      (eb) =>
        eb
          .selectFrom('volunteer_signups as w')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('w.task_id', '=', 't.id')
          .where('w.status', '=', 'waiting')
          .as('waiting'),
      (eb) =>
        eb
          .selectFrom('volunteer_signups as a')
          .select(sql<number>`coalesce(sum(a.minutes), 0)::int`.as('m'))
          .whereRef('a.task_id', '=', 't.id')
          .where('a.status', '=', 'attended')
          .as('attended_minutes'),
    ])
    .orderBy('t.starts_at', 'desc')
    .orderBy('t.id', 'desc')
    .where(readableArea(actor, 'p.subdistrict_id', districtId))
    .limit(500);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    place: r.place,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    places: r.places,
    taken: r.taken,
    waiting: Number(r.waiting ?? 0),
    attendedMinutes: Number(r.attended_minutes ?? 0),
    projectCode: r.code,
    projectTitle: r.project_title,
    district: r.district,
    districtEn: r.district_en,
  }));
}

export interface RosterEntry {
  signupId: number;
  seq: number;
  displayName: string;
  phone: string;
  status: SignupStatus;
  minutes: number | null;
  createdAt: Date;
  promotedAt: Date | null;
}

export async function taskDetail(db: DB, taskId: number) {
  const task = await db
    .selectFrom('volunteer_tasks as t')
    .innerJoin('projects as p', 'p.id', 't.project_id')
    .select(['t.id', 't.title', 't.place', 't.details', 't.starts_at', 't.ends_at', 't.places', 't.taken', 'p.code', 'p.title as project_title'])
    .where('t.id', '=', taskId)
    .executeTakeFirst();
  if (!task) return null;
  const roster = await db
    .selectFrom('volunteer_signups as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.seq', 'u.display_name', 'u.phone', 's.status', 's.minutes', 's.created_at', 's.promoted_at'])
    .where('s.task_id', '=', taskId)
    .orderBy('s.seq')
    .execute();
  return {
    id: task.id,
    title: task.title,
    place: task.place,
    details: task.details,
    startsAt: task.starts_at,
    endsAt: task.ends_at,
    places: task.places,
    taken: task.taken,
    projectCode: task.code,
    projectTitle: task.project_title,
    roster: roster.map((r): RosterEntry => ({
      signupId: r.id,
      seq: r.seq,
      displayName: r.display_name,
      phone: r.phone,
      status: r.status,
      minutes: r.minutes,
      createdAt: r.created_at,
      promotedAt: r.promoted_at,
    })),
  };
}
