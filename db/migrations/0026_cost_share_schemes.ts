import { sql, type Kysely } from 'kysely';

// Frozen once landed. Cost-share schemes (居民合理分摊) and pledges. The database enforces,
// whatever code path writes:
// - a scheme moves draft → posted → pledging → funded | lapsed, any open state → withdrawn,
//   and posted | pledging → draft only together with a new current version (a correction);
//   'posted' needs its current version posted, 'pledging' a posting period that is over,
//   both reckoned by the clock of the command that writes (status_changed_at: one clock);
// - a posted version, its households and its shares never change again (a correction is a
//   new version);
// - a pledge is inserted as 'pledged' on the current version of a scheme in 'pledging' and
//   moves only pledged → withdrawn | released | paid; one live pledge (pledged or paid) per
//   household of a version (partial unique index);
// - a payment is for a paid pledge, kept as recorded but for being marked for refund once;
//   a refund is of a payment marked for refund, the same amount, once.
// Payments and refunds change the budget on the public, cached project page, and a scheme's
// transition its listed state: they bump the disclosure version (migration 0002).

const STATES = `'draft', 'posted', 'pledging', 'funded', 'lapsed', 'withdrawn'`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cost_schemes')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('restrict'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('draft')
        .check(sql.raw(`status in (${STATES})`)),
    )
    .addColumn('current_version', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`current_version >= 1`),
    )
    .addColumn('status_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('withdraw_reason', 'text')
    .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addCheckConstraint('cost_schemes_withdrawn', sql`(status = 'withdrawn') = (withdraw_reason is not null and length(withdraw_reason) between 1 and 500)`)
    .execute();
  await db.schema.createIndex('cost_schemes_project_idx').on('cost_schemes').column('project_id').execute();

  await db.schema
    .createTable('cost_scheme_versions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('scheme_id', 'integer', (c) => c.notNull().references('cost_schemes.id').onDelete('restrict'))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn('item', 'text', (c) => c.notNull().check(sql`length(item) between 1 and 2000`))
    .addColumn('estate_id', 'integer', (c) => c.notNull().references('estates.id'))
    .addColumn('building', 'text')
    .addColumn('entrance', 'text')
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('equal', 'tiered', 'single')`))
    .addColumn('weight_by_area', 'boolean', (c) => c.notNull().defaultTo(false))
    // {"1":"0","2":"0.6"}: the floor coefficients as written (decimal strings), tiered only
    .addColumn('coefficients', 'text')
    .addColumn('total_fen', 'bigint', (c) => c.notNull().check(sql`total_fen > 0 and total_fen < 1000000000000000`))
    .addColumn('target_fen', 'bigint', (c) => c.notNull())
    .addColumn('pledge_deadline', 'date', (c) => c.notNull())
    .addColumn('posting_days', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(7)
        .check(sql`posting_days between 5 and 60`),
    )
    .addColumn('ballot_id', 'integer', (c) => c.references('ballots.id'))
    .addColumn('ballot_matter', 'text')
    .addColumn('correction_reason', 'text')
    .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('posted_at', 'timestamptz')
    .addColumn('posted_by', 'integer', (c) => c.references('users.id'))
    // the last day of the posting period (it ends at 24:00 China time of that day)
    .addColumn('posting_last_day', 'date')
    .addUniqueConstraint('cost_scheme_versions_unique', ['scheme_id', 'version'])
    .addCheckConstraint('cost_scheme_versions_scope', sql`entrance is null or building is not null`)
    .addCheckConstraint('cost_scheme_versions_coefficients', sql`(method = 'tiered') = (coefficients is not null)`)
    .addCheckConstraint('cost_scheme_versions_area', sql`not (method = 'single' and weight_by_area)`)
    .addCheckConstraint('cost_scheme_versions_target', sql`target_fen > 0 and target_fen <= total_fen`)
    .addCheckConstraint('cost_scheme_versions_ballot', sql`(ballot_id is null) = (ballot_matter is null)`)
    .addCheckConstraint(
      'cost_scheme_versions_correction',
      sql`(version = 1) = (correction_reason is null) and (correction_reason is null or length(correction_reason) between 1 and 500)`,
    )
    .addCheckConstraint('cost_scheme_versions_posted', sql`(posted_at is null) = (posted_by is null) and (posted_at is null) = (posting_last_day is null)`)
    .execute();

  // Households of a version: the owners linked through shared flats, as on a roll (one voter).
  await db.schema
    .createTable('cost_scheme_households')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('version_id', 'integer', (c) => c.notNull().references('cost_scheme_versions.id').onDelete('cascade'))
    .addColumn('no', 'integer', (c) => c.notNull().check(sql`no >= 1`))
    .addColumn('share_fen', 'bigint', (c) => c.notNull().check(sql`share_fen >= 0`))
    // the building and entrance of its first flat: where progress counts the household
    .addColumn('building', 'text', (c) => c.notNull())
    .addColumn('entrance', 'text', (c) => c.notNull())
    .addUniqueConstraint('cost_scheme_households_unique', ['version_id', 'no'])
    .execute();

  await db.schema
    .createTable('cost_scheme_shares')
    .addColumn('version_id', 'integer', (c) => c.notNull().references('cost_scheme_versions.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('household_id', 'integer', (c) => c.notNull().references('cost_scheme_households.id').onDelete('cascade'))
    .addColumn('building', 'text', (c) => c.notNull())
    .addColumn('entrance', 'text', (c) => c.notNull())
    .addColumn('room', 'text', (c) => c.notNull())
    .addColumn('floor', 'integer', (c) => c.notNull())
    .addColumn('area_cm2', 'bigint', (c) => c.notNull())
    .addColumn('share_fen', 'bigint', (c) => c.notNull().check(sql`share_fen >= 0`))
    .addPrimaryKeyConstraint('cost_scheme_shares_pk', ['version_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('cost_scheme_shares_household_idx').on('cost_scheme_shares').column('household_id').execute();
  await db.schema.createIndex('cost_scheme_shares_entrance_idx').on('cost_scheme_shares').columns(['version_id', 'building', 'entrance']).execute();
  await db.schema.createIndex('cost_scheme_shares_unit_idx').on('cost_scheme_shares').column('unit_id').execute();

  await db.schema
    .createTable('cost_scheme_objections')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('version_id', 'integer', (c) => c.notNull().references('cost_scheme_versions.id').onDelete('restrict'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('lodged_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 2000`))
    .addColumn('lodged_at', 'timestamptz', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.check(sql`response is null or length(response) between 1 and 2000`))
    .addColumn('responded_by', 'integer', (c) => c.references('users.id'))
    .addColumn('responded_at', 'timestamptz')
    .addCheckConstraint('cost_scheme_objections_answered', sql`(response is null) = (responded_at is null) and (response is null) = (responded_by is null)`)
    .execute();
  await db.schema.createIndex('cost_scheme_objections_version_idx').on('cost_scheme_objections').column('version_id').execute();

  await db.schema
    .createTable('cost_pledges')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('scheme_id', 'integer', (c) => c.notNull().references('cost_schemes.id').onDelete('restrict'))
    .addColumn('version_id', 'integer', (c) => c.notNull().references('cost_scheme_versions.id').onDelete('restrict'))
    .addColumn('household_id', 'integer', (c) => c.notNull().references('cost_scheme_households.id').onDelete('restrict'))
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0 and amount_fen < 1000000000000000`))
    .addColumn('reason', 'text', (c) => c.check(sql`reason is null or length(reason) between 1 and 500`))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('online', 'paper')`))
    .addColumn('pledged_by', 'integer', (c) => c.references('users.id'))
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id'))
    .addColumn('scan_key', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pledged')
        .check(sql`status in ('pledged', 'withdrawn', 'released', 'paid')`),
    )
    .addColumn('pledged_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('release_cause', 'text', (c) => c.check(sql`release_cause is null or release_cause in ('corrected', 'lapsed', 'withdrawn')`))
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addCheckConstraint(
      'cost_pledges_channel',
      sql`(channel = 'online' and pledged_by is not null and recorded_by is null and scan_key is null)
       or (channel = 'paper' and recorded_by is not null and scan_key is not null)`,
    )
    .addCheckConstraint('cost_pledges_closed', sql`(status in ('withdrawn', 'released')) = (closed_at is not null)`)
    .addCheckConstraint('cost_pledges_released', sql`(status = 'released') = (release_cause is not null)`)
    .execute();
  await sql`create unique index cost_pledges_one_live on cost_pledges (household_id) where status in ('pledged', 'paid')`.execute(db);
  await db.schema.createIndex('cost_pledges_scheme_idx').on('cost_pledges').columns(['scheme_id', 'status']).execute();
  await db.schema.createIndex('cost_pledges_by_idx').on('cost_pledges').column('pledged_by').execute();

  await db.schema
    .createTable('cost_payments')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('pledge_id', 'integer', (c) => c.notNull().unique().references('cost_pledges.id').onDelete('restrict'))
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0 and amount_fen < 1000000000000000`))
    .addColumn('paid_on', 'date', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('cash', 'transfer', 'wechat', 'alipay', 'other')`))
    .addColumn('receipt_no', 'text', (c) => c.notNull().check(sql`length(receipt_no) between 1 and 60`))
    .addColumn('scan_key', 'text')
    .addColumn('recorded_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('refund_due_at', 'timestamptz')
    .addColumn('refund_cause', 'text', (c) => c.check(sql`refund_cause is null or refund_cause in ('corrected', 'lapsed', 'withdrawn')`))
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addCheckConstraint('cost_payments_refund', sql`(refund_due_at is null) = (refund_cause is null)`)
    .execute();

  await db.schema
    .createTable('cost_refunds')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('payment_id', 'integer', (c) => c.notNull().unique().references('cost_payments.id').onDelete('restrict'))
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('refunded_on', 'date', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('cash', 'transfer', 'wechat', 'alipay', 'other')`))
    .addColumn('receipt_no', 'text', (c) => c.notNull().check(sql`length(receipt_no) between 1 and 60`))
    .addColumn('recorded_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // ---- schemes: the allowed transitions, one clock (status_changed_at, written by the command)
  await sql`
    create function gz_cost_scheme_guard() returns trigger language plpgsql as $$
    declare v record;
    begin
      if TG_OP = 'INSERT' then
        if NEW.status <> 'draft' or NEW.current_version <> 1 then
          raise exception 'gz_cost_scheme: a scheme starts as a draft of version 1' using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      if TG_OP = 'DELETE' then
        raise exception 'gz_cost_scheme: a scheme is kept' using errcode = 'check_violation';
      end if;
      if (NEW.project_id, NEW.created_by, NEW.created_at, NEW.is_demo) is distinct from (OLD.project_id, OLD.created_by, OLD.created_at, OLD.is_demo) then
        raise exception 'gz_cost_scheme: the project and author of a scheme do not change' using errcode = 'check_violation';
      end if;
      if NEW.status = OLD.status then
        if NEW is distinct from OLD then
          raise exception 'gz_cost_scheme: a % scheme does not change without a transition', OLD.status using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      if NEW.status_changed_at < OLD.status_changed_at then
        raise exception 'gz_cost_scheme: the clock does not go back' using errcode = 'check_violation';
      end if;
      if NEW.current_version <> OLD.current_version
         and not (OLD.status in ('posted', 'pledging') and NEW.status = 'draft' and NEW.current_version = OLD.current_version + 1) then
        raise exception 'gz_cost_scheme: a new version only by a correction of a posted scheme' using errcode = 'check_violation';
      end if;
      if not ((OLD.status = 'draft' and NEW.status in ('posted', 'withdrawn'))
           or (OLD.status = 'posted' and NEW.status in ('pledging', 'withdrawn', 'draft'))
           or (OLD.status = 'pledging' and NEW.status in ('funded', 'lapsed', 'withdrawn', 'draft'))) then
        raise exception 'gz_cost_scheme: % → % is not allowed', OLD.status, NEW.status using errcode = 'check_violation';
      end if;
      if NEW.status = 'draft' and NEW.current_version = OLD.current_version then
        raise exception 'gz_cost_scheme: a posted scheme is corrected by a new version' using errcode = 'check_violation';
      end if;
      select posted_at, posting_last_day into v from cost_scheme_versions where scheme_id = NEW.id and version = NEW.current_version;
      if NEW.status = 'posted' and (v.posted_at is null) then
        raise exception 'gz_cost_scheme: post the version before the scheme' using errcode = 'check_violation';
      end if;
      if NEW.status = 'pledging' and NEW.status_changed_at < ((v.posting_last_day + 1)::timestamp at time zone 'Asia/Shanghai') then
        raise exception 'gz_cost_scheme: pledges open only after the posting period (ends 24:00 of %)', v.posting_last_day using errcode = 'check_violation';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_cost_scheme_guard before insert or update or delete on cost_schemes for each row execute function gz_cost_scheme_guard()`.execute(
    db,
  );

  // ---- versions: a posted version is frozen; only the current draft version is edited or posted
  await sql`
    create function gz_cost_version_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'INSERT' then
        if NEW.posted_at is not null then
          raise exception 'gz_cost_version: a version is posted after it is written' using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      if OLD.posted_at is not null then
        raise exception 'gz_cost_version: version % of scheme % is posted and frozen: a correction is a new version', OLD.version, OLD.scheme_id
          using errcode = 'check_violation';
      end if;
      if TG_OP = 'DELETE' then
        return OLD;
      end if;
      if (NEW.scheme_id, NEW.version, NEW.created_by, NEW.created_at) is distinct from (OLD.scheme_id, OLD.version, OLD.created_by, OLD.created_at) then
        raise exception 'gz_cost_version: which scheme and version this is does not change' using errcode = 'check_violation';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_cost_version_guard before update or delete on cost_scheme_versions for each row execute function gz_cost_version_guard()`.execute(
    db,
  );
  await sql`create trigger gz_cost_version_insert before insert on cost_scheme_versions for each row execute function gz_cost_version_guard()`.execute(db);

  // ---- households and shares follow their version: frozen once it is posted
  await sql`
    create function gz_cost_share_guard() returns trigger language plpgsql as $$
    declare vid integer;
    begin
      vid := case when TG_OP = 'DELETE' then OLD.version_id else NEW.version_id end;
      if exists (select 1 from cost_scheme_versions where id = vid and posted_at is not null)
         or (TG_OP = 'UPDATE' and exists (select 1 from cost_scheme_versions where id = OLD.version_id and posted_at is not null)) then
        raise exception 'gz_cost_share: the shares of a posted version are frozen: a correction is a new version' using errcode = 'check_violation';
      end if;
      return case when TG_OP = 'DELETE' then OLD else NEW end;
    end $$`.execute(db);
  await sql`create trigger gz_cost_share_guard before insert or update or delete on cost_scheme_shares for each row execute function gz_cost_share_guard()`.execute(
    db,
  );
  await sql`create trigger gz_cost_household_guard before insert or update or delete on cost_scheme_households for each row execute function gz_cost_share_guard()`.execute(
    db,
  );

  // ---- objections: kept; only the answer is written, once
  await sql`
    create function gz_cost_objection_guard() returns trigger language plpgsql as $$
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
  await sql`create trigger gz_cost_objection_guard before update or delete on cost_scheme_objections for each row execute function gz_cost_objection_guard()`.execute(
    db,
  );

  // ---- pledges
  await sql`
    create function gz_cost_pledge_guard() returns trigger language plpgsql as $$
    declare s record;
    begin
      if TG_OP = 'INSERT' then
        if NEW.status <> 'pledged' then
          raise exception 'gz_cost_pledge: a pledge starts as pledged, not %', NEW.status using errcode = 'check_violation';
        end if;
        select cs.status, v.id as version_id into s
          from cost_schemes cs join cost_scheme_versions v on v.scheme_id = cs.id and v.version = cs.current_version
         where cs.id = NEW.scheme_id;
        if s.status is distinct from 'pledging' or s.version_id is distinct from NEW.version_id then
          raise exception 'gz_cost_pledge: pledges are taken only on the current version of a scheme open for pledges' using errcode = 'check_violation';
        end if;
        if not exists (select 1 from cost_scheme_households where id = NEW.household_id and version_id = NEW.version_id) then
          raise exception 'gz_cost_pledge: the household is not in this version' using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      if TG_OP = 'DELETE' then
        raise exception 'gz_cost_pledge: a pledge is kept' using errcode = 'check_violation';
      end if;
      if (NEW.id, NEW.scheme_id, NEW.version_id, NEW.household_id, NEW.amount_fen, NEW.reason, NEW.channel, NEW.pledged_by, NEW.recorded_by, NEW.scan_key, NEW.pledged_at, NEW.is_demo)
         is distinct from
         (OLD.id, OLD.scheme_id, OLD.version_id, OLD.household_id, OLD.amount_fen, OLD.reason, OLD.channel, OLD.pledged_by, OLD.recorded_by, OLD.scan_key, OLD.pledged_at, OLD.is_demo) then
        raise exception 'gz_cost_pledge: what was pledged does not change' using errcode = 'check_violation';
      end if;
      if NEW.status = OLD.status and NEW is not distinct from OLD then
        return NEW;
      end if;
      if not (OLD.status = 'pledged' and NEW.status in ('withdrawn', 'released', 'paid')) then
        raise exception 'gz_cost_pledge: % → % is not allowed', OLD.status, NEW.status using errcode = 'check_violation';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_cost_pledge_guard before insert or update or delete on cost_pledges for each row execute function gz_cost_pledge_guard()`.execute(
    db,
  );

  // ---- payments and refunds
  await sql`
    create function gz_cost_payment_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'INSERT' then
        if not exists (select 1 from cost_pledges where id = NEW.pledge_id and status = 'paid') then
          raise exception 'gz_cost_payment: a payment is recorded for a paid pledge' using errcode = 'check_violation';
        end if;
        if NEW.refund_due_at is not null then
          raise exception 'gz_cost_payment: a payment is marked for refund after it is recorded' using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      if TG_OP = 'DELETE' then
        raise exception 'gz_cost_payment: a payment is kept' using errcode = 'check_violation';
      end if;
      if (NEW.id, NEW.pledge_id, NEW.amount_fen, NEW.paid_on, NEW.method, NEW.receipt_no, NEW.scan_key, NEW.recorded_by, NEW.recorded_at, NEW.is_demo)
         is distinct from
         (OLD.id, OLD.pledge_id, OLD.amount_fen, OLD.paid_on, OLD.method, OLD.receipt_no, OLD.scan_key, OLD.recorded_by, OLD.recorded_at, OLD.is_demo)
         or OLD.refund_due_at is not null then
        raise exception 'gz_cost_payment: a payment is kept as recorded; it is only marked for refund, once' using errcode = 'check_violation';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_cost_payment_guard before insert or update or delete on cost_payments for each row execute function gz_cost_payment_guard()`.execute(
    db,
  );

  await sql`
    create function gz_cost_refund_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'INSERT' then
        if not exists (select 1 from cost_payments where id = NEW.payment_id and refund_due_at is not null and amount_fen = NEW.amount_fen) then
          raise exception 'gz_cost_refund: a refund returns the whole of a payment marked for refund' using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      raise exception 'gz_cost_refund: a refund is kept as recorded' using errcode = 'check_violation';
    end $$`.execute(db);
  await sql`create trigger gz_cost_refund_guard before insert or update or delete on cost_refunds for each row execute function gz_cost_refund_guard()`.execute(
    db,
  );

  await sql`
    create function gz_cost_money_bump_version() returns trigger language plpgsql as $$
    begin
      update disclosure_version set version = version + 1 where id = 1;
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_cost_payment_version after insert or update on cost_payments for each row execute function gz_cost_money_bump_version()`.execute(
    db,
  );
  await sql`create trigger gz_cost_refund_version after insert on cost_refunds for each row execute function gz_cost_money_bump_version()`.execute(db);
  // the project page lists schemes with their state: a transition changes it
  await sql`create trigger gz_cost_scheme_version after update of status on cost_schemes for each row when (OLD.status is distinct from NEW.status) execute function gz_cost_money_bump_version()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'cost_refunds',
    'cost_payments',
    'cost_pledges',
    'cost_scheme_objections',
    'cost_scheme_shares',
    'cost_scheme_households',
    'cost_scheme_versions',
    'cost_schemes',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  for (const f of [
    'gz_cost_money_bump_version',
    'gz_cost_refund_guard',
    'gz_cost_payment_guard',
    'gz_cost_pledge_guard',
    'gz_cost_objection_guard',
    'gz_cost_share_guard',
    'gz_cost_version_guard',
    'gz_cost_scheme_guard',
  ]) {
    await sql.raw(`drop function if exists ${f}()`).execute(db);
  }
}
