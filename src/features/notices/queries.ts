import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';

type DB = Kysely<Database>;

export interface NoticeFilters {
  subdistrict?: string;
  kind?: string;
  project?: string;
}

export async function listNotices(db: DB, f: NoticeFilters, limit = 100) {
  let q = db
    .selectFrom('notices')
    .innerJoin('subdistricts', 'subdistricts.id', 'notices.subdistrict_id')
    .leftJoin('projects', 'projects.id', 'notices.project_id')
    .where('notices.published_at', 'is not', null);
  if (f.subdistrict) q = q.where('subdistricts.code', '=', f.subdistrict);
  if (f.kind) q = q.where('notices.kind', '=', f.kind);
  if (f.project) q = q.where('projects.code', '=', f.project);
  return q
    .select(['notices.id', 'notices.kind', 'notices.title', 'notices.published_at', 'subdistricts.name as subdistrict_name', 'subdistricts.name_en as subdistrict_name_en', 'projects.code as project_code'])
    .orderBy('notices.published_at', 'desc')
    .orderBy('notices.id', 'desc')
    .limit(limit)
    .execute();
}

export async function noticeById(db: DB, id: number) {
  return db
    .selectFrom('notices')
    .innerJoin('subdistricts', 'subdistricts.id', 'notices.subdistrict_id')
    .leftJoin('projects', 'projects.id', 'notices.project_id')
    .where('notices.id', '=', id)
    .where('notices.published_at', 'is not', null)
    .select([
      'notices.id', 'notices.kind', 'notices.title', 'notices.body', 'notices.published_at', 'subdistricts.code as subdistrict_code',
      'subdistricts.name as subdistrict_name', 'subdistricts.name_en as subdistrict_name_en', 'projects.code as project_code', 'projects.title as project_title',
    ])
    .executeTakeFirst();
}

export const NOTICE_KINDS = ['publicity', 'plan', 'construction', 'acceptance', 'other'] as const;
