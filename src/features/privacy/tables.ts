import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type ConsentPurpose = 'id_number' | 'proof';

export interface PrivacyConsentsTable {
  id: Generated<number>;
  user_id: number;
  purpose: ConsentPurpose;
  notice_version: string;
  given_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Who a closed account was, kept only for ballot evidence until keep_until. */
export interface ClosedClaim {
  unitId: number;
  registerOwnerId: number | null;
  status: string;
  method: string;
  ground: string | null;
  decidedAt: string | null;
}

export interface ClosedAccountEvidenceTable {
  user_id: number;
  display_name: string;
  phone: string;
  /** the closed account's claims as they stood: which flat and register owner, status, method, ground, decided when */
  claims: ColumnType<ClosedClaim[], string | undefined, string>;
  closed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  keep_until: Timestamp;
}
