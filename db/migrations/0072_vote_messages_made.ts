import { sql, type Kysely } from 'kysely';

// Frozen once landed. A vote's messages to the owners on its roll ("vote opened", and the
// reminder 24 hours before its end) are no longer queued in the opening's transaction (four
// rows an owner: 146,440 rows, a third of the time of opening a 50,000-household vote) but
// made by the job loop: the opening at its next run, the reminder when it is due and only for
// the owners who have not voted. One row per vote and message made: the loop inserts it first,
// in the transaction that queues the messages, so a second loop (another server instance)
// waits on its key, then finds it and makes nothing; the outbox's unique index (user_id,
// kind, channel, source) holds besides. Votes opened before this migration queued both at
// their opening: they are marked made.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table vote_messages_made (
    ballot_id integer not null references ballots(id) on delete cascade,
    kind text not null check (kind in ('vote_opened', 'vote_closing_24h')),
    made_at timestamptz not null,
    queued integer not null default 0 check (queued >= 0),
    primary key (ballot_id, kind)
  )`.execute(db);
  await sql`insert into vote_messages_made (ballot_id, kind, made_at)
    select b.id, k.kind, b.opened_at from ballots b cross join (values ('vote_opened'), ('vote_closing_24h')) k(kind)
    where b.opened_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists vote_messages_made`.execute(db);
}
