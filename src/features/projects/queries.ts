import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import { receivedPledgeFenSql } from '../costshare/queries/money.ts';
import type { Database } from '../../lib/db/schema.ts';
import { containsPattern, type ProjectFilters } from './filters.ts';
import type { Stage } from './stages.ts';

type DB = Kysely<Database>;

/** Published projects matching the filters; drafts never leave the office. */
export function filtered(db: DB, f: ProjectFilters): SelectQueryBuilder<Database, 'projects' | 'subdistricts', {}> {
  let q = db.selectFrom('projects').innerJoin('subdistricts', 'subdistricts.id', 'projects.subdistrict_id').where('projects.published_at', 'is not', null);
  if (f.subdistrict) q = q.where('subdistricts.code', '=', f.subdistrict);
  if (f.stage) q = q.where('projects.stage', '=', f.stage as never);
  if (f.year) q = q.where('projects.batch_year', '=', f.year);
  if (f.category) {
    const prefix = `${f.category}.%`;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('scope_items')
          .select(sql`1`.as('one'))
          .whereRef('scope_items.project_id', '=', 'projects.id')
          .where('scope_items.code', 'like', prefix),
      ),
    );
  }
  if (f.q) q = q.where((eb) => matchesText(eb, f.q!)) as typeof q;
  return q as never;
}

/**
 * Whether a project matches a resident's search: part of one of its estates' names
 * (Chinese or English) or addresses, or of its code or title. Case-insensitive.
 * The ids come from two lookups of the gram indexes (migration 0077: every pair of characters
 * of the query must be in the row), each row then checked with `ilike`; at 250,000 projects
 * that reads the matching rows instead of every project and estate.
 */
export function matchesText(eb: ExpressionBuilder<Database, 'projects'>, text: string) {
  return eb('projects.id', 'in', projectIdsMatchingText(eb, text));
}

/** The ids of the projects (published or not) a search matches, as `matchesText` finds them: for a subquery. */
export function projectIdsMatchingText(eb: ExpressionBuilder<Database, any>, text: string) {
  const like = containsPattern(text);
  const key = sql<string[]>`gz_search_key(${text})`;
  // One or two characters: holding that pair (or character) is the match itself, as the parts are
  // joined by a line break the query lacks, so no ilike, whose guess (a few rows) would hide from
  // the planner that a common pair (建设) matches tens of thousands.
  const recheck = [...text].length > 2 || text.includes('\n');
  return eb
    .selectFrom('projects as sp')
    .select('sp.id')
    .where(sql`gz_search_grams(sp.code, sp.title, sp.title_en)`, '@>', key)
    .$if(recheck, (qb) => qb.where((e) => e.or([e('sp.code', 'ilike', like), e('sp.title', 'ilike', like), e('sp.title_en', 'ilike', like)])))
    .unionAll(
      eb
        .selectFrom('estates')
        .innerJoin('project_estates', 'project_estates.estate_id', 'estates.id')
        .select('project_estates.project_id as id')
        .where(sql`gz_search_grams(estates.name, estates.name_en, estates.address)`, '@>', key)
        .$if(recheck, (qb) =>
          qb.where((e) => e.or([e('estates.name', 'ilike', like), e('estates.name_en', 'ilike', like), e('estates.address', 'ilike', like)])),
        ),
    );
}

export interface ProjectListItem {
  id: number;
  code: string;
  title: string;
  titleEn: string | null;
  stage: Stage;
  batchYear: number;
  households: number;
  subdistrictCode: string;
  subdistrictName: string;
  subdistrictNameEn: string;
  lat: number | null;
  lng: number | null;
  totalFen: number;
  /** money donations received (the records' sum), against the 社会捐助 line */
  donationsReceivedFen: number;
  /** residents' pledges paid, less refunds: received against 居民合理分摊 */
  residentsReceivedFen: number;
}

type Filtered = ReturnType<typeof filtered>;

/** A project's position on one axis: the mean of its estates' (null without an estate); for any select over `projects`. */
export function estateMean(axis: 'lat' | 'lng') {
  return sql<number>`(select avg(${sql.ref(`estates.${axis}`)}) from project_estates join estates on estates.id = project_estates.estate_id
    where project_estates.project_id = projects.id)`.as(axis);
}

/** The list's columns on a filtered query (one row per project). */
export function withListColumns(q: Filtered) {
  return q.select((eb) => [
    'projects.id',
    'projects.code',
    'projects.title',
    'projects.title_en',
    'projects.stage',
    'projects.batch_year',
    'projects.households_benefiting',
    'subdistricts.code as subdistrict_code',
    'subdistricts.name as subdistrict_name',
    'subdistricts.name_en as subdistrict_name_en',
    estateMean('lat'),
    estateMean('lng'),
    eb
      .selectFrom('budget_lines')
      .whereRef('budget_lines.project_id', '=', 'projects.id')
      .select(sql<string>`coalesce(sum(amount_fen), 0)`.as('v'))
      .as('total_fen'),
    eb
      .selectFrom('donations')
      .whereRef('donations.project_id', '=', 'projects.id')
      .where('donations.status', '=', 'received')
      .where('donations.kind', '=', 'money')
      .select(sql<string>`coalesce(sum(amount_fen), 0)`.as('v'))
      .as('donations_fen'),
    receivedPledgeFenSql.as('residents_fen'),
  ]);
}

type ListRow = Awaited<ReturnType<ReturnType<typeof withListColumns>['execute']>>[number];

export function toListItem(r: ListRow): ProjectListItem {
  return {
    id: r.id,
    code: r.code,
    title: r.title,
    titleEn: r.title_en,
    stage: r.stage,
    batchYear: r.batch_year,
    households: r.households_benefiting,
    subdistrictCode: r.subdistrict_code,
    subdistrictName: r.subdistrict_name,
    subdistrictNameEn: r.subdistrict_name_en,
    lat: r.lat === null ? null : Number(r.lat),
    lng: r.lng === null ? null : Number(r.lng),
    totalFen: Number(r.total_fen ?? 0),
    donationsReceivedFen: Number(r.donations_fen ?? 0),
    residentsReceivedFen: Number(r.residents_fen ?? 0),
  };
}

/** Published projects in the list's order (newest batch first, then by code); the paged list is `projectPage` (paging.ts). */
export async function listProjects(db: DB, f: ProjectFilters, limit = 200, offset = 0): Promise<ProjectListItem[]> {
  const rows = await withListColumns(filtered(db, f)).orderBy('projects.batch_year', 'desc').orderBy('projects.code').limit(limit).offset(offset).execute();
  return rows.map(toListItem);
}

export async function countProjects(db: DB, f: ProjectFilters): Promise<number> {
  const row = await filtered(db, f)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Headline figures: projects, households, investment by channel, for the same filters. */
export async function headlineFigures(db: DB, f: ProjectFilters) {
  const totals = await filtered(db, f)
    .select((eb) => [eb.fn.countAll<string>().as('projects'), sql<string>`coalesce(sum(projects.households_benefiting), 0)`.as('households')])
    .executeTakeFirstOrThrow();
  const ids = filtered(db, f).select('projects.id');
  const channels = await db
    .selectFrom('budget_lines')
    .where('budget_lines.project_id', 'in', ids)
    .groupBy('channel')
    .select(['channel', sql<string>`sum(amount_fen)`.as('amount')])
    .execute();
  return {
    projects: Number(totals.projects),
    households: Number(totals.households),
    byChannel: channels.map((c) => ({ channel: c.channel, amountFen: Number(c.amount) })),
  };
}

/** Compact rows for the map: code, title, stage and a point per project. */
export async function mapPoints(db: DB, f: ProjectFilters) {
  const rows = await filtered(db, f)
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('project_estates')
          .innerJoin('estates', 'estates.id', 'project_estates.estate_id')
          .groupBy('project_estates.project_id')
          .select(['project_estates.project_id', sql<number>`avg(estates.lat)`.as('lat'), sql<number>`avg(estates.lng)`.as('lng')])
          .as('pt'),
      (join) => join.onRef('pt.project_id', '=', 'projects.id'),
    )
    .select(['projects.code', 'projects.title', 'projects.title_en', 'projects.stage', 'pt.lat', 'pt.lng'])
    .orderBy('projects.code')
    .execute();
  return rows.map((r) => ({ code: r.code, title: r.title, titleEn: r.title_en, stage: r.stage, lat: Number(r.lat), lng: Number(r.lng) }));
}

/** The ids of the published projects matching the filters (the list's and the map's), ascending: the clustered map's filtered views. */
export async function projectIdsMatching(db: DB, f: ProjectFilters): Promise<number[]> {
  const rows = await filtered(db, f).select('projects.id').orderBy('projects.id').execute();
  return rows.map((r) => r.id);
}

/**
 * The batch years of published projects, newest first. A skip scan: one probe of the year
 * index (migration 0063) per year, instead of reading every project (280 ms at 250,000).
 */
export async function batchYears(db: DB): Promise<number[]> {
  const { rows } = await sql<{ y: number }>`
    with recursive years(y) as (
      (select batch_year from projects where published_at is not null order by batch_year desc limit 1)
      union all
      select (select p.batch_year from projects p where p.published_at is not null and p.batch_year < years.y order by p.batch_year desc limit 1)
      from years where years.y is not null
    )
    select y from years where y is not null`.execute(db);
  return rows.map((r) => Number(r.y));
}

/** The name of one estate of a published project (the search box's example), in the page's language where given, or ''. */
export async function sampleEstateName(db: DB, lang: 'zh' | 'en'): Promise<string> {
  const row = await db
    .selectFrom('estates')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('project_estates')
          .innerJoin('projects', 'projects.id', 'project_estates.project_id')
          .select(sql`1`.as('one'))
          .whereRef('project_estates.estate_id', '=', 'estates.id')
          .where('projects.published_at', 'is not', null),
      ),
    )
    .select(['name', 'name_en'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return (lang === 'en' && row?.name_en) || row?.name || '';
}
