import { sql, type Kysely } from 'kysely';
import { functionSql } from '../functions/load.ts';

// Frozen once landed. One clock, one rule: the life of a ballot enforced by the database,
// whatever code path writes.
// - The status only moves draft → noticed → open → closed, or draft/noticed → cancelled
//   with a reason (shown publicly); a cancelled or closed ballot never changes again; the
//   closing time is fixed once the vote is open; the opening and closing moments are the
//   database's own unless the writer gives them (tests travel in time).
// - A close takes the ballot's advisory lock (7500, ballot) exclusively and a cast takes it
//   shared from its open check to its commit: no cast interleaves with a close, and casts
//   never queue behind one another.
// - A cast is accepted only into an open ballot before its closing time; casts and
//   bulletins are append-only (no update, delete or truncate).
// - A matter's kind follows its Art. 278 item; composite foreign keys tie a counted
//   choice's matter and voter, and a cast's voter, to the same ballot.
// - No objection is recorded once a final announcement exists (a correction is a new version).
// - The meeting notice keeps both dates (posted on the board, published here) and, when the
//   board posting is earlier than its publication here, a photo or scan of the posted sheet.
// - A paper ballot entered over an online one keeps the reason staff gave.
// And gz_cast / gz_cast_voters are loaded from db/functions/*.sql (create or replace): the
// cast now replaces the voter's whole counted ballot and takes the close lock.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('ballots')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancel_reason', 'text', (c) => c.check(sql`length(cancel_reason) between 1 and 2000`))
    .addColumn('notice_online_at', 'timestamptz')
    .addColumn('notice_photo_key', 'text')
    .execute();
  await sql`update ballots set notice_online_at = notice_published_at where notice_published_at is not null`.execute(db);
  await sql`alter table ballots drop constraint ballots_status_check`.execute(db);
  await sql`alter table ballots add constraint ballots_status_check check (status in ('draft', 'noticed', 'open', 'closed', 'cancelled'))`.execute(db);
  await sql`alter table ballots add constraint ballots_cancelled check ((status = 'cancelled') = (cancelled_at is not null and cancel_reason is not null))`.execute(
    db,
  );

  await sql`
    create function gz_ballot_lifecycle() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'INSERT' then
        if NEW.status <> 'draft' then
          raise exception 'a ballot starts as a draft' using errcode = 'P0001';
        end if;
        return NEW;
      end if;
      if OLD.status = 'cancelled' and row(NEW.*) is distinct from row(OLD.*) then
        raise exception 'ballot % is cancelled: it cannot change', OLD.id using errcode = 'P0001';
      end if;
      if OLD.status = 'closed' and (NEW.status, NEW.closes_at, NEW.opened_at, NEW.closed_at) is distinct from (OLD.status, OLD.closes_at, OLD.opened_at, OLD.closed_at) then
        raise exception 'ballot % is closed: its status and times cannot change', OLD.id using errcode = 'P0001';
      end if;
      if NEW.status is distinct from OLD.status and (OLD.status, NEW.status) not in
         (('draft', 'noticed'), ('noticed', 'open'), ('open', 'closed'), ('draft', 'cancelled'), ('noticed', 'cancelled')) then
        raise exception 'ballot %: no move from % to %', OLD.id, OLD.status, NEW.status using errcode = 'P0001';
      end if;
      if OLD.status = 'open' and (NEW.closes_at, NEW.opened_at) is distinct from (OLD.closes_at, OLD.opened_at) then
        raise exception 'ballot % is open: its closing time cannot change', OLD.id using errcode = 'P0001';
      end if;
      if OLD.status = 'noticed' and NEW.notice_online_at is distinct from OLD.notice_online_at then
        raise exception 'ballot %: its notice cannot change', OLD.id using errcode = 'P0001';
      end if;
      if NEW.status = 'cancelled' and OLD.status <> 'cancelled' then
        NEW.cancelled_at := coalesce(NEW.cancelled_at, now());
        if coalesce(btrim(NEW.cancel_reason), '') = '' then
          raise exception 'ballot %: a cancellation needs a reason', OLD.id using errcode = 'P0001';
        end if;
      elsif NEW.cancelled_at is not null or NEW.cancel_reason is not null then
        raise exception 'ballot %: only a cancellation has a reason', OLD.id using errcode = 'P0001';
      end if;
      if NEW.status = 'noticed' and OLD.status = 'draft' then
        NEW.notice_online_at := coalesce(NEW.notice_online_at, now());
      end if;
      if NEW.status = 'open' and OLD.status = 'noticed' then
        NEW.opened_at := coalesce(NEW.opened_at, now());
      end if;
      if NEW.status = 'closed' and OLD.status = 'open' then
        -- wait for the casts in flight, and keep new ones out until this commits
        perform pg_advisory_xact_lock(7500, OLD.id);
        NEW.closed_at := coalesce(NEW.closed_at, clock_timestamp());
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_ballot_lifecycle before insert or update on ballots for each row execute function gz_ballot_lifecycle()`.execute(db);
  await sql`
    create function gz_ballot_no_delete() returns trigger language plpgsql as $$
    begin
      if OLD.status <> 'draft' then
        raise exception 'ballot % is %: cancel it, never delete it', OLD.id, OLD.status using errcode = 'P0001';
      end if;
      return OLD;
    end $$`.execute(db);
  await sql`create trigger gz_ballot_no_delete before delete on ballots for each row execute function gz_ballot_no_delete()`.execute(db);

  // a cast only into an open ballot, before its closing time, holding the close lock shared
  await sql`
    create function gz_cast_open() returns trigger language plpgsql as $$
    declare
      v_status text;
      v_closes timestamptz;
      v_opened timestamptz;
    begin
      perform pg_advisory_xact_lock_shared(7500, NEW.ballot_id);
      NEW.cast_at := coalesce(NEW.cast_at, now());
      select status, closes_at, opened_at into v_status, v_closes, v_opened from ballots where id = NEW.ballot_id;
      if v_status is distinct from 'open' or NEW.cast_at >= v_closes or NEW.cast_at < v_opened then
        raise exception 'ballot % is not open at %', NEW.ballot_id, NEW.cast_at using errcode = 'P0001';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_cast_open before insert on ballot_casts for each row execute function gz_cast_open()`.execute(db);
  await sql`
    create function gz_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only', TG_TABLE_NAME using errcode = 'P0001';
    end $$`.execute(db);
  for (const t of ['ballot_casts', 'ballot_bulletins']) {
    await sql`create trigger gz_append_only before update or delete on ${sql.table(t)} for each statement execute function gz_append_only()`.execute(db);
    await sql`create trigger gz_append_only_truncate before truncate on ${sql.table(t)} for each statement execute function gz_append_only()`.execute(db);
  }
  await db.schema
    .alterTable('ballot_casts')
    .addColumn('override_reason', 'text', (c) => c.check(sql`length(override_reason) between 1 and 2000`))
    .execute();

  // a matter's kind follows its Art. 278 item (6–8 major)
  await sql`alter table ballot_matters add constraint ballot_matters_kind_follows_item
    check (kind = case when art278_item between 6 and 8 then 'major' else 'ordinary' end)`.execute(db);

  // a counted choice's matter and voter, and a cast's voter, belong to the same ballot
  await sql`alter table ballot_matters add constraint ballot_matters_id_ballot_uq unique (id, ballot_id)`.execute(db);
  await sql`alter table ballot_voters add constraint ballot_voters_id_ballot_uq unique (id, ballot_id)`.execute(db);
  await sql`alter table ballot_choices drop constraint ballot_choices_matter_id_fkey`.execute(db);
  await sql`alter table ballot_choices add constraint ballot_choices_matter_fk foreign key (matter_id, ballot_id) references ballot_matters (id, ballot_id)`.execute(
    db,
  );
  await sql`alter table ballot_choices drop constraint ballot_choices_voter_id_fkey`.execute(db);
  await sql`alter table ballot_choices add constraint ballot_choices_voter_fk foreign key (voter_id, ballot_id) references ballot_voters (id, ballot_id)`.execute(
    db,
  );
  await sql`alter table ballot_casts drop constraint ballot_casts_voter_id_fkey`.execute(db);
  await sql`alter table ballot_casts add constraint ballot_casts_voter_fk foreign key (voter_id, ballot_id) references ballot_voters (id, ballot_id)`.execute(
    db,
  );

  // no objection once the final announcement is out
  await sql`
    create function gz_objection_before_final() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from ballot_bulletins where ballot_id = NEW.ballot_id and stage = 'final') then
        raise exception 'ballot %: the final announcement is published, no objection can be recorded', NEW.ballot_id using errcode = 'P0001';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_objection_before_final before insert on ballot_objections for each row execute function gz_objection_before_final()`.execute(db);

  await sql.raw(await functionSql('gz_cast_voters')).execute(db);
  await sql.raw(await functionSql('gz_cast')).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0017_ballot_lifecycle cannot be undone: restore a backup');
}
