import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { FIGURE_KEYS, type FigureKey } from '../core/figures.ts';

type DB = Kysely<Database>;

// The monthly report (每月工作例会): ONE statement adds up, per subdistrict and month and for
// the district, what the audit-safe records say happened. Every output (the page, the XLSX,
// the CSV, the charts of /admin) reads these figures and nothing else. Months run from
// 00:00 Asia/Shanghai of the first day to 00:00 of the next month's first day; date columns
// (stage entries, payments, refunds, receipts) are China Standard Time days already.

/** The current month in Asia/Shanghai, YYYY-MM. */
export const currentMonth = (now = new Date()): string => new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);

/** A month YYYY-MM between 2000-01 and 2999-12, or null. */
export function parseMonth(v: string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return /^2\d{3}-(0[1-9]|1[0-2])$/.test(v) ? v : null;
}

/** The month `delta` months after `month` (negative: before). */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const n = y * 12 + (m - 1) + delta;
  return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
}

/** Every month from `from` to `to`, both included, oldest first. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** 00:00 Asia/Shanghai of a month's first day. */
export const monthStart = (month: string): Date => new Date(`${month}-01T00:00:00+08:00`);

export type Figures = Record<FigureKey, number>;
/**
 * Whose figures: one subdistrict; a district (a column per subdistrict and the district's
 * total); or the province's roll-up (a column per district, by its GB/T 2260 code, and the total).
 */
export type ReportArea = { kind: 'subdistrict'; id: number } | { kind: 'district'; id: number } | { kind: 'province' };

/** One column of the report: a subdistrict or district (its code) or the total (code null). */
export interface ReportColumn {
  code: string | null;
  name: string;
  nameEn: string;
  /** figures by month YYYY-MM, every month of the range present */
  months: Map<string, Figures>;
}

const zero = (): Figures => Object.fromEntries(FIGURE_KEYS.map((k) => [k, 0])) as Figures;

/**
 * The figures of every month from `from` to `to` (inclusive): for one subdistrict (its id), or
 * for the district (null): then a column per subdistrict and the district total first. The
 * sums, the month boundaries and the rules (what counts as started, passed, paid) are the
 * database's; this function only files the rows it returns.
 */
export async function monthlyFigures(db: DB, range: { from: string; to: string }, area: ReportArea): Promise<ReportColumn[]> {
  const subdistrictId = area.kind === 'subdistrict' ? area.id : null;
  const districtId = area.kind === 'district' ? area.id : null;
  // the province's columns are its districts; every other report's its subdistricts
  const unit = area.kind === 'province' ? sql`d.code` : sql`s.code`;
  const months = monthsBetween(range.from, range.to);
  const startDate = `${range.from}-01`;
  const start = monthStart(range.from);
  const end = monthStart(addMonths(range.to, 1));
  const endDate = `${addMonths(range.to, 1)}-01`;
  const firstEnd = monthStart(addMonths(range.from, 1));
  const statement = sql<{ code: string | null; month: string; key: string; value: string | number }>`
    with months (month, end_date, end_ts) as (
      -- a list, not generate_series: the planner then knows how many months there are
      values ${sql.join(months.map((m) => sql`(${m}, ${`${addMonths(m, 1)}-01`}::date, ${monthStart(addMonths(m, 1))}::timestamptz)`))}
    ),
    proj as (
      select id, subdistrict_id, published_at from projects
      where published_at is not null and published_at < ${end} and (${subdistrictId}::int is null or subdistrict_id = ${subdistrictId}::int)
        and (${districtId}::int is null or district_id = ${districtId}::int)
    ),
    -- The budget as it stood at each month's end: today's lines of the projects published by
    -- then, less what every later edit added (the history rows the database wrote for each
    -- change of a published project). An office edits a line's amount, or adds or deletes a
    -- line; a line never changes channel.
    budget_now as (
      select proj.subdistrict_id, bl.channel, to_char(proj.published_at at time zone 'Asia/Shanghai', 'YYYY-MM') as published_in,
        sum(bl.amount_fen)::bigint as amount
      from budget_lines bl join proj on proj.id = bl.project_id
      group by 1, 2, 3
    ),
    bh as materialized (
      select dh.entity_id, dh.field, dh.old_value, dh.new_value, proj.subdistrict_id,
        to_char(proj.published_at at time zone 'Asia/Shanghai', 'YYYY-MM') as published_in,
        to_char(dh.changed_at at time zone 'Asia/Shanghai', 'YYYY-MM') as changed_in
      from disclosure_history dh join proj on proj.id = dh.project_id
      where dh.entity = 'budget_line' and dh.field in ('created', 'deleted', 'amount_fen') and dh.changed_at >= ${firstEnd}
    ),
    budget_edits as (
      select h.subdistrict_id, h.published_in, h.changed_in, coalesce(bl.channel, h.recorded_channel) as channel,
        sum(case h.field when 'created' then (h.new_value::jsonb ->> 'amount_fen')::bigint
                         when 'deleted' then -(h.old_value::jsonb ->> 'amount_fen')::bigint
                         else h.new_value::bigint - h.old_value::bigint end) as delta
      from (
        -- a deleted line's channel is in its 'deleted' (or 'created') row
        select bh.*, max(case when bh.field = 'amount_fen' then null else coalesce(bh.new_value, bh.old_value)::jsonb ->> 'channel' end)
                       over (partition by bh.entity_id) as recorded_channel
        from bh
      ) h
      left join budget_lines bl on bl.id = h.entity_id
      group by 1, 2, 3, 4
    ),
    ballot_matter as (
      select b.id as ballot_id, b.subdistrict_id, to_char(b.closed_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, m.kind,
        (select count(*) from ballot_voters v where v.ballot_id = b.id) as eo,
        (select coalesce(sum(v.area_cm2), 0) from ballot_voters v where v.ballot_id = b.id) as ea,
        count(c.voter_id) as po, coalesce(sum(v.area_cm2), 0) as pa,
        count(c.voter_id) filter (where c.choice = 'agree') as ao, coalesce(sum(v.area_cm2) filter (where c.choice = 'agree'), 0) as aa
      from ballots b
      join ballot_matters m on m.ballot_id = b.id
      left join ballot_choices c on c.ballot_id = b.id and c.matter_id = m.id
      left join ballot_voters v on v.id = c.voter_id
      where b.status = 'closed' and b.closed_at >= ${start} and b.closed_at < ${end}
        and (${subdistrictId}::int is null or b.subdistrict_id = ${subdistrictId}::int)
        and (${districtId}::int is null or b.subdistrict_id in (select id from subdistricts where district_id = ${districtId}::int))
      group by b.id, b.subdistrict_id, b.closed_at, m.id, m.kind
    ),
    -- Civil Code Art. 278: 2/3 of area and owners take part; major matters 3/4 of the
    -- participating area and owners agree, ordinary ones more than half of both
    ballot_outcome as (
      select *, (eo > 0 and po > 0 and 3 * pa >= 2 * ea and 3 * po >= 2 * eo
                 and case when kind = 'major' then 4 * aa >= 3 * pa and 4 * ao >= 3 * po else 2 * aa > pa and 2 * ao > po end) as passed
      from ballot_matter
    ),
    scheme_money as (
      select proj.subdistrict_id, cp.paid_on as day, cp.amount_fen::bigint as amount
      from cost_payments cp join cost_pledges pl on pl.id = cp.pledge_id join cost_schemes s on s.id = pl.scheme_id join proj on proj.id = s.project_id
      where cp.paid_on < ${endDate}::date
      union all
      select proj.subdistrict_id, r.refunded_on, -r.amount_fen::bigint
      from cost_refunds r join cost_payments cp on cp.id = r.payment_id join cost_pledges pl on pl.id = cp.pledge_id
        join cost_schemes s on s.id = pl.scheme_id join proj on proj.id = s.project_id
      where r.refunded_on < ${endDate}::date
    ),
    gifts as (
      select proj.subdistrict_id, d.received_on as day, d.amount_fen::bigint as amount
      from donations d join proj on proj.id = d.project_id
      where d.status = 'received' and d.kind = 'money' and d.received_on < ${endDate}::date
    ),
    facts (subdistrict_id, month, key, value) as (
      select proj.subdistrict_id, to_char(se.entered_on, 'YYYY-MM'), 'stage.' || se.stage, count(*)
      from stage_events se join proj on proj.id = se.project_id
      where se.entered_on >= ${startDate}::date and se.entered_on < ${endDate}::date
      group by 1, 2, 3
      union all
      select proj.subdistrict_id, to_char(se.entered_on, 'YYYY-MM'), case se.stage when 3 then 'projects.started' else 'projects.finished' end,
        count(distinct se.project_id)
      from stage_events se join proj on proj.id = se.project_id
      where se.stage in (3, 4) and se.entered_on >= ${startDate}::date and se.entered_on < ${endDate}::date
      group by 1, 2, 3
      union all
      select b.subdistrict_id, mo.month, 'budget.' || b.channel, sum(b.amount)
      from budget_now b join months mo on b.published_in <= mo.month
      group by 1, 2, 3
      union all
      select e.subdistrict_id, mo.month, 'budget.' || e.channel, -sum(e.delta)
      from budget_edits e join months mo on e.published_in <= mo.month and e.changed_in > mo.month
      group by 1, 2, 3
      union all
      select m.subdistrict_id, to_char(m.day, 'YYYY-MM'), case when m.amount >= 0 then 'money.residentsPaid' else 'money.residentsRefunded' end, sum(abs(m.amount))
      from scheme_money m where m.day >= ${startDate}::date
      group by 1, 2, 3
      union all
      select m.subdistrict_id, mo.month, 'money.residentsToDate', sum(m.amount)
      from scheme_money m join months mo on m.day < mo.end_date
      group by 1, 2
      union all
      select g.subdistrict_id, to_char(g.day, 'YYYY-MM'), 'money.donorsPaid', sum(g.amount)
      from gifts g where g.day >= ${startDate}::date
      group by 1, 2
      union all
      select g.subdistrict_id, mo.month, 'money.donorsToDate', sum(g.amount)
      from gifts g join months mo on g.day < mo.end_date
      group by 1, 2
      union all
      select subdistrict_id, month, 'votes.held', count(distinct ballot_id) from ballot_outcome group by 1, 2
      union all
      select subdistrict_id, month, 'votes.matters', count(*) from ballot_outcome group by 1, 2
      union all
      select subdistrict_id, month, 'votes.passed', count(*) filter (where passed) from ballot_outcome group by 1, 2
      union all
      select subdistrict_id, month, 'votes.noDecision', count(*) filter (where not passed) from ballot_outcome group by 1, 2
      union all
      select proj.subdistrict_id, to_char(c.opened_at at time zone 'Asia/Shanghai', 'YYYY-MM'), 'consultations.opened', count(*)
      from consultations c join proj on proj.id = c.project_id
      where c.opened_at >= ${start} and c.opened_at < ${end}
      group by 1, 2
      union all
      select proj.subdistrict_id, to_char(c.closed_at at time zone 'Asia/Shanghai', 'YYYY-MM'), 'consultations.closed', count(*)
      from consultations c join proj on proj.id = c.project_id
      where c.closed_at >= ${start} and c.closed_at < ${end}
      group by 1, 2
      union all
      select proj.subdistrict_id, to_char(cc.created_at at time zone 'Asia/Shanghai', 'YYYY-MM'), 'consultations.comments', count(*)
      from consultation_comments cc join consultations c on c.id = cc.consultation_id join proj on proj.id = c.project_id
      where cc.created_at >= ${start} and cc.created_at < ${end}
      group by 1, 2
      union all
      select proj.subdistrict_id, to_char(o.disposed_at at time zone 'Asia/Shanghai', 'YYYY-MM'), 'consultations.answered', count(*)
      from consultation_opinions o join consultations c on c.id = o.consultation_id join proj on proj.id = c.project_id
      where o.disposed_at >= ${start} and o.disposed_at < ${end}
      group by 1, 2
      union all
      select proj.subdistrict_id, to_char(pl.pledged_at at time zone 'Asia/Shanghai', 'YYYY-MM'), k.key, case k.key when 'pledges.count' then count(*) else sum(pl.amount_fen) end
      from cost_pledges pl join cost_schemes s on s.id = pl.scheme_id join proj on proj.id = s.project_id
        cross join (values ('pledges.count'), ('pledges.amount')) as k(key)
      where pl.pledged_at >= ${start} and pl.pledged_at < ${end}
      group by 1, 2, 3
      union all
      select proj.subdistrict_id, to_char(d.offered_at at time zone 'Asia/Shanghai', 'YYYY-MM'), 'donations.offered', count(*)
      from donations d join proj on proj.id = d.project_id
      where d.offered_at >= ${start} and d.offered_at < ${end}
      group by 1, 2
      union all
      select proj.subdistrict_id, to_char(d.received_on, 'YYYY-MM'), 'donations.received', count(*)
      from donations d join proj on proj.id = d.project_id
      where d.status = 'received' and d.received_on >= ${startDate}::date and d.received_on < ${endDate}::date
      group by 1, 2
      union all
      select proj.subdistrict_id, to_char(t.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM'), k.key, case k.key when 'volunteers.attended' then count(*) else sum(vs.minutes) end
      from volunteer_signups vs join volunteer_tasks t on t.id = vs.task_id join proj on proj.id = t.project_id
        cross join (values ('volunteers.attended'), ('volunteers.minutes')) as k(key)
      where vs.status = 'attended' and vs.minutes is not null and t.starts_at >= ${start} and t.starts_at < ${end}
      group by 1, 2, 3
      union all
      select proj.subdistrict_id, to_char(rv.at at time zone 'Asia/Shanghai', 'YYYY-MM'), k.key,
        case k.key when 'ratings.new' then count(*) filter (where rv.version = 1)
                    when 'ratings.revised' then count(*) filter (where rv.version > 1)
                    when 'ratings.goalCount' then 10 * count(*)
                    else sum(rv.g1 + rv.g2 + rv.g3 + rv.g4 + rv.g5 + rv.g6 + rv.g7 + rv.g8 + rv.g9 + rv.g10) end
      from rating_revisions rv join ratings r on r.id = rv.rating_id join proj on proj.id = r.project_id
        cross join (values ('ratings.new'), ('ratings.revised'), ('ratings.goalCount'), ('ratings.goalSum')) as k(key)
      where rv.at >= ${start} and rv.at < ${end}
      group by 1, 2, 3
    )
    select ${unit} as code, f.month, f.key, sum(f.value) as value
    from facts f join subdistricts s on s.id = f.subdistrict_id join districts d on d.id = s.district_id
    group by grouping sets ((${unit}, f.month, f.key), (f.month, f.key))`;
  // One statement of many small parts: compiling it to machine code (PostgreSQL's JIT, on
  // when the estimated cost is high) costs seconds and saves nothing here.
  const res = await db.transaction().execute(async (trx) => {
    await sql`set local jit = off`.execute(trx);
    return statement.execute(trx);
  });

  const subs =
    area.kind === 'province'
      ? await db.selectFrom('districts').select(['id', 'code', 'name', 'name_en']).orderBy('code').execute()
      : await db
          .selectFrom('subdistricts')
          .select(['id', 'code', 'name', 'name_en'])
          .$if(subdistrictId !== null, (q) => q.where('id', '=', subdistrictId!))
          .$if(districtId !== null, (q) => q.where('district_id', '=', districtId!))
          .orderBy('code')
          .execute();
  const column = (code: string | null, name: string, nameEn: string): ReportColumn => ({
    code,
    name,
    nameEn,
    months: new Map(months.map((m) => [m, zero()])),
  });
  const columns: ReportColumn[] = [
    ...(area.kind === 'district' ? [column(null, '全区', 'District')] : area.kind === 'province' ? [column(null, '全省', 'Province')] : []),
    ...subs.map((s) => column(s.code, s.name, s.name_en)),
  ];
  const byCode = new Map(columns.map((c) => [c.code, c]));
  const known = new Set<string>(FIGURE_KEYS);
  for (const r of res.rows) {
    // a subdistrict's report has no district row: the grouping set of all its rows is itself
    const col = byCode.get(r.code);
    if (!col || !known.has(r.key)) continue;
    const figures = col.months.get(r.month);
    if (figures) figures[r.key as FigureKey] = Number(r.value);
  }
  return columns;
}
