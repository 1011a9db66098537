import type { ColumnType, Generated } from 'kysely';

export const DONATION_KINDS = ['money', 'goods', 'labour'] as const;
export type DonationKind = (typeof DONATION_KINDS)[number];
export const DONATION_STATUSES = ['offered', 'accepted', 'declined', 'received'] as const;
export type DonationStatus = (typeof DONATION_STATUSES)[number];

/** Migration 0022: states and transitions are enforced by the database (gz_donation_guard). */
export interface DonationsTable {
  id: Generated<number>;
  project_id: number;
  donor_user_id: number;
  kind: DonationKind;
  amount_fen: number | null;
  goods_what: string | null;
  goods_quantity: number | null;
  labour_skill: string | null;
  labour_hours: number | null;
  display_name: string | null;
  status: Generated<DonationStatus>;
  offered_at: ColumnType<Date, Date | undefined, never>;
  decided_by: number | null;
  decided_at: Date | null;
  decline_reason: string | null;
  received_by: number | null;
  received_on: string | null;
  receipt_no: string | null;
  is_demo: Generated<boolean>;
}
