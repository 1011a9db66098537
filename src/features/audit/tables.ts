import type { ColumnType, Generated } from 'kysely';

export interface AuditLogTable {
  id: Generated<number>;
  at: ColumnType<Date, Date, never>;
  actor_user_id: number | null;
  action: string;
  target: string;
  detail: ColumnType<Record<string, unknown>, string, never>;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  /** the Asia/Shanghai day the head was recorded on, YYYY-MM-DD */
  day: string;
  entry_id: number;
  hash: string;
  recorded_at: ColumnType<Date, Date | undefined, never>;
}
