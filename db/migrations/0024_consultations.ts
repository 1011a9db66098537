import { sql, type Kysely } from 'kysely';

// Frozen once landed. Consultations (意见征集) and their comments.
//
// Staff open a consultation on a project's plan (or on a draft vote's matters) naming the
// document versions it asks about, with a closing instant (24:00 China time of its last
// day). Residents comment, threaded one level; staff enter opinions received on paper or
// in person. The database decides, whatever code path writes, by its own clock (now()):
// - a consultation is inserted open and moves only open → closed → reported; what it asks,
//   its documents and its closing instant never change; it is never deleted. Closing before
//   the closing instant needs a stated reason (shown publicly);
// - a comment is accepted only while its consultation is open and before its closing
//   instant; a reply answers a top-level opinion of the same consultation; its text may
//   change only in the first 15 minutes and while the consultation takes comments; it is
//   deleted (a mark, the row stays) only while the consultation takes comments;
// - one report per person and comment, append-only; when 3 distinct verified owners have
//   reported a comment since staff last reviewed it, it is hidden until staff review it;
//   every hide, restore and review is an append-only moderation row;
// - at the close the top-level opinions are copied, as they stand, into
//   consultation_opinions: the record the report is built from. Its copied columns never
//   change; staff give each a disposition while the consultation is closed, and the
//   report is published only when every opinion has one. Later edits, deletions and hides
//   of the live comments do not touch the record.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('consultations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('ballot_id', 'integer', (c) => c.references('ballots.id'))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn('body', 'text', (c) =>
      c
        .notNull()
        .defaultTo('')
        .check(sql`length(body) <= 4000`),
    )
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'closed', 'reported')`),
    )
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closes_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('early_close_reason', 'text', (c) => c.check(sql`early_close_reason is null or length(early_close_reason) between 1 and 500`))
    .addColumn('reported_at', 'timestamptz')
    .addColumn('report_notice_id', 'integer', (c) => c.references('notices.id'))
    // null for demo consultations, seeded without accounts
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('closed_by', 'integer', (c) => c.references('users.id'))
    .addColumn('reported_by', 'integer', (c) => c.references('users.id'))
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addCheckConstraint('consultations_period', sql`closes_at > opened_at`)
    .addCheckConstraint('consultations_closed', sql`(status = 'open') = (closed_at is null)`)
    .addCheckConstraint('consultations_reported', sql`(status = 'reported') = (reported_at is not null and report_notice_id is not null)`)
    .execute();
  await db.schema.createIndex('consultations_project_idx').on('consultations').columns(['project_id', 'status']).execute();

  await db.schema
    .createTable('consultation_documents')
    .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id'))
    .addColumn('document_id', 'integer', (c) => c.notNull().references('documents.id'))
    .addPrimaryKeyConstraint('consultation_documents_pk', ['consultation_id', 'document_id'])
    .execute();

  await db.schema
    .createTable('consultation_comments')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id'))
    .addColumn('parent_id', 'integer', (c) => c.references('consultation_comments.id'))
    // the author's account; null for an opinion received on paper or in person
    .addColumn('author_user_id', 'integer', (c) => c.references('users.id'))
    // the staff member who entered a paper or in-person opinion
    .addColumn('entered_by', 'integer', (c) => c.references('users.id'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('online', 'paper', 'in_person')`))
    // the badge as it stood when written: staff, verified owner (of building_label), resident
    .addColumn('author_kind', 'text', (c) => c.notNull().check(sql`author_kind in ('staff', 'owner', 'resident')`))
    .addColumn('building_label', 'text', (c) => c.check(sql`building_label is null or length(building_label) between 1 and 20`))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 2000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('edited_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('hidden_at', 'timestamptz')
    .addColumn('hide_kind', 'text', (c) => c.check(sql`hide_kind in ('staff', 'reports')`))
    .addColumn('hidden_by', 'integer', (c) => c.references('users.id'))
    .addColumn('hidden_reason', 'text', (c) => c.check(sql`hidden_reason is null or length(hidden_reason) between 1 and 500`))
    // the last staff review: reports made before it no longer count
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addCheckConstraint(
      'consultation_comments_author',
      sql`(channel = 'online') = (author_user_id is not null) and (channel = 'online') = (entered_by is null)`,
    )
    .addCheckConstraint('consultation_comments_hidden', sql`(hidden_at is null) = (hide_kind is null)`)
    .addCheckConstraint('consultation_comments_staff_hide', sql`(hide_kind = 'staff') = (hidden_reason is not null and hidden_by is not null)`)
    .addCheckConstraint('consultation_comments_paper_top', sql`channel = 'online' or parent_id is null`)
    .execute();
  await db.schema.createIndex('consultation_comments_thread_idx').on('consultation_comments').columns(['consultation_id', 'parent_id', 'id']).execute();
  await db.schema.createIndex('consultation_comments_parent_idx').on('consultation_comments').columns(['parent_id', 'id']).execute();
  await db.schema.createIndex('consultation_comments_author_idx').on('consultation_comments').columns(['author_user_id', 'id']).execute();

  await db.schema
    .createTable('consultation_comment_reports')
    .addColumn('comment_id', 'integer', (c) => c.notNull().references('consultation_comments.id'))
    .addColumn('reporter_user_id', 'integer', (c) => c.notNull().references('users.id'))
    // a verified owner when reporting: only their reports hide a comment
    .addColumn('verified', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('consultation_comment_reports_pk', ['comment_id', 'reporter_user_id'])
    .execute();

  await db.schema
    .createTable('consultation_moderation')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('comment_id', 'integer', (c) => c.notNull().references('consultation_comments.id'))
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('auto_hide', 'hide', 'restore', 'keep_hidden')`))
    .addColumn('reason', 'text', (c) => c.check(sql`reason is null or length(reason) between 1 and 500`))
    // null for the automatic hide at three reports
    .addColumn('actor_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('consultation_moderation_actor', sql`(action = 'auto_hide') = (actor_user_id is null)`)
    .execute();
  await db.schema.createIndex('consultation_moderation_comment_idx').on('consultation_moderation').columns(['comment_id', 'id']).execute();

  await db.schema
    .createTable('consultation_opinions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id'))
    .addColumn('comment_id', 'integer', (c) => c.notNull().references('consultation_comments.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('author_kind', 'text', (c) => c.notNull())
    .addColumn('building_label', 'text')
    // null when the opinion was hidden at the close: the report says so, without its text
    .addColumn('body', 'text')
    .addColumn('written_at', 'timestamptz', (c) => c.notNull())
    .addColumn('disposition', 'text', (c) => c.check(sql`disposition in ('adopted', 'partly', 'not_adopted', 'answered')`))
    .addColumn('disposition_reason', 'text', (c) => c.check(sql`disposition_reason is null or length(disposition_reason) between 1 and 1000`))
    .addColumn('disposed_by', 'integer', (c) => c.references('users.id'))
    .addColumn('disposed_at', 'timestamptz')
    .addUniqueConstraint('consultation_opinions_uq', ['consultation_id', 'comment_id'])
    .addCheckConstraint(
      'consultation_opinions_disposed',
      sql`(disposition is null) = (disposition_reason is null) and (disposition is null) = (disposed_at is null)`,
    )
    .execute();

  // ---- consultations: open → closed → reported, by the database clock
  await sql`
    create function gz_consultation_guard() returns trigger language plpgsql as $$
    declare
      b text;
    begin
      if TG_OP = 'DELETE' then
        raise exception 'gz_consultation: consultation % is kept', OLD.id using errcode = 'P0001';
      end if;
      if TG_OP = 'INSERT' then
        if NEW.status <> 'open' then
          raise exception 'gz_consultation: a consultation starts open' using errcode = 'P0001';
        end if;
        NEW.opened_at := now();
        NEW.closed_at := null; NEW.early_close_reason := null; NEW.closed_by := null;
        NEW.reported_at := null; NEW.report_notice_id := null; NEW.reported_by := null;
        if NEW.closes_at <= now() or NEW.closes_at > now() + interval '366 days' then
          raise exception 'gz_consultation: the closing instant must lie within a year ahead' using errcode = 'P0001';
        end if;
        if NEW.ballot_id is not null then
          select status into b from ballots where id = NEW.ballot_id;
          if b is null or b not in ('draft', 'noticed') then
            raise exception 'gz_consultation: a vote''s matters are consulted on only before it opens' using errcode = 'P0001';
          end if;
        end if;
        return NEW;
      end if;
      if (NEW.project_id, NEW.ballot_id, NEW.title, NEW.body, NEW.opened_at, NEW.closes_at, NEW.created_by, NEW.is_demo)
         is distinct from (OLD.project_id, OLD.ballot_id, OLD.title, OLD.body, OLD.opened_at, OLD.closes_at, OLD.created_by, OLD.is_demo) then
        raise exception 'gz_consultation: what is asked and until when does not change' using errcode = 'P0001';
      end if;
      if NEW.status = OLD.status then
        if NEW is distinct from OLD then
          raise exception 'gz_consultation: a % consultation does not change', OLD.status using errcode = 'P0001';
        end if;
        return NEW;
      end if;
      if OLD.status = 'open' and NEW.status = 'closed' then
        NEW.closed_at := now();
        if now() < OLD.closes_at and NEW.early_close_reason is null then
          raise exception 'gz_consultation: closing before the closing instant needs a reason' using errcode = 'P0001';
        end if;
        if now() >= OLD.closes_at then
          NEW.early_close_reason := null;
        end if;
        return NEW;
      end if;
      if OLD.status = 'closed' and NEW.status = 'reported' then
        if (NEW.closed_at, NEW.early_close_reason, NEW.closed_by) is distinct from (OLD.closed_at, OLD.early_close_reason, OLD.closed_by) then
          raise exception 'gz_consultation: the close does not change' using errcode = 'P0001';
        end if;
        if exists (select 1 from consultation_opinions where consultation_id = OLD.id and disposition is null) then
          raise exception 'gz_consultation: every opinion needs a disposition before the report' using errcode = 'P0001';
        end if;
        NEW.reported_at := now();
        return NEW;
      end if;
      raise exception 'gz_consultation: % → % is not allowed', OLD.status, NEW.status using errcode = 'P0001';
    end $$`.execute(db);
  await sql`create trigger gz_consultation_guard before insert or update or delete on consultations for each row execute function gz_consultation_guard()`.execute(
    db,
  );

  // At the close, the record: every top-level opinion not deleted, as it stands.
  await sql`
    create function gz_consultation_snapshot() returns trigger language plpgsql as $$
    begin
      if OLD.status = 'open' and NEW.status = 'closed' then
        insert into consultation_opinions (consultation_id, comment_id, channel, author_kind, building_label, body, written_at)
          select c.consultation_id, c.id, c.channel, c.author_kind, c.building_label,
                 case when c.hidden_at is null then c.body else null end, c.created_at
          from consultation_comments c
          where c.consultation_id = NEW.id and c.parent_id is null and c.deleted_at is null
          order by c.id;
      end if;
      if OLD.status <> NEW.status then
        update disclosure_version set version = version + 1 where id = 1;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_consultation_snapshot after update on consultations for each row execute function gz_consultation_snapshot()`.execute(db);
  await sql`
    create function gz_consultation_opened() returns trigger language plpgsql as $$
    begin
      update disclosure_version set version = version + 1 where id = 1;
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_consultation_opened after insert on consultations for each row execute function gz_consultation_opened()`.execute(db);

  // The documents asked about are named when the consultation opens, in that transaction.
  await sql`
    create function gz_consultation_documents() returns trigger language plpgsql as $$
    declare
      c record;
    begin
      if TG_OP <> 'INSERT' then
        raise exception 'gz_consultation: the documents asked about do not change' using errcode = 'P0001';
      end if;
      select project_id, opened_at into c from consultations where id = NEW.consultation_id;
      if c.opened_at is distinct from now() then
        raise exception 'gz_consultation: documents are named when the consultation opens' using errcode = 'P0001';
      end if;
      if not exists (select 1 from documents where id = NEW.document_id and project_id = c.project_id and published_at is not null) then
        raise exception 'gz_consultation: document % is not a published document of the project', NEW.document_id using errcode = 'P0001';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_consultation_documents before insert or update or delete on consultation_documents for each row execute function gz_consultation_documents()`.execute(
    db,
  );

  // ---- comments
  await sql`
    create function gz_consultation_comment_guard() returns trigger language plpgsql as $$
    declare
      c record;
      p record;
    begin
      if TG_OP = 'DELETE' then
        raise exception 'gz_comment: comment % is kept', OLD.id using errcode = 'P0001';
      end if;
      if TG_OP = 'INSERT' then
        select status, closes_at into c from consultations where id = NEW.consultation_id for share;
        if c.status is distinct from 'open' or now() >= c.closes_at then
          raise exception 'gz_comment: the consultation is closed' using errcode = 'P0001';
        end if;
        if NEW.parent_id is not null then
          select consultation_id, parent_id into p from consultation_comments where id = NEW.parent_id;
          if p.consultation_id is distinct from NEW.consultation_id or p.parent_id is not null then
            raise exception 'gz_comment: a reply answers a top-level opinion of the same consultation' using errcode = 'P0001';
          end if;
        end if;
        NEW.created_at := now();
        NEW.edited_at := null; NEW.deleted_at := null;
        NEW.hidden_at := null; NEW.hide_kind := null; NEW.hidden_by := null; NEW.hidden_reason := null; NEW.reviewed_at := null;
        return NEW;
      end if;
      if (NEW.consultation_id, NEW.parent_id, NEW.author_user_id, NEW.entered_by, NEW.channel, NEW.author_kind, NEW.building_label, NEW.created_at, NEW.is_demo)
         is distinct from (OLD.consultation_id, OLD.parent_id, OLD.author_user_id, OLD.entered_by, OLD.channel, OLD.author_kind, OLD.building_label, OLD.created_at, OLD.is_demo) then
        raise exception 'gz_comment: who wrote what where does not change' using errcode = 'P0001';
      end if;
      if NEW.body is distinct from OLD.body or NEW.edited_at is distinct from OLD.edited_at or NEW.deleted_at is distinct from OLD.deleted_at then
        select status, closes_at into c from consultations where id = OLD.consultation_id;
        if c.status <> 'open' or now() >= c.closes_at then
          raise exception 'gz_comment: the consultation is closed: its comments are the record' using errcode = 'P0001';
        end if;
        if OLD.deleted_at is not null then
          raise exception 'gz_comment: comment % was deleted', OLD.id using errcode = 'P0001';
        end if;
        if NEW.body is distinct from OLD.body then
          if now() >= OLD.created_at + interval '15 minutes' then
            raise exception 'gz_comment: a comment is edited only in its first 15 minutes' using errcode = 'P0001';
          end if;
          NEW.edited_at := now();
        elsif NEW.edited_at is distinct from OLD.edited_at then
          raise exception 'gz_comment: edited_at is the database''s' using errcode = 'P0001';
        end if;
        if NEW.deleted_at is not null then
          NEW.deleted_at := now();
        end if;
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_consultation_comment_guard before insert or update or delete on consultation_comments for each row execute function gz_consultation_comment_guard()`.execute(
    db,
  );

  // ---- reports: one per person and comment, append-only; three verified owners hide
  await sql`
    create function gz_comment_report_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP <> 'INSERT' then
        raise exception 'gz_comment_report: reports are kept as made' using errcode = 'P0001';
      end if;
      NEW.created_at := clock_timestamp();
      NEW.verified := exists (select 1 from owner_verifications where user_id = NEW.reporter_user_id and status = 'verified');
      if exists (select 1 from consultation_comments where id = NEW.comment_id and deleted_at is not null) then
        raise exception 'gz_comment_report: comment % was deleted', NEW.comment_id using errcode = 'P0001';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_comment_report_guard before insert or update or delete on consultation_comment_reports for each row execute function gz_comment_report_guard()`.execute(
    db,
  );
  await sql`
    create function gz_comment_report_hide() returns trigger language plpgsql as $$
    declare
      cm record;
      n integer;
    begin
      select id, hidden_at, reviewed_at into cm from consultation_comments where id = NEW.comment_id for update;
      if cm.hidden_at is not null then
        return null;
      end if;
      select count(*) into n from consultation_comment_reports
        where comment_id = NEW.comment_id and verified and (cm.reviewed_at is null or created_at > cm.reviewed_at);
      if n >= 3 then
        update consultation_comments set hidden_at = now(), hide_kind = 'reports' where id = NEW.comment_id;
        insert into consultation_moderation (comment_id, action) values (NEW.comment_id, 'auto_hide');
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_comment_report_hide after insert on consultation_comment_reports for each row execute function gz_comment_report_hide()`.execute(
    db,
  );

  await sql`
    create function gz_consultation_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'gz_consultation: % rows are kept as written', TG_TABLE_NAME using errcode = 'P0001';
    end $$`.execute(db);
  await sql`create trigger gz_consultation_moderation_kept before update or delete on consultation_moderation for each row execute function gz_consultation_append_only()`.execute(
    db,
  );
  await sql`
    create function gz_consultation_moderation_at() returns trigger language plpgsql as $$
    begin
      NEW.at := now();
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_consultation_moderation_at before insert on consultation_moderation for each row execute function gz_consultation_moderation_at()`.execute(
    db,
  );

  // ---- the record: copied at the close only; staff dispose while closed
  await sql`
    create function gz_consultation_opinion_guard() returns trigger language plpgsql as $$
    declare
      s text;
    begin
      if TG_OP = 'DELETE' then
        raise exception 'gz_opinion: the record is kept' using errcode = 'P0001';
      end if;
      if TG_OP = 'INSERT' then
        if pg_trigger_depth() < 2 then
          raise exception 'gz_opinion: the record is copied by the close only' using errcode = 'P0001';
        end if;
        NEW.disposition := null; NEW.disposition_reason := null; NEW.disposed_by := null; NEW.disposed_at := null;
        return NEW;
      end if;
      if (NEW.consultation_id, NEW.comment_id, NEW.channel, NEW.author_kind, NEW.building_label, NEW.body, NEW.written_at)
         is distinct from (OLD.consultation_id, OLD.comment_id, OLD.channel, OLD.author_kind, OLD.building_label, OLD.body, OLD.written_at) then
        raise exception 'gz_opinion: the record does not change' using errcode = 'P0001';
      end if;
      select status into s from consultations where id = OLD.consultation_id;
      if s <> 'closed' then
        raise exception 'gz_opinion: dispositions are given while the consultation is closed and not yet reported' using errcode = 'P0001';
      end if;
      NEW.disposed_at := case when NEW.disposition is null then null else now() end;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_consultation_opinion_guard before insert or update or delete on consultation_opinions for each row execute function gz_consultation_opinion_guard()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'consultation_opinions',
    'consultation_moderation',
    'consultation_comment_reports',
    'consultation_comments',
    'consultation_documents',
    'consultations',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  for (const f of [
    'gz_consultation_guard',
    'gz_consultation_snapshot',
    'gz_consultation_opened',
    'gz_consultation_documents',
    'gz_consultation_comment_guard',
    'gz_comment_report_guard',
    'gz_comment_report_hide',
    'gz_consultation_append_only',
    'gz_consultation_moderation_at',
    'gz_consultation_opinion_guard',
  ]) {
    await sql.raw(`drop function if exists ${f}()`).execute(db);
  }
}
