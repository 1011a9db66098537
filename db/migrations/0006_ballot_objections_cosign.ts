import { sql, type Kysely } from 'kysely';

// Frozen once landed. The objection period of a ballot's preliminary result (公示期异议)
// and the owners' committee's co-signatures of a bulletin version.
//
// An objection concerns one published bulletin version; it is public and dated, and names
// its objector only by a flat (building/entrance/room). Who lodged it online, or which
// staff member recorded the paper letter, is kept but never published. What was objected
// never changes; the office's response is written once.
//
// A co-signature is an owners' committee member signing a bulletin version (name, role,
// date), recorded by staff with an optional scan of the signed sheet kept privately.
// Only a ballot convened by the owners' committee can be co-signed (also refused here).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ballot_objections')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('ballot_id', 'integer', (c) => c.notNull().references('ballots.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('received_on', 'date', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('online', 'written')`))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('building', 'text', (c) => c.notNull())
    .addColumn('entrance', 'text', (c) => c.notNull())
    .addColumn('room', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 2000`))
    // private: the owner who lodged it online, or the staff member who recorded the letter
    .addColumn('lodged_by', 'integer', (c) => c.references('users.id'))
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id'))
    .addColumn('response', 'text', (c) => c.check(sql`length(response) between 1 and 2000`))
    .addColumn('responded_at', 'timestamptz')
    .addColumn('responded_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('ballot_objections_bulletin_fk', ['ballot_id', 'version'], 'ballot_bulletins', ['ballot_id', 'version'])
    .addCheckConstraint('ballot_objections_who', sql`(channel = 'online' and lodged_by is not null) or (channel = 'written' and recorded_by is not null)`)
    .addCheckConstraint('ballot_objections_response', sql`(response is null) = (responded_at is null) and (response is null) = (responded_by is null)`)
    .execute();
  await db.schema.createIndex('ballot_objections_ballot_idx').on('ballot_objections').columns(['ballot_id', 'version']).execute();

  await db.schema
    .createTable('ballot_cosignatures')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('ballot_id', 'integer', (c) => c.notNull().references('ballots.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('member_name', 'text', (c) => c.notNull().check(sql`length(member_name) between 1 and 50`))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('chair', 'vice_chair', 'member')`))
    .addColumn('signed_on', 'date', (c) => c.notNull())
    .addColumn('recorded_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('scan_storage_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('ballot_cosignatures_bulletin_fk', ['ballot_id', 'version'], 'ballot_bulletins', ['ballot_id', 'version'])
    .addUniqueConstraint('ballot_cosignatures_member_uq', ['ballot_id', 'version', 'member_name'])
    .execute();

  // What was objected, when and by which flat never changes; the response is written once.
  await sql`
    create function gz_ballot_objection_kept() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'DELETE' then
        raise exception 'objection % is part of the public record and cannot be deleted', OLD.id using errcode = 'P0001';
      end if;
      if (NEW.ballot_id, NEW.version, NEW.received_on, NEW.channel, NEW.unit_id, NEW.building, NEW.entrance, NEW.room, NEW.body, NEW.lodged_by, NEW.recorded_by, NEW.created_at)
         is distinct from (OLD.ballot_id, OLD.version, OLD.received_on, OLD.channel, OLD.unit_id, OLD.building, OLD.entrance, OLD.room, OLD.body, OLD.lodged_by, OLD.recorded_by, OLD.created_at)
         or (OLD.response is not null and (NEW.response, NEW.responded_at, NEW.responded_by) is distinct from (OLD.response, OLD.responded_at, OLD.responded_by)) then
        raise exception 'objection % cannot change: only a response may be added, once', OLD.id using errcode = 'P0001';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_ballot_objection_kept before update or delete on ballot_objections for each row execute function gz_ballot_objection_kept()`.execute(
    db,
  );

  await sql`
    create function gz_ballot_cosign_convener() returns trigger language plpgsql as $$
    begin
      if not exists (select 1 from ballots where id = NEW.ballot_id and convener = 'owners_committee') then
        raise exception 'ballot % was not convened by the owners'' committee: it cannot co-sign the result', NEW.ballot_id using errcode = 'P0001';
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger gz_ballot_cosign_convener before insert or update on ballot_cosignatures for each row execute function gz_ballot_cosign_convener()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ballot_cosignatures').ifExists().execute();
  await db.schema.dropTable('ballot_objections').ifExists().execute();
  await sql`drop function if exists gz_ballot_cosign_convener()`.execute(db);
  await sql`drop function if exists gz_ballot_objection_kept()`.execute(db);
}
