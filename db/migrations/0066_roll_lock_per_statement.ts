import { sql, type Kysely } from 'kysely';

// Frozen once landed. The lock on a ballot's roll (gz_ballot_locked, 0004: no voter, flat or
// owner of the roll changes once the ballot is open or closed) checked once a statement over
// the rows it touched, instead of once a row: freezing a 50,000-household roll writes some
// 150,000 rows, and the row trigger alone took seconds. Same refusal, same message; matters
// and scopes (a handful of rows) keep the row trigger.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function gz_roll_locked() returns trigger language plpgsql as $$
    declare
      bid integer;
    begin
      if TG_TABLE_NAME = 'ballot_voters' then
        if TG_OP <> 'DELETE' then
          select min(b.id) into bid from ballots b where b.status in ('open', 'closed') and b.id in (select n.ballot_id from new_rows n);
        end if;
        if bid is null and TG_OP <> 'INSERT' then
          select min(b.id) into bid from ballots b where b.status in ('open', 'closed') and b.id in (select o.ballot_id from old_rows o);
        end if;
      else
        if TG_OP <> 'DELETE' then
          select min(b.id) into bid from ballots b where b.status in ('open', 'closed')
            and b.id in (select bv.ballot_id from ballot_voters bv where bv.id in (select n.voter_id from new_rows n));
        end if;
        if bid is null and TG_OP <> 'INSERT' then
          select min(b.id) into bid from ballots b where b.status in ('open', 'closed')
            and b.id in (select bv.ballot_id from ballot_voters bv where bv.id in (select o.voter_id from old_rows o));
        end if;
      end if;
      if bid is not null then
        raise exception 'ballot % is open or closed: its matters, electorate and roll cannot change', bid using errcode = 'P0001';
      end if;
      return null;
    end $$`.execute(db);
  for (const table of ['ballot_voters', 'ballot_voter_units', 'ballot_voter_owners']) {
    const t = sql.table(table);
    await sql`drop trigger gz_ballot_locked on ${t}`.execute(db);
    await sql`create trigger gz_roll_locked_insert after insert on ${t} referencing new table as new_rows for each statement execute function gz_roll_locked()`.execute(
      db,
    );
    await sql`create trigger gz_roll_locked_update after update on ${t} referencing old table as old_rows new table as new_rows for each statement execute function gz_roll_locked()`.execute(
      db,
    );
    await sql`create trigger gz_roll_locked_delete after delete on ${t} referencing old table as old_rows for each statement execute function gz_roll_locked()`.execute(
      db,
    );
  }
}

export async function down(): Promise<void> {
  throw new Error('0066_roll_lock_per_statement cannot be undone: restore a backup');
}
