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
 * (Asia/Shanghai), added up by the database (one pass over the projects for their stages, the few rated ones for the rest): each rating as its
 * latest version given before the month ended (every goal rating counts once); published
 * projects and the stage each had reached on the month's last day (its stage events; a project
 * without any counts its stage); households on the rating rolls opened before the month ended,
 * and of them those that rated. While the month lasts (its end after `now`), every version ever
 * given was given before its end, so the current ratings are the latest versions: their sums
 * are read from the counts the database keeps per project (rating_tallies, migration 0048)
 * instead of from every revision.
 */
export async function rankingInputs(db: DB, month: string, now = new Date(), districtId: number | null = null): Promise<SubdistrictInput[]> {
  const { end, lastDay } = monthBounds(month);
  const rated =
    end > now
      ? sql`select t.project_id, t.responses,
              (select sum(c::bigint * ((i - 1) % 5 + 1)) from unnest(t.counts) with ordinality as u(c, i)) as rating_sum
            from rating_tallies t`
      : sql`select l.project_id, count(*) as responses, sum(l.total) as rating_sum
            from (select distinct on (rv.rating_id) rv.rating_id, r.project_id,
                    rv.g1 + rv.g2 + rv.g3 + rv.g4 + rv.g5 + rv.g6 + rv.g7 + rv.g8 + rv.g9 + rv.g10 as total
                  from rating_revisions rv join ratings r on r.id = rv.rating_id
                  where rv.at < ${end}
                  order by rv.rating_id, rv.version desc) l
            group by l.project_id`;
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
    with st as (
      select p.subdistrict_id, count(x.stage) as projects, sum(x.stage) as stage_sum
      from projects p
      left join (select project_id, max(stage) filter (where entered_on <= ${lastDay}::date) as stage_then
                 from stage_events group by project_id) se on se.project_id = p.id
      cross join lateral (select case when p.published_at is not null and p.published_at < ${end}
                                      then coalesce(se.stage_then, case when se.project_id is null then p.stage end) end as stage) x
      group by p.subdistrict_id
    ),
    rated as (${rated}),
    rt as (
      select p.subdistrict_id, sum(r.rating_sum) as rating_sum, sum(r.responses) as responses,
        sum(case when rr.opened_at < ${end} then r.responses end) as roll_responses
      from rated r join projects p on p.id = r.project_id left join rating_rolls rr on rr.project_id = r.project_id
      group by p.subdistrict_id
    ),
    hh as (
      select p.subdistrict_id, sum(rr.households) as households
      from rating_rolls rr join projects p on p.id = rr.project_id
      where rr.opened_at < ${end}
      group by p.subdistrict_id
    )
    select s.code, s.name, s.name_en,
      coalesce(rt.rating_sum, 0) as rating_sum, coalesce(10 * rt.responses, 0) as rating_count,
      coalesce(st.projects, 0) as projects, coalesce(st.stage_sum, 0) as stage_sum,
      coalesce(hh.households, 0) as households, coalesce(rt.roll_responses, 0) as responses
    from subdistricts s
    left join st on st.subdistrict_id = s.id
    left join rt on rt.subdistrict_id = s.id
    left join hh on hh.subdistrict_id = s.id
    where ${districtId}::int is null or s.district_id = ${districtId}::int
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

/** The ranking of a district's subdistricts for a month (null: every subdistrict, when there is one district). */
export async function ranking(db: DB, month: string, districtId: number | null = null): Promise<Ranking & { month: string }> {
  return { month, ...rankSubdistricts(await rankingInputs(db, month, new Date(), districtId)) };
}
