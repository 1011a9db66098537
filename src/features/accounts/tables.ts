import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type Role = 'resident' | 'staff' | 'district_admin';

export interface UsersTable {
  id: Generated<number>;
  phone: string;
  phone_verified_at: Timestamp | null;
  password_hash: string;
  display_name: string;
  role: Generated<Role>;
  subdistrict_id: number | null;
  community_id: number | null;
  owner_status_held_since: Timestamp | null;
  disabled_at: Timestamp | null;
  /** the person closed the account: its personal data is erased (migration 0015) */
  closed_at: Timestamp | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  expires_at: Timestamp;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SmsCodesTable {
  id: Generated<number>;
  phone: string;
  purpose: 'signup' | 'reset';
  code_hash: string;
  attempts: Generated<number>;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SmsOutboxTable {
  id: Generated<number>;
  phone: string;
  body: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RateLimitsTable {
  bucket: string;
  key: string;
  window_start: Timestamp;
  hits: number;
}
