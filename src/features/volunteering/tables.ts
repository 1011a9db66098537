import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** Set by the database (triggers, defaults): never written by the code. */
type ByDatabase<T> = ColumnType<T, never, never>;

export const SIGNUP_STATUSES = ['confirmed', 'waiting', 'cancelled', 'attended'] as const;
export type SignupStatus = (typeof SIGNUP_STATUSES)[number];

export interface VolunteerTasksTable {
  id: Generated<number>;
  project_id: number;
  title: string;
  place: string;
  details: Generated<string>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  places: number;
  taken: ColumnType<number, never, never>;
  next_seq: ColumnType<number, never, never>;
  created_by: number | null;
  is_demo: Generated<boolean>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface VolunteerSignupsTable {
  id: Generated<number>;
  task_id: ColumnType<number, number, never>;
  user_id: ColumnType<number, number, never>;
  /** decided by the database on insert (confirmed while places are left, else waiting) */
  status: ColumnType<SignupStatus, never, SignupStatus>;
  seq: ByDatabase<number>;
  created_at: ByDatabase<Date>;
  promoted_at: ByDatabase<Date | null>;
  cancelled_at: ColumnType<Date | null, never, Date | string | null>;
  minutes: ColumnType<number | null, never, number | null>;
  attendance_by: ColumnType<number | null, never, number | null>;
  attendance_at: ColumnType<Date | null, never, Date | string | null>;
}
