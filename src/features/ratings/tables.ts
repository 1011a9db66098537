import type { ColumnType, Generated } from 'kysely';

type Scores = { g1: number; g2: number; g3: number; g4: number; g5: number; g6: number; g7: number; g8: number; g9: number; g10: number };

/** Migration 0033: one rating roll per project, frozen when staff open its rating. */
export interface RatingRollsTable {
  project_id: number;
  opened_at: ColumnType<Date, Date | undefined, never>;
  opened_by: number;
  households: number;
}
export interface RatingHouseholdsTable {
  id: Generated<number>;
  project_id: number;
  code: string;
}
export interface RatingHouseholdUnitsTable {
  household_id: number;
  unit_id: number;
  /** building-entrance-room, as frozen */
  label: string;
}
export interface RatingHouseholdOwnersTable {
  household_id: number;
  register_owner_id: number;
}
/** One row per household that rated: its current version. The database sets revise_until and guards revisions (gz_rating_guard). */
export interface RatingsTable extends Scores {
  id: Generated<number>;
  project_id: number;
  household_id: number;
  first_rated_at: ColumnType<Date, Date | undefined, never>;
  revise_until: ColumnType<Date, never, never>;
  rated_at: ColumnType<Date, never, never>;
  version: ColumnType<number, never, number>;
  comment: string | null;
}
/** Every version of every rating, append-only. */
export interface RatingRevisionsTable extends Scores {
  id: Generated<number>;
  rating_id: number;
  version: number;
  rated_by: number;
  channel: 'online' | 'paper';
  scan_storage_key: string | null;
  at: ColumnType<Date, Date | undefined, never>;
  comment: string | null;
}
/** Migration 0048: per project, households that rated and how many current ratings give each goal each score (kept by gz_rating_tally). */
export interface RatingTalliesTable {
  project_id: number;
  responses: number;
  /** 50 counts: goal g, score s at index (g − 1) × 5 + s − 1 (0-based) */
  counts: number[];
}
/** Migration 0056: comments written before it were for the office only and are never shown publicly. */
export interface RatingCommentsPublicSinceTable {
  id: number;
  /** revisions up to this id were written before comments were public */
  after_revision_id: ColumnType<string, never, never>;
}
/** Migration 0056: the moderation of one revision's comment; no row means shown. */
export interface RatingCommentStatesTable {
  rating_id: number;
  version: number;
  project_id: number;
  hidden_at: Date | null;
  hide_kind: 'staff' | 'reports' | null;
  hidden_by: number | null;
  hidden_reason: string | null;
  reviewed_at: Date | null;
}
/** One report per person and revision; `verified` and `created_at` are set by the database. */
export interface RatingCommentReportsTable {
  rating_id: number;
  version: number;
  reporter_user_id: number;
  verified: ColumnType<boolean, never, never>;
  created_at: ColumnType<Date, never, never>;
}
/** Every hide, automatic hide and restore, append-only. */
export interface RatingCommentModerationTable {
  id: Generated<number>;
  rating_id: number;
  version: number;
  action: 'auto_hide' | 'hide' | 'restore';
  reason: string | null;
  actor_user_id: number | null;
  at: ColumnType<Date, never, never>;
}
