import { sql, type Kysely } from 'kysely';

// Frozen once landed. The audit chain cannot be rewritten quietly.
//
// 1. The log is append-only whatever code path writes: UPDATE, DELETE and TRUNCATE of
//    audit_log are refused by triggers. They stop mistakes and the application's own code,
//    not the database's owner: whoever owns the table — the role the portal connects as,
//    which ran these migrations — or a superuser can switch triggers off (ALTER TABLE …
//    DISABLE TRIGGER, session_replication_role) and rewrite it; 2. is what then shows it.
// 2. The chain head (entry id + hash) is recorded once per Asia/Shanghai day in
//    audit_heads, itself append-only; the heads are published (/api/audit/heads.json, the
//    result notices of owners' votes), so a history rewritten and re-hashed afterwards no
//    longer matches what was published, and `npm run audit:verify` checks every recorded
//    head against the log. A head must name an existing entry with exactly its hash, is
//    recorded for today only (Asia/Shanghai, by the database clock: a head dated in the
//    future would stop the daily recording), and heads only move forward.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function gz_audit_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % refused', TG_TABLE_NAME, TG_OP using errcode = 'P0001';
    end $$`.execute(db);
  await sql`create trigger gz_audit_append_only before update or delete on audit_log for each row execute function gz_audit_append_only()`.execute(db);
  await sql`create trigger gz_audit_no_truncate before truncate on audit_log for each statement execute function gz_audit_append_only()`.execute(db);
  // what one person recorded: a look at a ballot's roll is recorded once a day per person and ballot
  await sql`create index audit_log_actor_idx on audit_log (actor_user_id, action, target, at)`.execute(db);

  await db.schema
    .createTable('audit_heads')
    // the Asia/Shanghai day the head was recorded on: at most one head a day
    .addColumn('day', 'date', (c) => c.primaryKey())
    .addColumn('entry_id', 'bigint', (c) => c.notNull().references('audit_log.id'))
    .addColumn('hash', 'text', (c) => c.notNull().check(sql`hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await sql`
    create function gz_audit_head_check() returns trigger language plpgsql as $$
    declare
      last record;
    begin
      if not exists (select 1 from audit_log where id = NEW.entry_id and hash = NEW.hash) then
        raise exception 'audit head of % does not match entry %', NEW.day, NEW.entry_id using errcode = 'P0001';
      end if;
      if NEW.day is distinct from (now() at time zone 'Asia/Shanghai')::date then
        raise exception 'an audit head is recorded for today only (%), not for %', (now() at time zone 'Asia/Shanghai')::date, NEW.day using errcode = 'P0001';
      end if;
      select day, entry_id into last from audit_heads order by day desc limit 1;
      if found and (NEW.day <= last.day or NEW.entry_id < last.entry_id) then
        raise exception 'audit heads only move forward (last: % at entry %)', last.day, last.entry_id using errcode = 'P0001';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_audit_head_check before insert on audit_heads for each row execute function gz_audit_head_check()`.execute(db);
  await sql`create trigger gz_audit_append_only before update or delete on audit_heads for each row execute function gz_audit_append_only()`.execute(db);
  await sql`create trigger gz_audit_no_truncate before truncate on audit_heads for each statement execute function gz_audit_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_heads').ifExists().execute();
  await sql`drop index if exists audit_log_actor_idx`.execute(db);
  await sql`drop trigger if exists gz_audit_append_only on audit_log`.execute(db);
  await sql`drop trigger if exists gz_audit_no_truncate on audit_log`.execute(db);
  await sql`drop function if exists gz_audit_head_check()`.execute(db);
  await sql`drop function if exists gz_audit_append_only()`.execute(db);
}
