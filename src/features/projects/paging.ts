import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { ProjectFilters } from './filters.ts';
import { estateMean, filtered, toListItem, withListColumns, type ProjectListItem } from './queries.ts';

type DB = Kysely<Database>;

/** Projects on one page of the list. */
export const PAGE_SIZE = 20;

/** A page boundary in the URL: `?after=CODE` (the page after that project) or `?before=CODE`. */
export interface PageCursor {
  after?: string;
  before?: string;
}

const CODE = /^[A-Za-z0-9-]{1,60}$/;

/** The cursor of a page's URL; anything else than a project code is ignored (the first page). */
export function parseCursor(params: URLSearchParams): PageCursor {
  const after = params.get('after')?.trim();
  if (after && CODE.test(after)) return { after };
  const before = params.get('before')?.trim();
  if (before && CODE.test(before)) return { before };
  return {};
}

/** The list's position of a project: its batch year and code (the list runs newest batch first, then by code). */
export interface ListKey {
  year: number;
  code: string;
}

/**
 * The filtered list from a key on, in the list's order (`forward`) or against it, `limit` rows.
 * Keyset, never OFFSET: the row comparison on (−batch_year, code) is an index range
 * (migration 0063), so page 10,000 costs what page 1 does. With a year filter every row has
 * the same year and the code alone orders them (its own index).
 */
export function keysetQuery(db: DB, f: ProjectFilters, key: ListKey | null, forward: boolean, limit: number) {
  let q = filtered(db, f);
  const oneYear = f.year !== undefined;
  if (key) {
    const op = sql.raw(forward ? '>' : '<');
    q = q.where(
      oneYear ? sql<boolean>`projects.code ${op} ${key.code}` : sql<boolean>`(-projects.batch_year, projects.code) ${op} (${-key.year}, ${key.code})`,
    );
  }
  const dir = forward ? 'asc' : 'desc';
  const ordered = oneYear ? q.orderBy('projects.code', dir) : q.orderBy(sql`-projects.batch_year`, dir).orderBy('projects.code', dir);
  return ordered.limit(limit);
}

/** One batch of list rows after `key` (null: from the start), in the list's order: what the CSV streams. */
export async function listBatch(db: DB, f: ProjectFilters, key: ListKey | null, limit: number): Promise<ProjectListItem[]> {
  const rows = await withListColumns(keysetQuery(db, f, key, true, limit)).execute();
  return rows.map(toListItem);
}

export interface ProjectPage {
  items: ProjectListItem[];
  /** the cursor of the previous page (`?before=`), or null on the first */
  prev: string | null;
  /** the cursor of the next page (`?after=`), or null on the last */
  next: string | null;
}

async function keyOf(db: DB, code: string): Promise<ListKey | null> {
  const row = await db.selectFrom('projects').where('code', '=', code).select(['batch_year', 'code']).executeTakeFirst();
  return row ? { year: row.batch_year, code: row.code } : null;
}

async function anyBeyond(db: DB, f: ProjectFilters, key: ListKey, forward: boolean): Promise<boolean> {
  const row = await keysetQuery(db, f, key, forward, 1).select('projects.id').executeTakeFirst();
  return row !== undefined;
}

/**
 * One page of the filtered list: `size` projects after (or before) the cursor's project, and
 * the cursors of the pages either side. A cursor naming no project (or leading past either
 * end) gives the first page.
 */
export async function projectPage(db: DB, f: ProjectFilters, cursor: PageCursor, size = PAGE_SIZE): Promise<ProjectPage> {
  const code = cursor.after ?? cursor.before;
  const key = code ? await keyOf(db, code) : null;
  if (!key) return firstPage(db, f, size);
  const forward = cursor.after !== undefined;
  const rows = await withListColumns(keysetQuery(db, f, key, forward, size + 1)).execute();
  const more = rows.length > size;
  const items = rows.slice(0, size).map(toListItem);
  if (!forward) items.reverse();
  if (items.length === 0) return firstPage(db, f, size);
  const first = items[0]!;
  const last = items.at(-1)!;
  const keyFirst = { year: first.batchYear, code: first.code };
  const keyLast = { year: last.batchYear, code: last.code };
  return forward
    ? { items, prev: (await anyBeyond(db, f, keyFirst, false)) ? first.code : null, next: more ? last.code : null }
    : { items, prev: more ? first.code : null, next: (await anyBeyond(db, f, keyLast, true)) ? last.code : null };
}

async function firstPage(db: DB, f: ProjectFilters, size: number): Promise<ProjectPage> {
  const rows = await withListColumns(keysetQuery(db, f, null, true, size + 1)).execute();
  const items = rows.slice(0, size).map(toListItem);
  return { items, prev: null, next: rows.length > size ? items.at(-1)!.code : null };
}

/**
 * The map's points (as `mapPoints`: projects with at least one estate, by code) in batches:
 * `limit` projects in code order after the code `after` (null: from the first). Returns the
 * points and the last code read (null when the batch was the last).
 */
export async function mapPointsBatch(db: DB, f: ProjectFilters, after: string | null, limit: number) {
  let q = filtered(db, f);
  if (after !== null) q = q.where('projects.code', '>', after);
  const rows = await q
    .select(['projects.code', 'projects.title', 'projects.title_en', 'projects.stage', estateMean('lat'), estateMean('lng')])
    .orderBy('projects.code')
    .limit(limit)
    .execute();
  const points = rows
    .filter((r) => r.lat !== null && r.lng !== null)
    .map((r) => ({ code: r.code, title: r.title, titleEn: r.title_en, stage: r.stage, lat: Number(r.lat), lng: Number(r.lng) }));
  return { points, last: rows.length === limit ? rows.at(-1)!.code : null };
}
