import { sql, type Kysely } from 'kysely';

// Frozen once landed. Accounts and sessions (Lucia's design: only the token's hash is
// stored), SMS codes and outbox, rate limits shared by every instance, the household
// register (ID numbers only as keyed hashes), owner verification and the audit chain.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('phone', 'text', (c) => c.notNull().unique())
    .addColumn('phone_verified_at', 'timestamptz')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c
        .notNull()
        .defaultTo('resident')
        .check(sql`role in ('resident', 'staff', 'district_admin')`),
    )
    .addColumn('subdistrict_id', 'integer', (c) => c.references('subdistricts.id'))
    .addColumn('community_id', 'integer', (c) => c.references('communities.id'))
    // after a password reset by SMS, owner status waits for staff (mobile numbers get reissued)
    .addColumn('owner_status_held_since', 'timestamptz')
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('users_staff_scope', sql`(role = 'staff') = (subdistrict_id is not null)`)
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey()) // sha256 of the token, hex
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('sms_codes')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('signup', 'reset')`))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('consumed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sms_codes_phone_idx').on('sms_codes').columns(['phone', 'purpose']).execute();

  await db.schema
    .createTable('sms_outbox')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('rate_limits')
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limits_pk', ['bucket', 'key', 'window_start'])
    .execute();

  await db.schema
    .createTable('register_owners')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('estate_id', 'integer', (c) => c.notNull().references('estates.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('id_type', 'text', (c) => c.notNull().check(sql`id_type in ('resident_id', 'uscc', 'passport', 'hmt_permit')`))
    .addColumn('id_hash', 'text', (c) => c.notNull()) // HMAC-SHA256 under the keyed version below
    .addColumn('id_key_version', 'integer', (c) => c.notNull())
    .addColumn('id_last4', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    // how the person became an owner: the property register, or (SPC Art. 1) inheritance,
    // a court judgment, or a buyer in lawful occupation added by staff with a proof
    .addColumn('legal_basis', 'text', (c) =>
      c
        .notNull()
        .defaultTo('register')
        .check(sql`legal_basis in ('register', 'inheritance', 'court', 'occupation')`),
    )
    .addColumn('proof_storage_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('removed_at', 'timestamptz')
    .execute();
  await sql`create unique index register_owners_identity_uq on register_owners (estate_id, id_type, id_hash) where removed_at is null`.execute(db);

  await db.schema
    .createTable('unit_owners')
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('register_owners.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('unit_owners_pk', ['unit_id', 'owner_id'])
    .execute();
  await db.schema.createIndex('unit_owners_owner_idx').on('unit_owners').column('owner_id').execute();

  await db.schema
    .createTable('register_imports')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('estate_id', 'integer', (c) => c.notNull().references('estates.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('preview')
        .check(sql`status in ('preview', 'confirmed', 'discarded')`),
    )
    .addColumn('summary', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('confirmed_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('owner_verifications')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('register_owner_id', 'integer', (c) => c.references('register_owners.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'verified', 'rejected', 'revoked')`))
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('auto', 'proof', 'staff')`))
    .addColumn('claimed_name', 'text', (c) => c.notNull())
    // what the resident entered, as a keyed hash: enough for staff to add them to the register
    .addColumn('claimed_id_type', 'text')
    .addColumn('claimed_id_hash', 'text')
    .addColumn('claimed_id_key_version', 'integer')
    .addColumn('claimed_id_last4', 'text')
    .addColumn('proof_storage_key', 'text')
    .addColumn('proof_mime', 'text')
    .addColumn('reason', 'text')
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // one register owner maps to at most one verified account
  await sql`create unique index owner_verifications_one_account_uq on owner_verifications (register_owner_id) where status = 'verified'`.execute(db);
  await db.schema.createIndex('owner_verifications_user_idx').on('owner_verifications').column('user_id').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'audit_log',
    'owner_verifications',
    'register_imports',
    'unit_owners',
    'register_owners',
    'rate_limits',
    'sms_outbox',
    'sms_codes',
    'sessions',
    'users',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
