import { sql, type Kysely } from 'kysely';

// Frozen once landed. Privacy (PIPL):
// - privacy_consents: separate consent, before collection, to processing an ID number (kept
//   only as a keyed hash and its last four) and a proof document (sensitive personal
//   information, Art. 29), with the version of the notice the person was shown;
// - proof documents of claims are deleted 180 days after the decision unless staff keep them
//   because the decision is disputed (proof_deleted_at, proof_disputed_at);
// - a closed account (users.closed_at) keeps no personal data; what ballot evidence needs
//   (who cast a ballot) is kept apart until the one-year challenge period of the last vote
//   it cast in is over (SPC interpretation on building ownership, Art. 12), then erased —
//   with the claims that linked the account to a flat and a register owner.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('privacy_consents')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('id_number', 'proof')`))
    .addColumn('notice_version', 'text', (c) => c.notNull())
    .addColumn('given_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('privacy_consents_user_idx').on('privacy_consents').column('user_id').execute();

  await db.schema.alterTable('owner_verifications').addColumn('proof_deleted_at', 'timestamptz').execute();
  await db.schema.alterTable('owner_verifications').addColumn('proof_disputed_at', 'timestamptz').execute();
  await sql`create index owner_verifications_proof_due_idx on owner_verifications (decided_at) where proof_storage_key is not null`.execute(db);

  await db.schema.alterTable('users').addColumn('closed_at', 'timestamptz').execute();
  await db.schema
    .createTable('closed_account_evidence')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    // the account's claims as they stood (flat, register owner, status, how decided): the claim rows themselves are deleted at the close
    .addColumn('claims', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('closed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('keep_until', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('closed_account_evidence').ifExists().execute();
  await db.schema.alterTable('users').dropColumn('closed_at').execute();
  await sql`drop index if exists owner_verifications_proof_due_idx`.execute(db);
  await db.schema.alterTable('owner_verifications').dropColumn('proof_disputed_at').execute();
  await db.schema.alterTable('owner_verifications').dropColumn('proof_deleted_at').execute();
  await db.schema.dropTable('privacy_consents').ifExists().execute();
}
