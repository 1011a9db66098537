import type { ColumnType, Generated } from 'kysely';
import type { Channel, Choice, NotificationKind, NotificationState } from './core/kinds.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Defaulted = ColumnType<Date, Date | string | undefined, Date | string>;

/** Migration 0035: one outbox for in-app messages and text messages. */
export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  kind: NotificationKind;
  channel: Channel;
  /** the Chinese text: the text message, and the inbox in Chinese */
  body: string;
  /** the English text (migration 0046), shown in the English inbox; null on rows queued before it */
  body_en: ColumnType<string | null, string | null | undefined, string | null>;
  link: string | null;
  source: string | null;
  due_at: Defaulted;
  state: Generated<NotificationState>;
  attempts: Generated<number>;
  last_error: string | null;
  sent_at: Timestamp | null;
  read_at: Timestamp | null;
  created_at: Defaulted;
}

export interface NotificationPrefsTable {
  user_id: number;
  kind: NotificationKind;
  choice: Choice;
  updated_at: Defaulted;
}

/** Migration 0072: a vote's message to its roll (opened, closing in 24 hours) the job loop has made: once a vote and message. */
export interface VoteMessagesMadeTable {
  ballot_id: number;
  kind: 'vote_opened' | 'vote_closing_24h';
  made_at: Timestamp;
  /** the rows it queued */
  queued: Generated<number>;
}
