import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import { defaultChoice, NOTIFICATION_KINDS, type Choice, type NotificationKind } from '../core/kinds.ts';

type DB = Kysely<Database>;
export const INBOX_SIZE = 30;

export interface InboxItem {
  id: number;
  kind: NotificationKind;
  body: string;
  /** the English text; null on messages queued before migration 0046 (shown in Chinese) */
  bodyEn: string | null;
  link: string | null;
  sentAt: Date;
  read: boolean;
}

/** A person's in-app messages that went out, newest first, and how many are unread. */
export async function inboxOf(db: DB, userId: number): Promise<{ items: InboxItem[]; unread: number }> {
  const [rows, unread] = await Promise.all([
    db
      .selectFrom('notifications')
      .select(['id', 'kind', 'body', 'body_en', 'link', 'sent_at', 'read_at'])
      .where('user_id', '=', userId)
      .where('channel', '=', 'inapp')
      .where('state', '=', 'sent')
      .orderBy('id', 'desc')
      .limit(INBOX_SIZE)
      .execute(),
    db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('channel', '=', 'inapp')
      .where('state', '=', 'sent')
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({ id: r.id, kind: r.kind, body: r.body, bodyEn: r.body_en, link: r.link, sentAt: r.sent_at!, read: r.read_at !== null })),
    unread: Number(unread.n),
  };
}

/** Each kind with the person's choice (the default where they chose nothing). */
export async function preferencesOf(db: DB, userId: number): Promise<{ kind: NotificationKind; choice: Choice }[]> {
  const rows = await db.selectFrom('notification_prefs').select(['kind', 'choice']).where('user_id', '=', userId).execute();
  const chosen = new Map(rows.map((r) => [r.kind, r.choice]));
  return NOTIFICATION_KINDS.map((kind) => ({ kind, choice: chosen.get(kind) ?? defaultChoice(kind) }));
}

/** The owner of a message, for the policy check; null when there is no such message. */
export async function notificationResource(db: DB, id: number): Promise<{ userId: number } | null> {
  const row = await db.selectFrom('notifications').select('user_id').where('id', '=', id).executeTakeFirst();
  return row ? { userId: row.user_id } : null;
}
