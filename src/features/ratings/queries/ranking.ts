import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { rankSubdistricts, type Ranking, type SubdistrictInput } from '../core/ranking.ts';

type DB = Kysely<Database>;

/** The current month in Asia/Shanghai, YYYY-MM. */
export const currentMonth = (now = new Date()): string => new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);

/** A month YYYY-MM between 2000-01 and 2999-12, or null. */
export function parseMonth(v: string | null): string | null {
  if (v === null) return null;
  return /^2\d{3}-(0[1-9]|1[0-2])$/.test(v) ? v : null;
}

/** The first instant after a month (Asia/Shanghai), and the month's last calendar day. */
export function monthBounds(month: string): { end: Date; lastDay: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  const end = new Date(`${next}-01T00:00:00+08:00`);
  const lastDay = new Date(end.getTime() - 1 + 8 * 3_600_000).toISOString().slice(0, 10);
  return { end, lastDay };
}

/**
 * The inputs of the ranking for every subdistrict, cumulative to the end of `month`
 * (Asia/Shanghai), added up by the database: each rating as its latest version given before
 * the month ended (every goal rating counts once); published projects and the stage each had
 * reached on the month's last day (its stage events; a project without any counts its stage);
 * households on the rating rolls opened before the month ended, and of them those that rated.
 */
export async function rankingInputs(db: DB, month: string): Promise<SubdistrictInput[]> {
  const { end, lastDay } = monthBounds(month);
  const res = await sql<{
    code: string;
    name: string;
    name_en: string;
    rating_sum: string | number;
    rating_count: string | number;
    projects: string | number;
    stage_sum: string | number;
    households: string | number;
    responses: string | number;
  }>`
    with latest as (
      select distinct on (rv.rating_id) rv.rating_id, r.project_id,
        rv.g1 + rv.g2 + rv.g3 + rv.g4 + rv.g5 + rv.g6 + rv.g7 + rv.g8 + rv.g9 + rv.g10 as total
      from rating_revisions rv join ratings r on r.id = rv.rating_id
      where rv.at < ${end}
      order by rv.rating_id, rv.version desc
    ),
    proj as (
      select p.id, p.subdistrict_id,
        coalesce((select max(se.stage) from stage_events se where se.project_id = p.id and se.entered_on <= ${lastDay}::date),
                 case when exists (select 1 from stage_events se where se.project_id = p.id) then null else p.stage end) as stage
      from projects p
      where p.published_at is not null and p.published_at < ${end}
    )
    select s.code, s.name, s.name_en,
      coalesce((select sum(l.total) from latest l join projects p on p.id = l.project_id where p.subdistrict_id = s.id), 0) as rating_sum,
      coalesce((select 10 * count(*) from latest l join projects p on p.id = l.project_id where p.subdistrict_id = s.id), 0) as rating_count,
      (select count(*) from proj where proj.subdistrict_id = s.id and proj.stage is not null) as projects,
      coalesce((select sum(proj.stage) from proj where proj.subdistrict_id = s.id), 0) as stage_sum,
      coalesce((select sum(rr.households) from rating_rolls rr join projects p on p.id = rr.project_id where p.subdistrict_id = s.id and rr.opened_at < ${end}), 0) as households,
      (select count(*) from latest l join projects p on p.id = l.project_id join rating_rolls rr on rr.project_id = l.project_id
        where p.subdistrict_id = s.id and rr.opened_at < ${end}) as responses
    from subdistricts s
    order by s.code`.execute(db);
  return res.rows.map((r) => ({
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    inputs: {
      ratingSum: Number(r.rating_sum),
      ratingCount: Number(r.rating_count),
      projects: Number(r.projects),
      stageSum: Number(r.stage_sum),
      households: Number(r.households),
      responses: Number(r.responses),
    },
  }));
}

/** The ranking of the district's subdistricts for a month. */
export async function ranking(db: DB, month: string): Promise<Ranking & { month: string }> {
  return { month, ...rankSubdistricts(await rankingInputs(db, month)) };
}
