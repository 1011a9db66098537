import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export const CONSULTATION_STATUSES = ['open', 'closed', 'reported'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];
export const CHANNELS = ['online', 'paper', 'in_person'] as const;
export type Channel = (typeof CHANNELS)[number];
export type AuthorKind = 'staff' | 'owner' | 'resident';
export const DISPOSITIONS = ['adopted', 'partly', 'not_adopted', 'answered'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];
export type ModerationAction = 'auto_hide' | 'hide' | 'restore' | 'keep_hidden';

/** Migration 0024: open → closed → reported, enforced by the database (gz_consultation_guard). */
export interface ConsultationsTable {
  id: Generated<number>;
  project_id: number;
  ballot_id: number | null;
  title: string;
  body: Generated<string>;
  status: Generated<ConsultationStatus>;
  opened_at: ColumnType<Date, Date | string | undefined, Date | string>;
  closes_at: Timestamp;
  closed_at: Timestamp | null;
  early_close_reason: string | null;
  reported_at: Timestamp | null;
  report_notice_id: number | null;
  created_by: number | null;
  closed_by: number | null;
  reported_by: number | null;
  is_demo: Generated<boolean>;
}

export interface ConsultationDocumentsTable {
  consultation_id: number;
  document_id: number;
}

export interface ConsultationCommentsTable {
  id: Generated<number>;
  consultation_id: number;
  parent_id: number | null;
  author_user_id: number | null;
  entered_by: number | null;
  channel: Channel;
  author_kind: AuthorKind;
  building_label: string | null;
  body: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  edited_at: Timestamp | null;
  deleted_at: Timestamp | null;
  hidden_at: Timestamp | null;
  hide_kind: 'staff' | 'reports' | null;
  hidden_by: number | null;
  hidden_reason: string | null;
  reviewed_at: Timestamp | null;
  is_demo: Generated<boolean>;
}

export interface ConsultationCommentReportsTable {
  comment_id: number;
  reporter_user_id: number;
  verified: Generated<boolean>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface ConsultationModerationTable {
  id: Generated<number>;
  comment_id: number;
  action: ModerationAction;
  reason: string | null;
  actor_user_id: number | null;
  at: ColumnType<Date, Date | string | undefined, never>;
}

/** The record copied at the close (trigger); only the disposition columns change, while closed. */
export interface ConsultationOpinionsTable {
  id: Generated<number>;
  consultation_id: number;
  comment_id: number;
  channel: Channel;
  author_kind: AuthorKind;
  building_label: string | null;
  body: string | null;
  written_at: Timestamp;
  disposition: Disposition | null;
  disposition_reason: string | null;
  disposed_by: number | null;
  disposed_at: Timestamp | null;
}
