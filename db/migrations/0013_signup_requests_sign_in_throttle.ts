import { sql, type Kysely } from 'kysely';

// Frozen once landed. "Trust first" #9:
// - a sign-up is a request (its own password hash and its own SMS code) until its code is
//   confirmed; only then is the account created, so a second sign-up for the same
//   unconfirmed number can no longer replace the first one's password;
// - failed sign-ins slow down (a required wait, doubling) per account, per address and per
//   known device instead of counting towards a lockout;
// - a browser that signed in to an account before is a known device of it: an attacker's
//   failures from elsewhere do not slow its owner down.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signup_requests')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('code_expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('consumed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('signup_requests_phone_idx').on('signup_requests').columns(['phone', 'created_at']).execute();

  await db.schema
    .createTable('sign_in_throttle')
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().check(sql`failures >= 0`))
    .addColumn('last_failure_at', 'timestamptz', (c) => c.notNull())
    .addColumn('blocked_until', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('sign_in_throttle_pk', ['bucket', 'key'])
    .execute();

  await db.schema
    .createTable('sign_in_devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sign_in_devices_user_idx').on('sign_in_devices').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['sign_in_devices', 'sign_in_throttle', 'signup_requests']) await db.schema.dropTable(t).ifExists().execute();
}
