import { sql, type Kysely } from 'kysely';

// Frozen once landed. The comments of ratings (0033) are shown publicly and moderated like
// consultation comments (0024). `ratings` refuses every update after its 30 days and every
// update that does not raise the version (gz_rating_guard), so moderation lives beside it,
// keyed by the revision (rating_id, version): the comment of that version.
// - `rating_comment_states`: one row per moderated revision, made at its first report or
//   staff act; no row means shown. Hidden by staff (with a reason its household sees) or
//   by reports (until staff review it); a restore clears the hide and marks the review.
// - `rating_comment_reports`: one report per person and revision, append-only, only on the
//   current version's comment; when 3 distinct verified owners have reported it since staff
//   last reviewed it, the database hides it (the same figure as consultations' 3).
// - `rating_comment_moderation`: every hide, automatic hide and restore, append-only.
// - A revision with a new comment starts fresh (no reports, shown); a revision that keeps
//   the very same text keeps the hide of the version before it (reports do not carry over).
// - Comments written before this migration were written for the office only: they are
//   never shown publicly (`rating_comments_public_since`: revisions up to that id).
// - A report, hide or restore touches only its project's page-cache tag (0029).
export async function up(db: Kysely<any>): Promise<void> {
  // the last revision written before comments were public (0: none)
  await db.schema
    .createTable('rating_comments_public_since')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('after_revision_id', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into rating_comments_public_since (id, after_revision_id) select 1, coalesce(max(id), 0) from rating_revisions`.execute(db);

  await db.schema
    .createTable('rating_comment_states')
    .addColumn('rating_id', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('hidden_at', 'timestamptz')
    .addColumn('hide_kind', 'text', (c) => c.check(sql`hide_kind in ('staff', 'reports')`))
    .addColumn('hidden_by', 'integer', (c) => c.references('users.id'))
    .addColumn('hidden_reason', 'text', (c) => c.check(sql`hidden_reason is null or length(hidden_reason) between 1 and 500`))
    // the last staff review: reports made before it no longer count
    .addColumn('reviewed_at', 'timestamptz')
    .addPrimaryKeyConstraint('rating_comment_states_pk', ['rating_id', 'version'])
    .addForeignKeyConstraint('rating_comment_states_revision_fk', ['rating_id', 'version'], 'rating_revisions', ['rating_id', 'version'])
    .addCheckConstraint('rating_comment_states_hidden', sql`(hidden_at is null) = (hide_kind is null)`)
    .addCheckConstraint('rating_comment_states_staff_hide', sql`(hide_kind = 'staff') = (hidden_reason is not null and hidden_by is not null)`)
    .execute();

  await db.schema
    .createTable('rating_comment_reports')
    .addColumn('rating_id', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('reporter_user_id', 'integer', (c) => c.notNull().references('users.id'))
    // a verified owner when reporting: only their reports hide a comment
    .addColumn('verified', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('rating_comment_reports_pk', ['rating_id', 'version', 'reporter_user_id'])
    .addForeignKeyConstraint('rating_comment_reports_revision_fk', ['rating_id', 'version'], 'rating_revisions', ['rating_id', 'version'])
    .execute();

  await db.schema
    .createTable('rating_comment_moderation')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('rating_id', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('auto_hide', 'hide', 'restore')`))
    .addColumn('reason', 'text', (c) => c.check(sql`reason is null or length(reason) between 1 and 500`))
    // null for the automatic hide at three reports
    .addColumn('actor_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('rating_comment_moderation_revision_fk', ['rating_id', 'version'], 'rating_revisions', ['rating_id', 'version'])
    .addCheckConstraint('rating_comment_moderation_actor', sql`(action = 'auto_hide') = (actor_user_id is null)`)
    .execute();
  await db.schema.createIndex('rating_comment_moderation_revision_idx').on('rating_comment_moderation').columns(['rating_id', 'version', 'id']).execute();

  // ---- states: whose comment never changes; kept; a change shows on its project's pages only
  await sql`
    create function gz_rating_comment_state_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'DELETE' then
        raise exception 'gz_rating_comment: moderation of % v% is kept', OLD.rating_id, OLD.version using errcode = 'P0001';
      end if;
      if TG_OP = 'UPDATE' and (NEW.rating_id, NEW.version, NEW.project_id) is distinct from (OLD.rating_id, OLD.version, OLD.project_id) then
        raise exception 'gz_rating_comment: whose comment does not change' using errcode = 'P0001';
      end if;
      if NEW.project_id is distinct from (select project_id from ratings where id = NEW.rating_id) then
        raise exception 'gz_rating_comment: the project is the rating''s' using errcode = 'P0001';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_rating_comment_state_guard before insert or update or delete on rating_comment_states for each row execute function gz_rating_comment_state_guard()`.execute(
    db,
  );
  await sql`
    create function gz_rating_comment_touch() returns trigger language plpgsql as $$
    begin
      perform gz_touch_page_tags(array['project:' || NEW.project_id]);
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_rating_comment_touch after insert or update on rating_comment_states for each row execute function gz_rating_comment_touch()`.execute(
    db,
  );

  // ---- reports: one per person and revision, on the current version's comment; three verified owners hide
  await sql`
    create function gz_rating_comment_report_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP <> 'INSERT' then
        raise exception 'gz_rating_comment_report: reports are kept as made' using errcode = 'P0001';
      end if;
      NEW.created_at := clock_timestamp();
      NEW.verified := exists (select 1 from owner_verifications where user_id = NEW.reporter_user_id and status = 'verified');
      if not exists (select 1 from ratings r join rating_revisions v on v.rating_id = r.id and v.version = r.version
                     where r.id = NEW.rating_id and r.version = NEW.version and v.comment is not null) then
        raise exception 'gz_rating_comment_report: only the comment of a rating''s current version is reported' using errcode = 'P0001';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_rating_comment_report_guard before insert or update or delete on rating_comment_reports for each row execute function gz_rating_comment_report_guard()`.execute(
    db,
  );
  await sql`
    create function gz_rating_comment_report_hide() returns trigger language plpgsql as $$
    declare
      st record;
      n integer;
    begin
      insert into rating_comment_states (rating_id, version, project_id)
        values (NEW.rating_id, NEW.version, (select project_id from ratings where id = NEW.rating_id))
        on conflict (rating_id, version) do nothing;
      select hidden_at, reviewed_at into st from rating_comment_states where rating_id = NEW.rating_id and version = NEW.version for update;
      if st.hidden_at is not null then
        return null;
      end if;
      select count(*) into n from rating_comment_reports
        where rating_id = NEW.rating_id and version = NEW.version and verified and (st.reviewed_at is null or created_at > st.reviewed_at);
      if n >= 3 then
        update rating_comment_states set hidden_at = now(), hide_kind = 'reports' where rating_id = NEW.rating_id and version = NEW.version;
        insert into rating_comment_moderation (rating_id, version, action) values (NEW.rating_id, NEW.version, 'auto_hide');
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_rating_comment_report_hide after insert on rating_comment_reports for each row execute function gz_rating_comment_report_hide()`.execute(
    db,
  );

  // ---- the log: append-only, dated by the database
  await sql`
    create function gz_rating_comment_moderation_log() returns trigger language plpgsql as $$
    begin
      if TG_OP <> 'INSERT' then
        raise exception 'gz_rating_comment: moderation rows are kept as written' using errcode = 'P0001';
      end if;
      NEW.at := now();
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_rating_comment_moderation_log before insert or update or delete on rating_comment_moderation for each row execute function gz_rating_comment_moderation_log()`.execute(
    db,
  );

  // ---- a revision keeping the very same comment keeps the hide of the version before it
  await sql`
    create function gz_rating_comment_carry() returns trigger language plpgsql as $$
    begin
      if NEW.version > 1 and NEW.comment is not null then
        insert into rating_comment_states (rating_id, version, project_id, hidden_at, hide_kind, hidden_by, hidden_reason, reviewed_at)
          select s.rating_id, NEW.version, s.project_id, s.hidden_at, s.hide_kind, s.hidden_by, s.hidden_reason, s.reviewed_at
          from rating_comment_states s
          join rating_revisions p on p.rating_id = s.rating_id and p.version = s.version
          where s.rating_id = NEW.rating_id and s.version = NEW.version - 1 and s.hidden_at is not null and p.comment = NEW.comment;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_rating_comment_carry after insert on rating_revisions for each row execute function gz_rating_comment_carry()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists gz_rating_comment_carry on rating_revisions`.execute(db);
  for (const t of ['rating_comment_moderation', 'rating_comment_reports', 'rating_comment_states', 'rating_comments_public_since']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  for (const f of [
    'gz_rating_comment_carry',
    'gz_rating_comment_moderation_log',
    'gz_rating_comment_report_hide',
    'gz_rating_comment_report_guard',
    'gz_rating_comment_touch',
    'gz_rating_comment_state_guard',
  ]) {
    await sql.raw(`drop function if exists ${f}()`).execute(db);
  }
}
