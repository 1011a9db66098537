import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export const SCHEME_STATES = ['draft', 'posted', 'pledging', 'funded', 'lapsed', 'withdrawn'] as const;
export type SchemeStatus = (typeof SCHEME_STATES)[number];
export const PLEDGE_STATES = ['pledged', 'withdrawn', 'released', 'paid'] as const;
export type PledgeStatus = (typeof PLEDGE_STATES)[number];
export const PAY_METHODS = ['cash', 'transfer', 'wechat', 'alipay', 'other'] as const;
export type PayMethod = (typeof PAY_METHODS)[number];
export const OBJECTION_CHANNELS = ['online', 'paper', 'in_person'] as const;
export type ObjectionChannel = (typeof OBJECTION_CHANNELS)[number];
/** Why a pledge was released or a payment is to be refunded. */
export type ReleaseCause = 'corrected' | 'lapsed' | 'withdrawn';

/** Migration 0026: states and transitions are enforced by the database (gz_cost_scheme_guard). */
export interface CostSchemesTable {
  id: Generated<number>;
  project_id: number;
  status: Generated<SchemeStatus>;
  current_version: Generated<number>;
  status_changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  withdraw_reason: string | null;
  created_by: number;
  created_at: CreatedAt;
  is_demo: Generated<boolean>;
}

/** A version is frozen once posted (gz_cost_version_guard): a correction is a new version. */
export interface CostSchemeVersionsTable {
  id: Generated<number>;
  scheme_id: number;
  version: number;
  title: string;
  item: string;
  estate_id: number;
  building: string | null;
  entrance: string | null;
  method: 'equal' | 'tiered' | 'single';
  weight_by_area: Generated<boolean>;
  coefficients: string | null;
  total_fen: number;
  target_fen: number;
  /** YYYY-MM-DD: pledges are taken until 24:00 of this day (moved past rest days) */
  pledge_deadline: string;
  posting_days: Generated<number>;
  ballot_id: number | null;
  ballot_matter: string | null;
  correction_reason: string | null;
  created_by: number;
  created_at: CreatedAt;
  posted_at: Timestamp | null;
  posted_by: number | null;
  posting_last_day: string | null;
  /** YYYY-MM-DD: the day it went up on the estate's board, when earlier (or photographed); the posting period runs from it (migration 0042) */
  board_posted_on: string | null;
  /** the photo of the board in the private store (public on the scheme's page), with board_posted_on */
  board_photo_key: string | null;
}

export interface CostSchemeHouseholdsTable {
  id: Generated<number>;
  version_id: number;
  no: number;
  share_fen: number;
  /** of its first flat: where progress counts the household */
  building: string;
  entrance: string;
}

export interface CostSchemeSharesTable {
  version_id: number;
  unit_id: number;
  household_id: number;
  building: string;
  entrance: string;
  room: string;
  floor: number;
  area_cm2: number;
  share_fen: number;
}

export interface CostSchemeObjectionsTable {
  id: Generated<number>;
  version_id: number;
  unit_id: number;
  /** null for an objection received on paper or in person (migration 0042) */
  lodged_by: number | null;
  body: string;
  /** online: when sent; on paper or in person: 00:00 China time of the day received */
  lodged_at: Timestamp;
  channel: Generated<ObjectionChannel>;
  recorded_by: number | null;
  recorded_at: Timestamp | null;
  response: string | null;
  responded_by: number | null;
  responded_at: Timestamp | null;
}

/** One live pledge (pledged or paid) per household of a version: partial unique index cost_pledges_one_live. */
export interface CostPledgesTable {
  id: Generated<number>;
  scheme_id: number;
  version_id: number;
  household_id: number;
  amount_fen: number;
  reason: string | null;
  channel: 'online' | 'paper';
  pledged_by: number | null;
  recorded_by: number | null;
  scan_key: string | null;
  status: Generated<PledgeStatus>;
  pledged_at: Timestamp;
  closed_at: Timestamp | null;
  release_cause: ReleaseCause | null;
  is_demo: Generated<boolean>;
}

export interface CostPaymentsTable {
  id: Generated<number>;
  pledge_id: number;
  amount_fen: number;
  paid_on: string;
  method: PayMethod;
  receipt_no: string;
  scan_key: string | null;
  recorded_by: number;
  recorded_at: Timestamp;
  refund_due_at: Timestamp | null;
  refund_cause: ReleaseCause | null;
  is_demo: Generated<boolean>;
}

export interface CostRefundsTable {
  id: Generated<number>;
  payment_id: number;
  amount_fen: number;
  refunded_on: string;
  method: PayMethod;
  receipt_no: string;
  recorded_by: number;
  recorded_at: Timestamp;
}
