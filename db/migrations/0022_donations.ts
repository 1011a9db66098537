import { sql, type Kysely } from 'kysely';

// Frozen once landed. Donations to a project (捐资、捐物、投劳): a signed-in resident offers
// money (integer fen), goods (what, how many) or labour (skill, hours); staff accept or
// decline with a reason, and record receipt. The database enforces the states, whatever
// code path writes: a donation is inserted as 'offered' and moves only
// offered → accepted | declined, accepted → received; what was offered, by whom and under
// which name never changes; a decided donation is never deleted. A donation that is or was
// received bumps the disclosure version (migration 0002): the board and the budget's
// received figure are on the public, cached project page.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('donations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('restrict'))
    .addColumn('donor_user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('restrict'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('money', 'goods', 'labour')`))
    .addColumn('amount_fen', 'bigint')
    .addColumn('goods_what', 'text')
    .addColumn('goods_quantity', 'integer')
    .addColumn('labour_skill', 'text')
    .addColumn('labour_hours', 'integer')
    // null: anonymous on the board (the default); otherwise the name the donor chose to show
    .addColumn('display_name', 'text', (c) => c.check(sql`display_name is null or (length(display_name) between 1 and 40)`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('offered')
        .check(sql`status in ('offered', 'accepted', 'declined', 'received')`),
    )
    .addColumn('offered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decline_reason', 'text')
    .addColumn('received_by', 'integer', (c) => c.references('users.id'))
    .addColumn('received_on', 'date')
    .addColumn('receipt_no', 'text')
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addCheckConstraint(
      'donations_what',
      sql`
      (kind = 'money' and amount_fen is not null and amount_fen > 0 and amount_fen <= 100000000000
        and goods_what is null and goods_quantity is null and labour_skill is null and labour_hours is null)
      or (kind = 'goods' and goods_what is not null and length(goods_what) between 1 and 200 and goods_quantity between 1 and 1000000
        and amount_fen is null and labour_skill is null and labour_hours is null)
      or (kind = 'labour' and labour_skill is not null and length(labour_skill) between 1 and 200 and labour_hours between 1 and 10000
        and amount_fen is null and goods_what is null and goods_quantity is null)`,
    )
    .addCheckConstraint('donations_decided', sql`(status = 'offered') = (decided_at is null)`)
    .addCheckConstraint('donations_declined', sql`(status = 'declined') = (decline_reason is not null and length(decline_reason) between 1 and 500)`)
    .addCheckConstraint('donations_received', sql`(status = 'received') = (received_on is not null)`)
    .addCheckConstraint(
      'donations_receipt',
      sql`
      (status = 'received' and kind = 'money') = (receipt_no is not null and length(receipt_no) between 1 and 60)`,
    )
    .execute();
  await db.schema.createIndex('donations_project_idx').on('donations').columns(['project_id', 'status']).execute();
  await db.schema.createIndex('donations_donor_idx').on('donations').column('donor_user_id').execute();

  await sql`
    create function gz_donation_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'INSERT' then
        if NEW.status <> 'offered' then
          raise exception 'gz_donation: a donation starts as offered, not %', NEW.status using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      if TG_OP = 'DELETE' then
        if OLD.status <> 'offered' then
          raise exception 'gz_donation: a % donation is kept', OLD.status using errcode = 'check_violation';
        end if;
        return OLD;
      end if;
      if (NEW.project_id, NEW.donor_user_id, NEW.kind, NEW.amount_fen, NEW.goods_what, NEW.goods_quantity, NEW.labour_skill, NEW.labour_hours, NEW.display_name, NEW.offered_at, NEW.is_demo)
         is distinct from
         (OLD.project_id, OLD.donor_user_id, OLD.kind, OLD.amount_fen, OLD.goods_what, OLD.goods_quantity, OLD.labour_skill, OLD.labour_hours, OLD.display_name, OLD.offered_at, OLD.is_demo) then
        raise exception 'gz_donation: what was offered does not change' using errcode = 'check_violation';
      end if;
      if NEW.status = OLD.status then
        if NEW is distinct from OLD then
          raise exception 'gz_donation: a % donation does not change', OLD.status using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      if not ((OLD.status = 'offered' and NEW.status in ('accepted', 'declined')) or (OLD.status = 'accepted' and NEW.status = 'received')) then
        raise exception 'gz_donation: % → % is not allowed', OLD.status, NEW.status using errcode = 'check_violation';
      end if;
      if OLD.status = 'accepted' and (NEW.decided_by, NEW.decided_at, NEW.decline_reason) is distinct from (OLD.decided_by, OLD.decided_at, OLD.decline_reason) then
        raise exception 'gz_donation: the decision does not change' using errcode = 'check_violation';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_donation_guard before insert or update or delete on donations for each row execute function gz_donation_guard()`.execute(db);

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
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists gz_donation_version on donations`.execute(db);
  await sql`drop trigger if exists gz_donation_guard on donations`.execute(db);
  await db.schema.dropTable('donations').ifExists().execute();
  await sql`drop function if exists gz_donation_bump_version()`.execute(db);
  await sql`drop function if exists gz_donation_guard()`.execute(db);
}
