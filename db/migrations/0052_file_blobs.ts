import { sql, type Kysely } from 'kysely';

// Frozen once landed. Uploaded files in the database, so that every instance on one
// PostgreSQL serves the same drawings, proofs and scans (src/lib/files/database-store.ts).
// Content-addressed by sha256, in chunks of about 1 MB so a large file is written and read
// a chunk at a time. `store` keeps the public documents apart from the private ones
// (proofs, scans) as the two local directories do: removing a private proof must not
// remove a published document that happens to have the same bytes.
// The embedded engine keeps its local directory; these tables stay empty there.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table file_blobs (
      store text not null check (store in ('public', 'private')),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      size bigint not null check (size >= 0),
      chunk_size integer not null check (chunk_size > 0),
      created_at timestamptz not null default now(),
      primary key (store, sha256)
    )`.execute(db);
  await sql`
    create table file_chunks (
      store text not null,
      sha256 text not null,
      n integer not null check (n >= 0),
      bytes bytea not null,
      primary key (store, sha256, n),
      foreign key (store, sha256) references file_blobs (store, sha256) on delete cascade
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table file_chunks`.execute(db);
  await sql`drop table file_blobs`.execute(db);
}
