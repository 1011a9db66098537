import { sql, type Kysely } from 'kysely';

// Frozen once landed. Page cache invalidation by tag, shared by every server instance.
//
// A cached page records the tags of what it shows: `project:<id>` for one project's page and
// JSON, `funds` for the feeds that total money received over all projects (CSV, OC4IDS).
// A change touches only its tags, so a volunteer sign-up on one project no longer empties
// every instance's cache; a publish still bumps `disclosure_version`, which drops it all.
//
// `page_cache_tags.version` comes from the one-row clock `page_cache_clock`, whose row lock
// is held to the end of the touching transaction: versions are handed out in commit order,
// so an instance that has seen version N has seen every touch up to N and polls
// `where version > N` (an index, a handful of rows a second) without missing a late commit.
//
// The database touches the tags itself, whatever code path writes: a volunteer task or
// sign-up touches its project; a donation touches its project and `funds` when it is or
// was received (the only state the public sees). This replaces 0022's trigger, which
// bumped the disclosure version (every page of every instance) on each receipt.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('page_cache_clock')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into page_cache_clock (id, version) values (1, 0)`.execute(db);
  await db.schema
    .createTable('page_cache_tags')
    .addColumn('tag', 'text', (c) => c.primaryKey().check(sql`length(tag) between 1 and 100`))
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('page_cache_tags_version_idx').on('page_cache_tags').column('version').execute();

  await sql`
    create function gz_touch_page_tags(tags text[]) returns void language plpgsql as $$
    declare
      v bigint;
    begin
      update page_cache_clock set version = version + 1 where id = 1 returning version into v;
      insert into page_cache_tags (tag, version)
        select distinct t, v from unnest(tags) as t
        on conflict (tag) do update set version = excluded.version;
    end $$`.execute(db);

  // a sign-up (insert, cancel, promotion, attendance) changes the places shown on its project's page
  await sql`
    create function gz_volunteer_signup_touch() returns trigger language plpgsql as $$
    begin
      perform gz_touch_page_tags(array['project:' || (select project_id from volunteer_tasks where id = NEW.task_id)]);
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_volunteer_signup_touch after insert or update on volunteer_signups for each row execute function gz_volunteer_signup_touch()`.execute(
    db,
  );

  // a task posted, changed or removed by staff; its counters, kept by the sign-up triggers
  // (trigger depth > 1), are the sign-up's touch already
  await sql`
    create function gz_volunteer_task_touch() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'UPDATE' and pg_trigger_depth() > 1 then
        return null;
      end if;
      perform gz_touch_page_tags(array['project:' || (case when TG_OP = 'DELETE' then OLD.project_id else NEW.project_id end)]);
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_volunteer_task_touch after insert or update or delete on volunteer_tasks for each row execute function gz_volunteer_task_touch()`.execute(
    db,
  );

  await sql`drop trigger if exists gz_donation_version on donations`.execute(db);
  await sql`drop function if exists gz_donation_bump_version()`.execute(db);
  await sql`
    create function gz_donation_touch() returns trigger language plpgsql as $$
    begin
      if (TG_OP <> 'INSERT' and OLD.status = 'received') or (TG_OP <> 'DELETE' and NEW.status = 'received') then
        perform gz_touch_page_tags(array['project:' || (case when TG_OP = 'DELETE' then OLD.project_id else NEW.project_id end), 'funds']);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_donation_touch after insert or update or delete on donations for each row execute function gz_donation_touch()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists gz_donation_touch on donations`.execute(db);
  await sql`drop function if exists gz_donation_touch()`.execute(db);
  await sql`
    create function gz_donation_bump_version() returns trigger language plpgsql as $$
    begin
      if (TG_OP <> 'INSERT' and OLD.status = 'received') or (TG_OP <> 'DELETE' and NEW.status = 'received') then
        update disclosure_version set version = version + 1 where id = 1;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_donation_version after insert or update or delete on donations for each row execute function gz_donation_bump_version()`.execute(
    db,
  );
  await sql`drop trigger if exists gz_volunteer_task_touch on volunteer_tasks`.execute(db);
  await sql`drop function if exists gz_volunteer_task_touch()`.execute(db);
  await sql`drop trigger if exists gz_volunteer_signup_touch on volunteer_signups`.execute(db);
  await sql`drop function if exists gz_volunteer_signup_touch()`.execute(db);
  await sql`drop function if exists gz_touch_page_tags(text[])`.execute(db);
  await db.schema.dropTable('page_cache_tags').ifExists().execute();
  await db.schema.dropTable('page_cache_clock').ifExists().execute();
}
