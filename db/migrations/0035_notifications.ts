import { sql, type Kysely } from 'kysely';

// Frozen once landed. One outbox for what a resident is told, in the portal (inapp) and by
// text message (sms). Producers only insert rows, inside the transaction of the act that
// causes them; a job loop inside the server claims due rows with FOR UPDATE SKIP LOCKED
// (several server instances on one PostgreSQL never send a row twice) and moves each
// queued → sent | skipped | failed. sms_outbox (migration 0003) stays what it is: the demo
// provider's record of texts handed to it. Preferences: one row per person and kind where
// the person chose something other than the default.
export const KINDS = [
  'notice_on_my_estate',
  'consultation_on_my_estate',
  'vote_opened',
  'vote_closing_24h',
  'vote_result',
  'pledge_deadline_3d',
  'volunteer_task_tomorrow',
  'volunteer_promoted',
  'reply_to_my_comment',
  'rating_opened',
];

export async function up(db: Kysely<any>): Promise<void> {
  const kinds = sql.join(KINDS.map((k) => sql.lit(k)));
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in (${kinds})`))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('inapp', 'sms')`))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 500`))
    // a path inside the portal (/ballots/12), shown as a link in the inbox
    .addColumn('link', 'text', (c) => c.check(sql`link is null or link ~ '^/[A-Za-z0-9/_?=&.-]*$'`))
    // what caused it (ballot:12, notice:7): a person is told once per kind, channel and cause
    .addColumn('source', 'text')
    .addColumn('due_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('queued')
        .check(sql`state in ('queued', 'sent', 'skipped', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('read_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('notifications_read_inapp', sql`read_at is null or channel = 'inapp'`)
    .addCheckConstraint('notifications_sent_at', sql`(state = 'sent') = (sent_at is not null)`)
    .execute();
  // the loop's claim: queued rows in due order
  await sql`create index notifications_due_idx on notifications (due_at, id) where state = 'queued'`.execute(db);
  // the inbox: a person's in-app messages, newest first
  await sql`create index notifications_inbox_idx on notifications (user_id, id desc) where channel = 'inapp'`.execute(db);
  await sql`create unique index notifications_once_idx on notifications (user_id, kind, channel, source) where source is not null`.execute(db);

  await db.schema
    .createTable('notification_prefs')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in (${kinds})`))
    // off | portal (in-app only) | sms (in-app and text message)
    .addColumn('choice', 'text', (c) => c.notNull().check(sql`choice in ('off', 'portal', 'sms')`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('notification_prefs_pk', ['user_id', 'kind'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_prefs').ifExists().execute();
  await db.schema.dropTable('notifications').ifExists().execute();
}
