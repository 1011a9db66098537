import { sql, type Kysely } from 'kysely';

// Frozen once landed. More than one district: province → city → district above the
// subdistricts (DOMAIN.md's 街道).
// - `provinces`, `cities`, `districts`: named by their GB/T 2260 administrative division
//   code (6 digits); a district also has the short prefix its project codes carry (湛河区:
//   410411, 'ZH', so the demo's codes stay ZH-…).
// - Every subdistrict belongs to one district (`subdistricts.district_id`, NOT NULL, no
//   default: an insert must say which). Rows that existed before this migration were
//   Zhanhe's (河南省 平顶山市 湛河区); that district is created only when there are such rows
//   (or a district admin), so a fresh database holds no district until one is made.
// - `projects.district_id` is its subdistrict's district (composite key to
//   subdistricts (id, district_id)); an insert that leaves it out has it filled from the
//   subdistrict. Its code must start with the district's prefix and a dash
//   (gz_project_district, on insert and on every change of code, subdistrict or district).
// - `users.district_id`: the district a district admin administers (required for that role,
//   empty for every other; staff belong to their subdistrict's district). Existing district
//   admins go to Zhanhe. A new role, `province_admin`, reads everything and manages districts.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('provinces')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`code ~ '^[0-9]{6}$'`),
    )
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 50`))
    .addColumn('name_en', 'text', (c) => c.notNull().check(sql`length(name_en) between 1 and 100`))
    .execute();
  await db.schema
    .createTable('cities')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('province_id', 'integer', (c) => c.notNull().references('provinces.id'))
    .addColumn('code', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`code ~ '^[0-9]{6}$'`),
    )
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 50`))
    .addColumn('name_en', 'text', (c) => c.notNull().check(sql`length(name_en) between 1 and 100`))
    .execute();
  await db.schema
    .createTable('districts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('city_id', 'integer', (c) => c.notNull().references('cities.id'))
    .addColumn('code', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`code ~ '^[0-9]{6}$'`),
    )
    .addColumn('code_prefix', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`code_prefix ~ '^[A-Z]{2,6}$'`),
    )
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 50`))
    .addColumn('name_en', 'text', (c) => c.notNull().check(sql`length(name_en) between 1 and 100`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('cities_province_idx').on('cities').column('province_id').execute();
  await db.schema.createIndex('districts_city_idx').on('districts').column('city_id').execute();

  // the rows of before: Zhanhe's
  await sql`
    insert into provinces (code, name, name_en)
    select '410000', '河南省', 'Henan Province'
    where exists (select 1 from subdistricts) or exists (select 1 from users where role = 'district_admin')`.execute(db);
  await sql`
    insert into cities (province_id, code, name, name_en)
    select id, '410400', '平顶山市', 'Pingdingshan' from provinces where code = '410000'`.execute(db);
  await sql`
    insert into districts (city_id, code, code_prefix, name, name_en)
    select id, '410411', 'ZH', '湛河区', 'Zhanhe District' from cities where code = '410400'`.execute(db);

  await db.schema
    .alterTable('subdistricts')
    .addColumn('district_id', 'integer', (c) => c.references('districts.id'))
    .execute();
  await sql`update subdistricts set district_id = (select id from districts where code = '410411')`.execute(db);
  await sql`alter table subdistricts alter column district_id set not null`.execute(db);
  await sql`alter table subdistricts add constraint subdistricts_id_district_uq unique (id, district_id)`.execute(db);
  await db.schema.createIndex('subdistricts_district_idx').on('subdistricts').column('district_id').execute();

  await db.schema.alterTable('projects').addColumn('district_id', 'integer').execute();
  await sql`update projects p set district_id = s.district_id from subdistricts s where s.id = p.subdistrict_id`.execute(db);
  await sql`alter table projects alter column district_id set not null`.execute(db);
  await sql`
    alter table projects add constraint projects_subdistrict_district_fk
    foreign key (subdistrict_id, district_id) references subdistricts (id, district_id)`.execute(db);
  await db.schema.createIndex('projects_district_idx').on('projects').column('district_id').execute();
  await sql`
    create function gz_project_district() returns trigger language plpgsql as $$
    declare
      prefix text;
    begin
      if TG_OP = 'INSERT' and NEW.district_id is null then
        select s.district_id into NEW.district_id from subdistricts s where s.id = NEW.subdistrict_id;
      end if;
      select d.code_prefix into prefix from districts d where d.id = NEW.district_id;
      if prefix is null or left(NEW.code, length(prefix) + 1) <> prefix || '-' then
        raise exception 'project code % does not carry its district''s prefix %', NEW.code, coalesce(prefix, '?')
          using errcode = '23514', constraint = 'projects_code_district_prefix';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`
    create trigger gz_project_district before insert or update of code, subdistrict_id, district_id on projects
    for each row execute function gz_project_district()`.execute(db);
  const wrong = await sql<{ n: number }>`
    select count(*)::int as n from projects p join districts d on d.id = p.district_id
    where left(p.code, length(d.code_prefix) + 1) <> d.code_prefix || '-'`.execute(db);
  if ((wrong.rows[0]?.n ?? 0) > 0) throw new Error(`${wrong.rows[0]!.n} project codes do not start with their district's prefix`);

  await sql`alter table users drop constraint users_role_check`.execute(db);
  await sql`alter table users add constraint users_role_check check (role in ('resident', 'staff', 'district_admin', 'province_admin'))`.execute(db);
  await db.schema
    .alterTable('users')
    .addColumn('district_id', 'integer', (c) => c.references('districts.id'))
    .execute();
  await sql`update users set district_id = (select id from districts where code = '410411') where role = 'district_admin'`.execute(db);
  await sql`alter table users add constraint users_district_scope check ((role = 'district_admin') = (district_id is not null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop constraint users_district_scope`.execute(db);
  await db.schema.alterTable('users').dropColumn('district_id').execute();
  await sql`alter table users drop constraint users_role_check`.execute(db);
  await sql`alter table users add constraint users_role_check check (role in ('resident', 'staff', 'district_admin'))`.execute(db);
  await sql`drop trigger gz_project_district on projects`.execute(db);
  await sql`drop function gz_project_district()`.execute(db);
  await db.schema.alterTable('projects').dropColumn('district_id').execute();
  await db.schema.alterTable('subdistricts').dropColumn('district_id').execute();
  await db.schema.dropTable('districts').execute();
  await db.schema.dropTable('cities').execute();
  await db.schema.dropTable('provinces').execute();
}
