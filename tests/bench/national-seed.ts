// The national bench's data: a province of projects (250,000 by default) spread over Henan's
// extent, clustered around its 18 prefecture-level cities and their counties, written with
// set-based SQL (generate_series, one INSERT … SELECT a table) in one transaction. Every
// project has what a project page shows (estates, stages, scope, budget lines, parties,
// documents, fees, notices, history), as db/seed/generate.ts builds them for the 10,000-project
// bench, only computed by PostgreSQL. Deterministic: the same count gives the same data.
//
// All of the SQL is in this file, table by table, so that a new column (a district above the
// subdistricts, say) is added in one place: `nat_sub.county_key` already names the county
// (city × county) each subdistrict belongs to.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { databaseFileStore } from '../../src/lib/files/database-store.ts';
import { usccCheckChar } from '../../src/features/projects/parties.ts';
import { ESTATE_STEMS, ESTATE_STEMS_EN, ESTATE_SUFFIXES, ESTATE_SUFFIXES_EN, ROADS } from '../../db/seed/zhanhe.ts';
import { sitePlanPdf, sitePlanPng } from '../../db/seed/drawings.ts';
import { rng } from '../../db/seed/random.ts';

/** Henan's extent (the box): every estate lies inside it. */
export const HENAN = { west: 110.35, south: 31.38, east: 116.65, north: 36.37 };

/** The 18 prefecture-level cities: centre and a weight (roughly their urban population), which shares out the subdistricts. */
export const CITIES: { zh: string; en: string; lat: number; lng: number; weight: number }[] = [
  { zh: '郑州', en: 'Zhengzhou', lat: 34.7466, lng: 113.6254, weight: 14 },
  { zh: '开封', en: 'Kaifeng', lat: 34.7971, lng: 114.3076, weight: 4 },
  { zh: '洛阳', en: 'Luoyang', lat: 34.6197, lng: 112.454, weight: 8 },
  { zh: '平顶山', en: 'Pingdingshan', lat: 33.7661, lng: 113.1926, weight: 5 },
  { zh: '安阳', en: 'Anyang', lat: 36.0976, lng: 114.3924, weight: 5 },
  { zh: '鹤壁', en: 'Hebi', lat: 35.7478, lng: 114.2974, weight: 2 },
  { zh: '新乡', en: 'Xinxiang', lat: 35.303, lng: 113.9268, weight: 6 },
  { zh: '焦作', en: 'Jiaozuo', lat: 35.2159, lng: 113.2418, weight: 4 },
  { zh: '濮阳', en: 'Puyang', lat: 35.7618, lng: 115.0292, weight: 3 },
  { zh: '许昌', en: 'Xuchang', lat: 34.0357, lng: 113.8523, weight: 4 },
  { zh: '漯河', en: 'Luohe', lat: 33.5815, lng: 114.0166, weight: 3 },
  { zh: '三门峡', en: 'Sanmenxia', lat: 34.7726, lng: 111.2003, weight: 2 },
  { zh: '南阳', en: 'Nanyang', lat: 32.9907, lng: 112.5283, weight: 8 },
  { zh: '商丘', en: 'Shangqiu', lat: 34.4143, lng: 115.6564, weight: 6 },
  { zh: '信阳', en: 'Xinyang', lat: 32.147, lng: 114.0913, weight: 5 },
  { zh: '周口', en: 'Zhoukou', lat: 33.626, lng: 114.6969, weight: 6 },
  { zh: '驻马店', en: 'Zhumadian', lat: 32.9803, lng: 114.0224, weight: 5 },
  { zh: '济源', en: 'Jiyuan', lat: 35.0672, lng: 112.6021, weight: 1 },
];

/** The scope items a project may have (db/seed/generate.ts): code, unit, typical quantity, cost a unit in fen, description. */
const SCOPE: [code: string, unit: string, qty: number, perUnitFen: number, description: string][] = [
  ['infrastructure.utilities.water', '米', 300, 26000, '更换老化供水管网，实行一户一表'],
  ['infrastructure.utilities.drainage', '米', 300, 26000, '雨污分流改造，疏通化粪池'],
  ['infrastructure.utilities.gas', '米', 300, 26000, '更换老旧燃气立管'],
  ['infrastructure.utilities.telecom', '米', 400, 6000, '规整通信线缆，入地或套管'],
  ['infrastructure.basic.roads', '㎡', 800, 9000, '园区道路沥青罩面，平整路面'],
  ['infrastructure.basic.lighting', '盏', 20, 180000, '新增和更换路灯、楼道声控灯'],
  ['infrastructure.basic.waterproofing', '㎡', 800, 9000, '屋面防水层翻新'],
  ['infrastructure.basic.doors_windows', '樘', 60, 85000, '更换单元门及楼道窗'],
  ['infrastructure.basic.refuse', '套', 10, 320000, '设置分类垃圾收集点'],
  ['infrastructure.function.parking', '处', 3, 2500000, '划设停车位，设置车辆道闸'],
  ['infrastructure.function.ebike_charging', '处', 3, 2500000, '建设电动车集中充电棚'],
  ['infrastructure.function.accessibility', '套', 10, 320000, '单元入口加装无障碍坡道和扶手'],
  ['infrastructure.function.notice_boards', '套', 10, 320000, '设置小区公示栏'],
  ['infrastructure.function.fire_safety', '套', 10, 320000, '配置消防器材，规整消防通道标识'],
  ['infrastructure.function.security', '套', 10, 320000, '安装视频监控和门禁系统'],
  ['infrastructure.function.signage', '套', 10, 320000, '楼栋单元标识更新'],
  // 16 infrastructure items above (index 0–15), 6 environment (16–21), 4 services (22–25), 3 management (26–28)
  ['environment.illegal_structures', '项', 1, 4000000, '拆除违章建筑'],
  ['environment.debris', '项', 1, 4000000, '清理楼道和屋顶杂物'],
  ['environment.fire_lanes', '项', 1, 4000000, '打通消防通道'],
  ['environment.ac_units', '项', 1, 4000000, '规整空调外机及冷凝水管'],
  ['environment.green_space', '㎡', 800, 9000, '补植绿化，重新规划绿地'],
  ['environment.bare_soil', '㎡', 800, 9000, '裸露土地硬化或绿化'],
  ['services.elderly', '处', 3, 2500000, '设置社区养老服务站'],
  ['services.culture', '处', 3, 2500000, '建设文化活动室'],
  ['services.courier', '处', 3, 2500000, '设置智能快递柜'],
  ['services.childcare', '处', 3, 2500000, '设置托育服务点'],
  ['management.owners_meeting', '项', 1, 4000000, '指导成立业主大会'],
  ['management.owners_committee', '项', 1, 4000000, '选举产生业主委员会'],
  ['management.property_company', '项', 1, 4000000, '公开选聘物业服务企业'],
];

const ROLES = [
  ['design', '建筑设计研究院有限公司'],
  ['construction', '建设工程有限公司'],
  ['supervision', '工程监理有限公司'],
  ['property', '物业服务有限公司'],
  ['operator', '城市运营发展有限公司'],
] as const;
const FIRMS = ['华宇', '中原', '黄河', '嵩山', '豫通', '金盾', '恒信', '宏达', '安居', '建业', '天地', '鼎盛'];
const COMMUNITY_STEMS = ['东风', '解放', '人民', '建设', '文化', '和平', '新华', '光明'];

export interface ProvinceSeed {
  projects: number;
  subdistricts: number;
  communities: number;
  estates: number;
  rows: number;
  /** seconds, step by step */
  steps: { step: string; seconds: number; rows: number }[];
}

/**
 * Seeds `projects` projects over `subdistricts` subdistricts (8 communities each) into a
 * migrated, empty PostgreSQL database. One project in eight merges a second, adjacent estate.
 */
export async function seedProvince(
  db: Kysely<Database>,
  opts: { projects?: number; subdistricts?: number; log?: (line: string) => void } = {},
): Promise<ProvinceSeed> {
  const P = opts.projects ?? 250_000;
  const S = opts.subdistricts ?? 2_500;
  const log = opts.log ?? (() => {});
  // Four drawings, shared by every project's documents (write.ts shares them beyond 100 projects).
  const store = databaseFileStore(() => db, 'public');
  const r = rng(7);
  const files = {
    png: await store.put(sitePlanPng(r)),
    pdf: await store.put(sitePlanPdf(r, 'Design drawing')),
    plan: await store.put(sitePlanPdf(r, 'Renovation plan')),
    planV2: await store.put(sitePlanPdf(r, 'Renovation plan, revised')),
  };
  // A pool of firms, per city and role, with valid unified social credit codes.
  const pr = rng(11);
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const party = { city: [] as number[], role: [] as string[], k: [] as number[], name: [] as string[], uscc: [] as string[], contact: [] as string[] };
  CITIES.forEach((c, ci) =>
    ROLES.forEach(([role, suffix]) =>
      FIRMS.forEach((firm, k) => {
        let body = '914100';
        for (let i = 0; i < 11; i++) body += alphabet[pr.int(0, alphabet.length - 1)];
        party.city.push(ci + 1);
        party.role.push(role);
        party.k.push(k);
        party.name.push(`${c.zh}市${firm}${suffix}`);
        party.uscc.push(body + usccCheckChar(body));
        party.contact.push(`${'王李张刘陈杨赵黄周吴'[pr.int(0, 9)]}${['建国', '秀英', '志强', '丽', '伟', '芳', '军', '敏', '磊', '静'][pr.int(0, 9)]}`);
      }),
    ),
  );

  const steps: ProvinceSeed['steps'] = [];
  let rows = 0;
  return await db.transaction().execute(async (trx) => {
    // As a superuser, skip every trigger (history, the per-statement version bump and the
    // foreign-key checks: the rows are right by construction); otherwise only the history.
    const su = await sql<{ su: boolean }>`select rolsuper as su from pg_roles where rolname = current_user`.execute(trx);
    if (su.rows[0]?.su) await sql`set local session_replication_role = replica`.execute(trx);
    await sql`select set_config('gongzhi.skip_history', 'on', true)`.execute(trx);
    await sql`set local work_mem = '256MB'`.execute(trx);
    const step = async (name: string, q: { execute: (db: typeof trx) => Promise<{ numAffectedRows?: bigint; rows: unknown[] }> }) => {
      const t0 = performance.now();
      const res = await q.execute(trx);
      const n = Number(res.numAffectedRows ?? res.rows.length);
      rows += n;
      const seconds = (performance.now() - t0) / 1000;
      steps.push({ step: name, seconds, rows: n });
      log(`  ${name}: ${n.toLocaleString('en')} rows in ${seconds.toFixed(1)} s`);
    };

    // u(n, salt): a uniform number in [0, 1) from a row number, the same on every run; g(): a normal one (Box–Muller).
    await sql`create function pg_temp.u(n bigint, salt int) returns double precision language sql immutable as
      $$ select (hashint8extended(n, salt) & 4503599627370495)::double precision / 4503599627370496 $$`.execute(trx);
    await sql`create function pg_temp.g(n bigint, salt int) returns double precision language sql immutable as
      $$ select sqrt(-2 * ln(greatest(pg_temp.u(n, salt), 1e-12))) * cos(2 * pi() * pg_temp.u(n, salt + 7919)) $$`.execute(trx);

    // Cities and their share of the subdistricts.
    await sql`create temp table nat_city on commit drop as
      select c.ord as city, c.zh, c.en, c.lat, c.lng,
             (sum(c.weight) over (order by c.ord) - c.weight)::float / sum(c.weight) over () as lo,
             sum(c.weight) over (order by c.ord)::float / sum(c.weight) over () as hi
      from unnest(${CITIES.map((c) => c.zh)}::text[], ${CITIES.map((c) => c.en)}::text[], ${CITIES.map((c) => c.lat)}::float8[],
                  ${CITIES.map((c) => c.lng)}::float8[], ${CITIES.map((c) => c.weight)}::int[]) with ordinality as c(zh, en, lat, lng, weight, ord)`.execute(
      trx,
    );
    // Subdistricts: 45% in the city's core (σ 0.05°), the rest in one of its eight counties, each
    // a town placed up to ±0.7° from the city (σ 0.03° around it). county_key: city × 10 + county (0: the core).
    const base = await sql<{ s: number; c: number; e: number; p: number; pa: number }>`select
        (select coalesce(max(id), 0) from subdistricts) as s, (select coalesce(max(id), 0) from communities) as c,
        (select coalesce(max(id), 0) from estates) as e, (select coalesce(max(id), 0) from projects) as p,
        (select coalesce(max(id), 0) from parties) as pa`.execute(trx);
    const b = base.rows[0]!;
    await sql`create temp table nat_sub on commit drop as
      with s as (
        select n, c.*, (n * 7 % 20) < 9 as core, 1 + (n % 8) as county
        from generate_series(1, ${S}::int) n
        join nat_city c on (n - 0.5) / ${S}::float >= c.lo and (n - 0.5) / ${S}::float < c.hi
      )
      select ${b.s}::int + n as id, n, city, zh, en,
             city * 10 + case when core then 0 else county end as county_key,
             lower(en) || '-' || lpad(n::text, 4, '0') as code,
             zh || (${ESTATE_STEMS}::text[])[1 + n % ${ESTATE_STEMS.length}] ||
               case when core then '路街道' else '镇' end || '（' || n || '）' as name,
             (${ESTATE_STEMS_EN}::text[])[1 + n % ${ESTATE_STEMS_EN.length}] || case when core then ' Road Subdistrict' else ' Town' end ||
               ' (' || n || '), ' || en as name_en,
             least(${HENAN.north - 0.01}::float8, greatest(${HENAN.south + 0.01}::float8,
               case when core then lat + pg_temp.g(n, 1) * 0.05
                    else lat + (pg_temp.u(city * 10 + county, 3) - 0.5) * 1.4 + pg_temp.g(n, 5) * 0.03 end)) as lat,
             least(${HENAN.east - 0.01}::float8, greatest(${HENAN.west + 0.01}::float8,
               case when core then lng + pg_temp.g(n, 2) * 0.05
                    else lng + (pg_temp.u(city * 10 + county, 4) - 0.5) * 1.4 + pg_temp.g(n, 6) * 0.03 end)) as lng
      from s`.execute(trx);
    // Province → cities → districts (migration 0057): Henan, its 18 cities, and a district for each
    // city's core and each of its counties (county_key), whose project-code prefix is H + the city's
    // letter + the county's (HAA-2021-000001); rows already there (the demo's Zhanhe) are kept.
    await sql`insert into provinces (code, name, name_en) values ('410000', '河南省', 'Henan') on conflict (code) do nothing`.execute(trx);
    await sql`insert into cities (province_id, code, name, name_en)
      select (select id from provinces where code = '410000'), '41' || lpad((50 + city)::text, 2, '0') || '00', zh || '市', en from nat_city
      on conflict (code) do nothing`.execute(trx);
    await sql`alter table nat_sub add column district_id integer, add column prefix text`.execute(trx);
    await sql`update nat_sub set prefix = 'H' || chr((64 + city)::int) || chr((65 + county_key % 10)::int)`.execute(trx);
    await sql`insert into districts (city_id, code, code_prefix, name, name_en)
      select distinct on (s.county_key) c.id, '41' || lpad((50 + s.city)::text, 2, '0') || lpad((1 + s.county_key % 10)::text, 2, '0'), s.prefix,
             s.zh || case when s.county_key % 10 = 0 then '市区' else '第' || s.county_key % 10 || '县' end,
             s.en || case when s.county_key % 10 = 0 then ' City' else ' County ' || s.county_key % 10 end
      from nat_sub s join cities c on c.code = '41' || lpad((50 + s.city)::text, 2, '0') || '00'
      order by s.county_key
      on conflict do nothing`.execute(trx);
    await sql`update nat_sub s set district_id = d.id from districts d where d.code_prefix = s.prefix`.execute(trx);
    await step(
      'subdistricts',
      sql`insert into subdistricts (id, code, name, name_en, lat, lng, district_id) select id, code, name, name_en, lat, lng, district_id from nat_sub`,
    );
    await step(
      'communities (8 a subdistrict)',
      sql`insert into communities (id, subdistrict_id, name, name_en)
        select ${b.c}::int + (s.n - 1) * 8 + k, s.id, (${COMMUNITY_STEMS}::text[])[k] || '社区', null
        from nat_sub s, generate_series(1, 8) k`,
    );
    // Projects: project p lies in subdistrict 1 + (p − 1) mod S. Its estate is estate p; one project
    // in eight (p mod 8 = 4) also has estate P + p / 8, 150 m away.
    await sql`create temp table nat_proj on commit drop as
      select p, ${b.p}::int + p as id, s.id as sub_id, s.n as sub_n, s.city, s.lat as slat, s.lng as slng, s.district_id, s.prefix,
             ${b.c}::int + (s.n - 1) * 8 + 1 + (p / ${S}::int) % 8 as community_id,
             2020 + p % 4 as batch_year, 1 + p % 6 as stage,
             make_date(2020 + p % 4, 3, 1 + (p * 13) % 28) as start
      from generate_series(1, ${P}::int) p join nat_sub s on s.n = 1 + (p - 1) % ${S}::int`.execute(trx);
    await sql`alter table nat_proj add primary key (p)`.execute(trx);
    await step(
      'estates',
      sql`insert into estates (id, community_id, name, name_en, address, build_year, building_count, household_count, floor_area_cm2, lat, lng, eligibility, is_demo)
        with e as (
          select p as k, p, community_id, city, slat + pg_temp.g(p, 11) * 0.012 as lat, slng + pg_temp.g(p, 12) * 0.014 as lng from nat_proj
          union all
          select ${P}::int + 1 + p / 8, p, community_id, city, slat + pg_temp.g(p, 11) * 0.012 + 0.0015, slng + pg_temp.g(p, 12) * 0.014 + 0.0015
          from nat_proj where p % 8 = 4
        ), f as (
          select e.*, 2 + (pg_temp.u(k, 13) * 11)::int as buildings, 18 + (pg_temp.u(k, 14) * 31)::int as per_building from e
        )
        select ${b.e}::int + k, community_id,
          (${ESTATE_STEMS}::text[])[1 + k % ${ESTATE_STEMS.length}] || case when k >= ${ESTATE_STEMS.length} then (k / ${ESTATE_STEMS.length} + 1) || '号' else '' end ||
            (${ESTATE_SUFFIXES}::text[])[1 + k % ${ESTATE_SUFFIXES.length}],
          (${ESTATE_STEMS_EN}::text[])[1 + k % ${ESTATE_STEMS_EN.length}] || case when k >= ${ESTATE_STEMS_EN.length} then ' No. ' || (k / ${ESTATE_STEMS_EN.length} + 1) else '' end ||
            ' ' || (${ESTATE_SUFFIXES_EN}::text[])[1 + k % ${ESTATE_SUFFIXES_EN.length}],
          (select zh from nat_city c where c.city = f.city) || '市' || (${ROADS}::text[])[1 + k % ${ROADS.length}] || (1 + k % 320) || '号',
          1978 + k % 22, buildings, buildings * per_building, buildings * per_building * (55 + k % 41) * 100,
          round(least(${HENAN.north - 0.002}::float8, greatest(${HENAN.south + 0.002}::float8, lat))::numeric, 6),
          round(least(${HENAN.east - 0.002}::float8, greatest(${HENAN.west + 0.002}::float8, lng))::numeric, 6),
          '{"builtBefore2000":true,"structurallySafe":true,"residentsWilling":true,"notShantytown":true,"notSelfBuilt":true,"notSanGongYiYe":true}'::jsonb,
          true
        from f`,
    );
    await step(
      'projects',
      sql`insert into projects (id, code, subdistrict_id, district_id, title, title_en, summary, summary_en, batch_year, stage, planned_start, planned_end,
                                households_benefiting, published_at, updated_at, is_demo)
        with x as (
          select n.*, string_agg(e.name, '、' order by e.id) as names, string_agg(e.name_en, ' and ' order by e.id) as names_en,
                 sum(e.building_count) as buildings, sum(e.household_count) as households, min(e.build_year) as built
          from nat_proj n
          join (select p, ${b.e}::int + p as eid from nat_proj
                union all select p, ${b.e}::int + ${P}::int + 1 + p / 8 from nat_proj where p % 8 = 4) pe on pe.p = n.p
          join estates e on e.id = pe.eid
          group by n.p, n.id, n.sub_id, n.sub_n, n.city, n.slat, n.slng, n.district_id, n.prefix, n.community_id, n.batch_year, n.stage, n.start
        )
        select id, prefix || '-' || batch_year || '-' || lpad(p::text, 6, '0'), sub_id, district_id,
          names || '老旧小区改造项目', 'Renovation of ' || names_en,
          '对' || names || '（建于 ' || built || ' 年）实施基础类、完善类和提升类改造，涉及 ' || buildings || ' 栋楼、' || households || ' 户。',
          'Basic, improvement and enhancement works at ' || names_en || ' (built in ' || built || '): ' || buildings || ' buildings, ' || households || ' households.',
          batch_year, stage, start, start + 420, households,
          (start::timestamp + time '09:00') at time zone 'Asia/Shanghai',
          ((start + (stage - 1) * 75)::timestamp + time '09:00') at time zone 'Asia/Shanghai',
          true
        from x`,
    );
    await step(
      'project_estates',
      sql`insert into project_estates (project_id, estate_id)
        select id, ${b.e}::int + p from nat_proj
        union all select id, ${b.e}::int + ${P}::int + 1 + p / 8 from nat_proj where p % 8 = 4`,
    );
    await step(
      'stage_events',
      sql`insert into stage_events (project_id, stage, entered_on)
        select id, s, start + (s - 1) * 75 from nat_proj, generate_series(1, stage) s`,
    );
    // 4–6 infrastructure items, 2 environment, 1 service, 1 management: 8–10 a project.
    await sql`create temp table nat_scope on commit drop as
      select i - 1 as i, code, unit, qty, per_unit, description
      from unnest(${SCOPE.map((s) => s[0])}::text[], ${SCOPE.map((s) => s[1])}::text[], ${SCOPE.map((s) => s[2])}::int[],
                  ${SCOPE.map((s) => s[3])}::bigint[], ${SCOPE.map((s) => s[4])}::text[]) with ordinality as t(code, unit, qty, per_unit, description, i)`.execute(
      trx,
    );
    await step(
      'scope_items',
      sql`insert into scope_items (project_id, code, description, quantity_x100, unit, estimated_cost_fen)
        with pick as (
          select n.id, n.p, (n.p * 5 + j) % 16 as i from nat_proj n, generate_series(0, 3 + n.p % 3) j
          union all select n.id, n.p, 16 + n.p % 6 from nat_proj n
          union all select n.id, n.p, 16 + (n.p + 3) % 6 from nat_proj n
          union all select n.id, n.p, 22 + n.p % 4 from nat_proj n
          union all select n.id, n.p, 26 + n.p % 3 from nat_proj n
        ), q as (
          select pick.id, s.*, greatest(1, round(s.qty * (0.5 + pg_temp.u(pick.p * 32 + s.i, 21))))::bigint as quantity
          from pick join nat_scope s on s.i = pick.i
        )
        select id, code, description, quantity * 100, unit, quantity * per_unit from q order by id, i`,
    );
    await step(
      'budget_lines',
      sql`insert into budget_lines (project_id, channel, amount_fen)
        with t as (select project_id, sum(estimated_cost_fen) as total from scope_items where project_id > ${b.p}::int group by project_id),
        w as (
          select t.project_id, t.total, l.ord, l.channel, l.weight
          from t join nat_proj n on n.id = t.project_id,
          lateral (values (1, 'central_provincial', 35 + n.p % 16), (2, 'city', 10 + n.p % 6), (3, 'district', 15 + n.p % 11),
                          (4, 'utilities', 3 + n.p % 6), (5, 'residents', 2 + n.p % 5),
                          (6, case when n.stage % 2 = 0 then 'donations' end, 1),
                          (7, case when n.stage >= 5 then 'original_owner_units' end, 3)) as l(ord, channel, weight)
          where l.channel is not null
        ), f as (
          select project_id, ord, channel, total, floor(total * weight / sum(weight) over (partition by project_id))::bigint as amount from w
        )
        select project_id, channel,
               amount + case when ord = 1 then total - sum(amount) over (partition by project_id) else 0 end
        from f order by project_id, ord`,
    );
    await step(
      'fee_schedules',
      sql`insert into fee_schedules (project_id, item, unit, before_fen, after_fen, subsidy_fen_per_m2_month, subsidy_months)
        select id, item, unit, before, after, subsidy, months from nat_proj,
          (values (1, '物业服务费', '元/㎡·月', 35, 80, 30, 36), (2, '停车服务费', '元/车·月', 0, 3000, 0, 0)) as f(ord, item, unit, before, after, subsidy, months)
        order by id, ord`,
    );
    await sql`create temp table nat_party on commit drop as
      select ${b.pa}::int + i::int as id, city, role, k, name, uscc, contact
      from unnest(${party.city}::int[], ${party.role}::text[], ${party.k}::int[], ${party.name}::text[], ${party.uscc}::text[], ${party.contact}::text[])
        with ordinality as t(city, role, k, name, uscc, contact, i)`.execute(trx);
    await step(
      'parties (12 firms a city and role)',
      sql`insert into parties (id, name, uscc, contact_name, contact_phone)
        select id, name, uscc, contact, '13' || lpad(((hashint4(id) & 2147483647) % 1000000000)::text, 9, '0') from nat_party`,
    );
    await step(
      'project_parties',
      sql`insert into project_parties (project_id, party_id, role)
        select n.id, pa.id, pa.role from nat_proj n
        join nat_party pa on pa.city = n.city and pa.k = (n.p * 7 + length(pa.role)) % 12
        where pa.role <> 'operator' or n.p % 7 = 3
        order by n.id`,
    );
    await step(
      'documents',
      sql`insert into documents (project_id, kind, title, file_name, storage_key, mime, size_bytes, sha256, version, published_at)
        with p as (select n.*, n.prefix || '-' || n.batch_year || '-' || lpad(n.p::text, 6, '0') as code from nat_proj n),
        d as (
          select p.id, p.code, p.stage, p.start, d.* from p,
          (values (1, 'design_drawing', '总平面图', '-site-plan.png', ${files.png.key}::text, 'image/png', ${files.png.size}::bigint, ${files.png.sha256}::text, 1, 1),
                  (2, 'design_drawing', '总平面图（PDF）', '-site-plan.pdf', ${files.pdf.key}, 'application/pdf', ${files.pdf.size}::bigint, ${files.pdf.sha256}, 1, 1),
                  (3, 'plan', '改造实施方案', '-plan.pdf', ${files.plan.key}, 'application/pdf', ${files.plan.size}::bigint, ${files.plan.sha256}, 1, 2),
                  (4, 'plan', '改造实施方案', '-plan-v2.pdf', ${files.planV2.key}, 'application/pdf', ${files.planV2.size}::bigint, ${files.planV2.sha256}, 2, 3))
            as d(ord, kind, title, suffix, key, mime, size, sha, version, from_stage)
          where p.stage >= d.from_stage
        )
        select id, kind, title, code || suffix, key, mime, size, sha, version,
               ((start + case when version = 2 then 150 when stage >= 2 then 75 else 0 end)::timestamp + time '09:00') at time zone 'Asia/Shanghai'
        from d order by id, ord`,
    );
    await step(
      'notices (one a stage up to acceptance)',
      sql`insert into notices (subdistrict_id, project_id, kind, title, body, published_at)
        with x as (
          select n.*, split_part(pr.title, '老旧小区改造项目', 1) as names, c.zh as city_zh
          from nat_proj n join projects pr on pr.id = n.id join nat_city c on c.city = n.city
        )
        select x.sub_id, x.id, k.kind, replace(k.title, '{names}', x.names),
               '各位居民：' || chr(10) || chr(10) || x.names || '已列入' || x.city_zh || '市' || x.batch_year || '年老旧小区改造计划。' || k.body ||
                 chr(10) || chr(10) || '联系电话：0371-' || (2000000 + (x.p * 37) % 3000000),
               ((x.start + (k.s - 1) * 75)::timestamp + time '09:00') at time zone 'Asia/Shanghai'
        from x, (values (1, 'publicity', '关于{names}老旧小区改造征求居民意见的公告', '现征求居民对改造内容的意见和建议，请于两周内将意见反馈至社区居委会。'),
                        (2, 'plan', '{names}改造方案公示', '改造方案现予公示，公示期 7 天，如有意见请向社区居委会反映。'),
                        (3, 'construction', '{names}改造工程施工公告', '工程即将开工，施工期间请注意安全，给您带来的不便敬请谅解。'),
                        (4, 'acceptance', '{names}改造工程竣工验收公示', '工程已完工，现将验收情况予以公示，欢迎监督。')) as k(s, kind, title, body)
        where k.s <= x.stage
        order by x.id, k.s`,
    );
    await step(
      'disclosure_history',
      sql`insert into disclosure_history (project_id, entity, field, old_value, new_value, changed_at, note)
        select id, 'project', 'stage', (s - 1)::text, s::text, ((start + (s - 1) * 75)::timestamp + time '09:00') at time zone 'Asia/Shanghai', null
        from nat_proj, generate_series(2, stage) s
        union all
        select n.id, 'budget_line', 'amount_fen', (b.amount_fen + 1000000)::text, b.amount_fen::text,
               ((n.start + 160)::timestamp + time '09:00') at time zone 'Asia/Shanghai', '根据设计变更调整居民分摊金额'
        from nat_proj n join budget_lines b on b.project_id = n.id and b.channel = 'residents'
        where n.stage >= 3`,
    );
    await step(
      'subdistrict notices',
      sql`insert into notices (subdistrict_id, project_id, kind, title, body, published_at)
        select id, null, 'other', name || '老旧小区改造工作联系方式',
               name || '老旧小区改造工作专班已成立。居民对改造工作有意见建议的，可到街道办事处或所在社区居委会反映。', timestamptz '2020-06-01 09:00+08'
        from nat_sub`,
    );
    for (const t of ['subdistricts', 'communities', 'estates', 'projects', 'parties'])
      await sql`select setval(pg_get_serial_sequence(${t}, 'id'), (select max(id) from ${sql.table(t)}))`.execute(trx);
    // the one disclosure version bump the skipped statement triggers would have made
    await sql`update disclosure_version set version = version + 1 where id = 1`.execute(trx);
    const communities = S * 8;
    const estates = P + Math.floor((P + 4) / 8);
    return { projects: P, subdistricts: S, communities, estates, rows, steps };
  });
}
