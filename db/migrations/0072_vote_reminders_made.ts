import { sql, type Kysely } from 'kysely';

// Frozen once landed. A vote's reminder 24 hours before its end is no longer queued at the
// opening (two rows per owner written in the opening's transaction: a third of the time of
// opening a 50,000-household vote) but made by the job loop when it is due, for the owners on
// the roll who have not voted. One row per vote whose reminders were made: the loop inserts it
// first, in the transaction that queues the reminders, so a second loop (another server
// instance) waits on its key, then finds it and makes nothing; the outbox's unique index
// (user_id, kind, channel, source) holds besides.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table vote_reminders_made (
    ballot_id integer primary key references ballots(id) on delete cascade,
    made_at timestamptz not null,
    queued integer not null default 0 check (queued >= 0)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists vote_reminders_made`.execute(db);
}
