import { sql, type Kysely } from 'kysely';

// Frozen once landed. Two things a subdistrict office does on paper, for cost-share schemes
// (migration 0026):
// - a scheme posted on the estate's notice board before it is posted here: the version keeps
//   the board date and a photo of the board (both or neither), written only with the posting
//   itself (a posted version is frozen). The board date is not after the day the posting is
//   recorded and at most 90 days before it; the posting period runs from the board date (else
//   from the day of the posting here) and its last day is at least `posting_days` after it:
//   the period is never shortened, whatever writes.
// - objections received on paper or in person, entered by staff: channel 'paper' |
//   'in_person', no author account (lodged_by null), recorded_by and recorded_at set, lodged_at
//   the day received. Every objection, online or not, is taken only on the current version of
//   a scheme that is posted, and dated within its posting period (from 00:00 China time of its
//   first day to 24:00 of its last).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cost_scheme_versions').addColumn('board_posted_on', 'date').addColumn('board_photo_key', 'text').execute();
  await sql`alter table cost_scheme_versions add constraint cost_scheme_versions_board check ((board_posted_on is null) = (board_photo_key is null))`.execute(
    db,
  );

  await sql`
    create function gz_cost_version_board() returns trigger language plpgsql as $$
    declare
      posted_day date;
      first_day date;
    begin
      if NEW.posted_at is null then
        if NEW.board_posted_on is not null then
          raise exception 'gz_cost_version: the board posting is recorded with the posting of the version' using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      if TG_OP = 'UPDATE' and OLD.posted_at is not null then
        return NEW; -- frozen: gz_cost_version_guard refuses any change
      end if;
      posted_day := (NEW.posted_at at time zone 'Asia/Shanghai')::date;
      if NEW.board_posted_on > posted_day then
        raise exception 'gz_cost_version: the board posting (%) is not after the day it is recorded (%)', NEW.board_posted_on, posted_day using errcode = 'check_violation';
      end if;
      if NEW.board_posted_on < posted_day - 90 then
        raise exception 'gz_cost_version: the board posting (%) is at most 90 days before the day it is recorded (%)', NEW.board_posted_on, posted_day
          using errcode = 'check_violation';
      end if;
      first_day := coalesce(NEW.board_posted_on, posted_day);
      if NEW.posting_last_day < first_day + NEW.posting_days then
        raise exception 'gz_cost_version: a posting of % days from % ends no sooner than 24:00 of %', NEW.posting_days, first_day, first_day + NEW.posting_days
          using errcode = 'check_violation';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_cost_version_board before insert or update on cost_scheme_versions for each row execute function gz_cost_version_board()`.execute(
    db,
  );

  await sql`alter table cost_scheme_objections alter column lodged_by drop not null`.execute(db);
  await db.schema
    .alterTable('cost_scheme_objections')
    .addColumn('channel', 'text', (c) =>
      c
        .notNull()
        .defaultTo('online')
        .check(sql`channel in ('online', 'paper', 'in_person')`),
    )
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz')
    .execute();
  await sql`alter table cost_scheme_objections add constraint cost_scheme_objections_channel check (
      (channel = 'online' and lodged_by is not null and recorded_by is null and recorded_at is null)
      or (channel in ('paper', 'in_person') and lodged_by is null and recorded_by is not null and recorded_at is not null))`.execute(db);

  // 0026's guard, with the new columns frozen too
  await sql`
    create or replace function gz_cost_objection_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'DELETE' then
        raise exception 'gz_cost_objection: an objection is kept' using errcode = 'check_violation';
      end if;
      if (NEW.id, NEW.version_id, NEW.unit_id, NEW.lodged_by, NEW.body, NEW.lodged_at, NEW.channel, NEW.recorded_by, NEW.recorded_at)
           is distinct from (OLD.id, OLD.version_id, OLD.unit_id, OLD.lodged_by, OLD.body, OLD.lodged_at, OLD.channel, OLD.recorded_by, OLD.recorded_at)
         or OLD.response is not null then
        raise exception 'gz_cost_objection: an objection is answered once and never edited' using errcode = 'check_violation';
      end if;
      return NEW;
    end $$`.execute(db);

  await sql`
    create function gz_cost_objection_insert() returns trigger language plpgsql as $$
    declare v record;
    begin
      select cv.version, cv.posted_at, cv.posting_last_day, cv.board_posted_on, cs.current_version, cs.status into v
        from cost_scheme_versions cv join cost_schemes cs on cs.id = cv.scheme_id
       where cv.id = NEW.version_id;
      if v.posted_at is null or v.version <> v.current_version or v.status <> 'posted' then
        raise exception 'gz_cost_objection: objections are taken on the current version of a scheme being posted' using errcode = 'check_violation';
      end if;
      if NEW.lodged_at < (coalesce(v.board_posted_on, (v.posted_at at time zone 'Asia/Shanghai')::date))::timestamp at time zone 'Asia/Shanghai'
         or NEW.lodged_at >= (v.posting_last_day + 1)::timestamp at time zone 'Asia/Shanghai' then
        raise exception 'gz_cost_objection: an objection is dated within the posting period (% to 24:00 of %)',
          coalesce(v.board_posted_on, (v.posted_at at time zone 'Asia/Shanghai')::date), v.posting_last_day using errcode = 'check_violation';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_cost_objection_insert before insert on cost_scheme_objections for each row execute function gz_cost_objection_insert()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists gz_cost_objection_insert on cost_scheme_objections`.execute(db);
  await sql`drop function if exists gz_cost_objection_insert()`.execute(db);
  await sql`
    create or replace function gz_cost_objection_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'DELETE' then
        raise exception 'gz_cost_objection: an objection is kept' using errcode = 'check_violation';
      end if;
      if (NEW.id, NEW.version_id, NEW.unit_id, NEW.lodged_by, NEW.body, NEW.lodged_at) is distinct from (OLD.id, OLD.version_id, OLD.unit_id, OLD.lodged_by, OLD.body, OLD.lodged_at)
         or OLD.response is not null then
        raise exception 'gz_cost_objection: an objection is answered once and never edited' using errcode = 'check_violation';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`alter table cost_scheme_objections drop constraint if exists cost_scheme_objections_channel`.execute(db);
  await db.schema.alterTable('cost_scheme_objections').dropColumn('recorded_at').dropColumn('recorded_by').dropColumn('channel').execute();
  await sql`alter table cost_scheme_objections alter column lodged_by set not null`.execute(db);
  await sql`drop trigger if exists gz_cost_version_board on cost_scheme_versions`.execute(db);
  await sql`drop function if exists gz_cost_version_board()`.execute(db);
  await sql`alter table cost_scheme_versions drop constraint if exists cost_scheme_versions_board`.execute(db);
  await db.schema.alterTable('cost_scheme_versions').dropColumn('board_photo_key').dropColumn('board_posted_on').execute();
}
