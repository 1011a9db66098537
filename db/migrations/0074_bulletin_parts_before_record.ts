import { sql, type Kysely } from 'kysely';

// Frozen once landed. A bulletin is published without ever being whole in the server's
// memory: its parts (ballot_bulletin_parts, 0065) are written as they are serialised from
// the database, and its record (ballot_bulletins: stage, sha256 of both forms, the full
// body joined from the parts by the database) only once both digests are known — the record
// is append-only, so it cannot be written first and completed later. The parts' reference
// to their record is therefore checked at commit: a transaction that leaves parts without
// their record still fails.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ballot_bulletin_parts alter constraint ballot_bulletin_parts_ballot_id_version_fkey deferrable initially deferred`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0074_bulletin_parts_before_record cannot be undone: restore a backup');
}
