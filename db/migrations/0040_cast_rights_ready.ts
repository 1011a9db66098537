import { sql, type Kysely } from 'kysely';
import { functionSql } from '../functions/load.ts';

// Frozen once landed. The right to cast kept ready for the cast, with the same rules and
// answers: ballot_cast_rights holds, for every open ballot, the rows gz_cast_voters answers
// for each account that may cast (voter, right, mandate, and the voter's code and receipt,
// frozen with the roll). Triggers on the tables that change the answer ask gz_cast_voters
// again for the accounts concerned (db/functions/gz_cast_rights.sql says which); gz_cast
// (loaded again from db/functions/gz_cast.sql) reads this table in one indexed lookup and
// asks gz_cast_voters itself only when the table names no voter.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table ballot_cast_rights (
      ballot_id integer not null,
      user_id integer not null references users (id) on delete cascade,
      voter_id integer not null,
      cast_right text not null check (cast_right in ('owner', 'new_owner', 'proxy')),
      mandate text,
      code text not null,
      receipt text not null,
      primary key (ballot_id, user_id, voter_id),
      foreign key (voter_id, ballot_id) references ballot_voters (id, ballot_id) on delete cascade
    )`.execute(db);
  await sql`create index ballot_cast_rights_voter_idx on ballot_cast_rights (voter_id)`.execute(db);
  // one function a statement (PGlite takes one command at a time)
  for (const fn of (await functionSql('gz_cast_rights')).split(/\n(?=create or replace function)/).filter((t) => t.includes('create or replace function'))) {
    await sql.raw(fn).execute(db);
  }
  for (const [table, fn] of [
    ['owner_verifications', 'gz_cast_rights_on_claims'],
    ['unit_owners', 'gz_cast_rights_on_holdings'],
    ['ballot_proxies', 'gz_cast_rights_on_mandates'],
  ] as const) {
    const t = sql.table(table);
    const f = sql.raw(fn);
    await sql`create trigger gz_cast_rights_insert after insert on ${t} referencing new table as new_rows for each statement execute function ${f}()`.execute(
      db,
    );
    await sql`create trigger gz_cast_rights_update after update on ${t} referencing old table as old_rows new table as new_rows for each statement execute function ${f}()`.execute(
      db,
    );
    await sql`create trigger gz_cast_rights_delete after delete on ${t} referencing old table as old_rows for each statement execute function ${f}()`.execute(
      db,
    );
  }
  await sql`create trigger gz_cast_rights_account after update of owner_status_held_since, disabled_at on users for each row
    when ((old.owner_status_held_since is null, old.disabled_at is null) is distinct from (new.owner_status_held_since is null, new.disabled_at is null))
    execute function gz_cast_rights_on_account()`.execute(db);
  await sql`create trigger gz_cast_rights_ballot after update of status on ballots for each row
    when ((old.status = 'open') is distinct from (new.status = 'open'))
    execute function gz_cast_rights_on_ballot()`.execute(db);
  // votes open when this lands
  await sql`select gz_cast_rights_fill(id) from ballots where status = 'open'`.execute(db);
  await sql.raw(await functionSql('gz_cast')).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0040_cast_rights_ready cannot be undone: restore a backup');
}
