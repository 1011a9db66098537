import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { containsPattern } from '../projects/filters.ts';
import { projectIdsMatchingText } from '../projects/queries.ts';

type DB = Kysely<Database>;

export interface NoticeFilters {
  subdistrict?: string;
  kind?: string;
  project?: string;
  /** Part of an estate's name or address, of a project's code or title, or of the notice's title. */
  q?: string;
}

function filtered(db: DB, f: NoticeFilters) {
  let q = db
    .selectFrom('notices')
    .innerJoin('subdistricts', 'subdistricts.id', 'notices.subdistrict_id')
    .leftJoin('projects', 'projects.id', 'notices.project_id')
    .where('notices.published_at', 'is not', null);
  if (f.subdistrict) q = q.where('subdistricts.code', '=', f.subdistrict);
  if (f.kind) q = q.where('notices.kind', '=', f.kind);
  if (f.project) q = q.where('projects.code', '=', f.project);
  if (f.q) {
    // notices whose title matches, and the notices of matching projects: two index lookups (migrations 0077, 0068)
    const text = f.q;
    const like = containsPattern(text);
    q = q.where('notices.id', 'in', (eb) =>
      eb
        .selectFrom('notices as nt')
        .select('nt.id')
        .where(sql`gz_search_grams(nt.title)`, '@>', sql<string[]>`gz_search_key(${text})`)
        .where('nt.title', 'ilike', like)
        .unionAll(eb.selectFrom('notices as np').select('np.id').where('np.project_id', 'in', projectIdsMatchingText(eb, text))),
    );
  }
  return q;
}

/** One page of published notices, newest first. */
export async function listNotices(db: DB, f: NoticeFilters, limit = 100, offset = 0) {
  return filtered(db, f)
    .select([
      'notices.id',
      'notices.kind',
      'notices.title',
      'notices.published_at',
      'subdistricts.name as subdistrict_name',
      'subdistricts.name_en as subdistrict_name_en',
      'projects.code as project_code',
    ])
    .orderBy('notices.published_at', 'desc')
    .orderBy('notices.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countNotices(db: DB, f: NoticeFilters): Promise<number> {
  const row = await filtered(db, f)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function noticeById(db: DB, id: number) {
  return db
    .selectFrom('notices')
    .innerJoin('subdistricts', 'subdistricts.id', 'notices.subdistrict_id')
    .leftJoin('projects', 'projects.id', 'notices.project_id')
    .where('notices.id', '=', id)
    .where('notices.published_at', 'is not', null)
    .select([
      'notices.id',
      'notices.kind',
      'notices.title',
      'notices.body',
      'notices.published_at',
      'subdistricts.code as subdistrict_code',
      'subdistricts.name as subdistrict_name',
      'subdistricts.name_en as subdistrict_name_en',
      'projects.code as project_code',
      'projects.title as project_title',
      'projects.title_en as project_title_en',
    ])
    .executeTakeFirst();
}

export const NOTICE_KINDS = ['publicity', 'plan', 'construction', 'acceptance', 'other'] as const;
