import { sql, type Kysely } from 'kysely';

// Frozen once landed. Volunteering (投劳): staff post tasks on a project (what, where,
// when, how many places); residents sign up and cancel; a full task keeps a waiting list.
//
// The database decides, whatever code path writes:
// - a new sign-up takes the task row's lock and is confirmed while places are left,
//   otherwise it waits; its place in the waiting list (seq) is handed out under that lock,
//   so 200 simultaneous sign-ups for 10 places give exactly 10 confirmed and 190 waiting;
// - `taken` on the task counts the confirmed and attended sign-ups, kept by trigger, and
//   a check constraint refuses a task with more taken than places (no overbooking);
// - a sign-up moves only confirmed → cancelled | attended, waiting → confirmed | cancelled,
//   attended → confirmed (attendance undone); cancelled is final (signing up again is a new
//   row); at most one live sign-up per person and task; sign-ups and cancellations close
//   when the task starts (the database clock);
// - when a confirmed sign-up is cancelled, the first of the waiting list (lowest seq) is
//   confirmed at once and stamped promoted_at, which the account page shows as a notice.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('volunteer_tasks')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn('place', 'text', (c) => c.notNull().check(sql`length(place) between 1 and 200`))
    .addColumn('details', 'text', (c) =>
      c
        .notNull()
        .defaultTo('')
        .check(sql`length(details) <= 2000`),
    )
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('places', 'integer', (c) => c.notNull().check(sql`places between 1 and 1000`))
    .addColumn('taken', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_seq', 'integer', (c) => c.notNull().defaultTo(1))
    // null for demo tasks, seeded without accounts
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('volunteer_tasks_period', sql`ends_at > starts_at`)
    .addCheckConstraint('volunteer_tasks_not_overbooked', sql`taken >= 0 and taken <= places`)
    .execute();
  await db.schema.createIndex('volunteer_tasks_project_idx').on('volunteer_tasks').columns(['project_id', 'starts_at']).execute();

  await db.schema
    .createTable('volunteer_signups')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('task_id', 'integer', (c) => c.notNull().references('volunteer_tasks.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('confirmed', 'waiting', 'cancelled', 'attended')`))
    // the order of arrival on the task, handed out under the task's lock
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('promoted_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('minutes', 'integer', (c) => c.check(sql`minutes between 1 and 1440`))
    .addColumn('attendance_by', 'integer', (c) => c.references('users.id'))
    .addColumn('attendance_at', 'timestamptz')
    .addCheckConstraint('volunteer_signups_attended', sql`(status = 'attended') = (minutes is not null)`)
    .addCheckConstraint('volunteer_signups_cancelled', sql`(status = 'cancelled') = (cancelled_at is not null)`)
    .addUniqueConstraint('volunteer_signups_seq_uq', ['task_id', 'seq'])
    .execute();
  await sql`create unique index volunteer_signups_live_uq on volunteer_signups (task_id, user_id) where status <> 'cancelled'`.execute(db);
  await db.schema.createIndex('volunteer_signups_user_idx').on('volunteer_signups').columns(['user_id']).execute();

  await sql`
    create function gz_volunteer_signup_insert() returns trigger language plpgsql as $$
    declare
      t record;
    begin
      select places, taken, next_seq, starts_at into t from volunteer_tasks where id = NEW.task_id for update;
      if not found then
        raise exception 'no volunteer task %', NEW.task_id using errcode = 'P0001';
      end if;
      if t.starts_at <= now() then
        raise exception 'volunteer task % has started: sign-ups are closed', NEW.task_id using errcode = 'P0001';
      end if;
      NEW.status := case when t.taken < t.places then 'confirmed' else 'waiting' end;
      NEW.seq := t.next_seq;
      NEW.created_at := now();
      NEW.promoted_at := null;
      NEW.cancelled_at := null;
      NEW.minutes := null;
      NEW.attendance_by := null;
      NEW.attendance_at := null;
      update volunteer_tasks
        set next_seq = next_seq + 1, taken = taken + (case when NEW.status = 'confirmed' then 1 else 0 end)
        where id = NEW.task_id;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_volunteer_signup_insert before insert on volunteer_signups for each row execute function gz_volunteer_signup_insert()`.execute(
    db,
  );

  await sql`
    create function gz_volunteer_signup_update() returns trigger language plpgsql as $$
    declare
      t record;
      delta integer;
    begin
      if TG_OP = 'DELETE' then
        raise exception 'volunteer sign-up % is kept: cancel it instead', OLD.id using errcode = 'P0001';
      end if;
      if (NEW.task_id, NEW.user_id, NEW.seq, NEW.created_at) is distinct from (OLD.task_id, OLD.user_id, OLD.seq, OLD.created_at) then
        raise exception 'volunteer sign-up %: task, person and place in the queue cannot change', OLD.id using errcode = 'P0001';
      end if;
      if NEW.status <> OLD.status and not (
           (OLD.status = 'confirmed' and NEW.status in ('cancelled', 'attended'))
        or (OLD.status = 'waiting' and NEW.status in ('confirmed', 'cancelled'))
        or (OLD.status = 'attended' and NEW.status = 'confirmed')) then
        raise exception 'volunteer sign-up % cannot go from % to %', OLD.id, OLD.status, NEW.status using errcode = 'P0001';
      end if;
      select starts_at into t from volunteer_tasks where id = OLD.task_id for update;
      if NEW.status = 'cancelled' and OLD.status <> 'cancelled' and t.starts_at <= now() then
        raise exception 'volunteer task % has started: sign-ups can no longer be cancelled', OLD.task_id using errcode = 'P0001';
      end if;
      if OLD.status = 'waiting' and NEW.status = 'confirmed' then
        NEW.promoted_at := now();
      end if;
      delta := (case when NEW.status in ('confirmed', 'attended') then 1 else 0 end) - (case when OLD.status in ('confirmed', 'attended') then 1 else 0 end);
      if delta <> 0 then
        update volunteer_tasks set taken = taken + delta where id = OLD.task_id;
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_volunteer_signup_update before update or delete on volunteer_signups for each row execute function gz_volunteer_signup_update()`.execute(
    db,
  );

  // The waiting list moves up: a freed place goes to the first waiting (lowest seq).
  await sql`
    create function gz_volunteer_promote() returns trigger language plpgsql as $$
    begin
      if OLD.status in ('confirmed', 'attended') and NEW.status = 'cancelled' then
        update volunteer_signups set status = 'confirmed'
          where id = (select id from volunteer_signups where task_id = NEW.task_id and status = 'waiting' order by seq limit 1);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_volunteer_promote after update on volunteer_signups for each row execute function gz_volunteer_promote()`.execute(db);

  // A task's places cannot fall below what is taken (the check constraint), and `taken`
  // and `next_seq` are the triggers' alone: a direct write to them is refused.
  await sql`
    create function gz_volunteer_task_counts() returns trigger language plpgsql as $$
    begin
      if pg_trigger_depth() = 1 and (NEW.taken, NEW.next_seq) is distinct from (OLD.taken, OLD.next_seq) then
        raise exception 'volunteer task %: taken places are counted by the database', OLD.id using errcode = 'P0001';
      end if;
      if NEW.project_id <> OLD.project_id then
        raise exception 'volunteer task % cannot move to another project', OLD.id using errcode = 'P0001';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_volunteer_task_counts before update on volunteer_tasks for each row execute function gz_volunteer_task_counts()`.execute(db);
  await sql`
    create function gz_volunteer_task_insert() returns trigger language plpgsql as $$
    begin
      NEW.taken := 0;
      NEW.next_seq := 1;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_volunteer_task_insert before insert on volunteer_tasks for each row execute function gz_volunteer_task_insert()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('volunteer_signups').ifExists().execute();
  await db.schema.dropTable('volunteer_tasks').ifExists().execute();
  for (const f of [
    'gz_volunteer_signup_insert',
    'gz_volunteer_signup_update',
    'gz_volunteer_promote',
    'gz_volunteer_task_counts',
    'gz_volunteer_task_insert',
  ]) {
    await sql.raw(`drop function if exists ${f}()`).execute(db);
  }
}
