import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface RegisterOwnersTable {
  id: Generated<number>;
  estate_id: number;
  name: string;
  id_type: 'resident_id' | 'uscc' | 'passport' | 'hmt_permit';
  id_hash: string;
  id_key_version: number;
  id_last4: string;
  phone: string | null;
  legal_basis: Generated<'register' | 'inheritance' | 'court' | 'occupation'>;
  proof_storage_key: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  removed_at: Timestamp | null;
}

export interface UnitOwnersTable {
  unit_id: number;
  owner_id: number;
}

export interface RegisterImportsTable {
  id: Generated<number>;
  estate_id: number;
  user_id: number;
  file_name: string;
  sha256: string;
  status: Generated<'preview' | 'confirmed' | 'discarded'>;
  summary: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  confirmed_at: Timestamp | null;
}

export interface OwnerVerificationsTable {
  id: Generated<number>;
  user_id: number;
  unit_id: number;
  register_owner_id: number | null;
  status: 'pending' | 'review' | 'verified' | 'rejected' | 'revoked';
  method: 'auto' | 'proof' | 'staff';
  claimed_name: string;
  claimed_id_type: string | null;
  claimed_id_hash: string | null;
  claimed_id_key_version: number | null;
  claimed_id_last4: string | null;
  proof_storage_key: string | null;
  proof_mime: string | null;
  reason: string | null;
  ground: 'certificate' | 'proof' | 'register_corrected' | 'inheritance' | 'court' | 'occupation' | null;
  decided_by: number | null;
  decided_at: Timestamp | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** the proof file was deleted (180 days after the decision) */
  proof_deleted_at: Timestamp | null;
  /** staff keep the proof past 180 days: the decision is disputed */
  proof_disputed_at: Timestamp | null;
}
