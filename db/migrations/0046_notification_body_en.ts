import { sql, type Kysely } from 'kysely';

// Frozen once landed. Every message is written in both languages: body stays the Chinese text
// (the text message, and the inbox in Chinese), body_en is the English one the inbox shows to a
// reader of the English portal. The portal keeps no language preference per person (the
// language is the reader's cookie), so a text message goes out in Chinese. Null for rows
// queued before this migration.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('notifications')
    .addColumn('body_en', 'text', (c) => c.check(sql`body_en is null or length(body_en) between 1 and 500`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('body_en').execute();
}
