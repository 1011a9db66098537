import { sql, type Kysely } from 'kysely';

// Frozen once landed. Big votes (50,000 households) without recomputing or rebuilding whole
// documents per request:
// - ballot_results: the figures of a closed ballot (results page, results.json), computed
//   once: a closed ballot's roll and counted choices never change again (casts refused by
//   gz_cast_open, the roll locked by gz_ballot_locked), so the figures never go stale;
// - ballot_bulletin_parts: each published bulletin, in both forms, cut at line ends into
//   parts that concatenate to the exact published bytes, so bulletin.json streams part by
//   part (keyset on seq) from the first byte; public_sha256 is the public form's digest,
//   known before a byte is read. Bulletins published before this have no parts and are
//   served whole as before.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table ballot_results (
      ballot_id integer primary key references ballots (id) on delete cascade,
      body text not null,
      computed_at timestamptz not null default now()
    )`.execute(db);
  await sql`create table ballot_bulletin_parts (
      ballot_id integer not null,
      version integer not null,
      form text not null check (form in ('full', 'public')),
      seq integer not null check (seq >= 0),
      body text not null,
      primary key (ballot_id, version, form, seq),
      foreign key (ballot_id, version) references ballot_bulletins (ballot_id, version)
    )`.execute(db);
  await sql`alter table ballot_bulletins add column public_sha256 text`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0065_ballot_results_and_bulletin_parts cannot be undone: restore a backup');
}
