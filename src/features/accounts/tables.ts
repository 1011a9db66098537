import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type Role = 'resident' | 'staff' | 'district_admin' | 'province_admin';

export interface UsersTable {
  id: Generated<number>;
  phone: string;
  phone_verified_at: Timestamp | null;
  password_hash: string;
  display_name: string;
  role: Generated<Role>;
  subdistrict_id: number | null;
  community_id: number | null;
  /** the district a district admin administers; null for every other role (0057) */
  district_id: Generated<number | null>;
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

/** A sign-up waiting for its SMS code: the account is created from it once the code is confirmed. */
export interface SignupRequestsTable {
  id: Generated<number>;
  token_hash: string;
  phone: string;
  display_name: string;
  password_hash: string;
  code_hash: string;
  attempts: Generated<number>;
  code_expires_at: Timestamp;
  consumed_at: Timestamp | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Failed sign-ins per account, address or known device, and the wait they impose. */
export interface SignInThrottleTable {
  bucket: string;
  key: string;
  failures: number;
  last_failure_at: Timestamp;
  blocked_until: Timestamp;
}

/** Browsers that signed in to an account before (the cookie holds a token, this its SHA-256). */
export interface SignInDevicesTable {
  id: string;
  user_id: number;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_used_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
