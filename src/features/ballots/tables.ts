import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<Record<string, unknown>, string, string>;

/** draft → noticed → open → closed, or draft/noticed → cancelled (database trigger, migration 0017) */
export type BallotStatus = 'draft' | 'noticed' | 'open' | 'closed' | 'cancelled';
export type Convener = 'owners_committee' | 'subdistrict' | 'residents_committee';
export type CastChannel = 'online' | 'paper' | 'proxy' | 'developer';

export interface BallotsTable {
  id: Generated<number>;
  subdistrict_id: number;
  project_id: number | null;
  title: string;
  explanation: Generated<string>;
  convener: Convener;
  status: Generated<BallotStatus>;
  notice_days: Generated<number>;
  objection_days: Generated<number>;
  opens_at: Timestamp;
  closes_at: Timestamp;
  notice_published_at: Timestamp | null;
  opened_at: Timestamp | null;
  closed_at: Timestamp | null;
  /** a cancelled ballot: when and why (public) */
  cancelled_at: Timestamp | null;
  cancel_reason: string | null;
  /** when the meeting notice was published on the portal (notice_published_at is the day it went up on the board) */
  notice_online_at: Timestamp | null;
  /** a photo or scan of the posted notice, required when the board posting is earlier than its publication here */
  notice_photo_key: string | null;
  created_by: number;
  created_at: CreatedAt;
}

export interface BallotScopesTable {
  ballot_id: number;
  estate_id: number;
  building: string | null;
  entrance: string | null;
}

export interface BallotMattersTable {
  id: Generated<number>;
  ballot_id: number;
  code: string;
  title: string;
  art278_item: number;
  kind: 'major' | 'ordinary';
}

export interface BallotVotersTable {
  id: Generated<number>;
  ballot_id: number;
  code: string;
  area_cm2: number;
  developer: Generated<boolean>;
  receipt: string;
}

export interface BallotVoterUnitsTable {
  voter_id: number;
  unit_id: number;
  building: string;
  entrance: string;
  room: string;
  area_cm2: number;
}

export interface BallotVoterOwnersTable {
  voter_id: number;
  register_owner_id: number;
}

export interface BallotCastsTable {
  id: Generated<number>;
  ballot_id: number;
  voter_id: number;
  cast_by: number;
  channel: CastChannel;
  /** by what right: a voter's owner, the new owner of a whole holding, a recorded proxy, or staff entering paper */
  cast_right: Generated<CastRight>;
  mandate: string | null;
  scan_storage_key: string | null;
  choices: Json;
  cast_at: CreatedAt;
  /** why staff entered a paper ballot over the household's online one */
  override_reason: string | null;
}

/** The high-water mark of the sweep that tells a household's other owners about a cast. */
export interface BallotCastNoticesTable {
  singleton: Generated<boolean>;
  last_cast_id: number;
  swept_at: Generated<Date>;
}

/** When a household's other owners were last texted about a cast (see cast-notices.ts). */
export interface BallotVoterNoticesTable {
  voter_id: number;
  last_sent_at: Date;
}

export type CastRight = 'owner' | 'new_owner' | 'proxy' | 'staff';

/** A written mandate (授权委托书) recorded by staff: the named account may cast the voter's ballot online. */
export interface BallotProxiesTable {
  id: Generated<number>;
  ballot_id: number;
  voter_id: number;
  proxy_user_id: number;
  granted_by_owner_id: number;
  mandate: string;
  scan_storage_key: string;
  recorded_by: number;
  recorded_at: CreatedAt;
  revoked_at: Date | null;
  revoked_by: number | null;
}

export interface BallotChoicesTable {
  ballot_id: number;
  voter_id: number;
  matter_id: number;
  choice: 'agree' | 'oppose' | 'abstain';
  cast_id: number;
}

export interface BallotBulletinsTable {
  id: Generated<number>;
  ballot_id: number;
  version: number;
  stage: 'preliminary' | 'final';
  body: string;
  sha256: string;
  published_at: CreatedAt;
  /** the public form's sha256; null for bulletins published before their parts were kept (0065) */
  public_sha256: string | null;
}

/** A published bulletin cut at line ends: its parts, in seq order, are the exact published bytes of that form. */
export interface BallotBulletinPartsTable {
  ballot_id: number;
  version: number;
  form: 'full' | 'public';
  seq: number;
  body: string;
}

/** The figures of a closed ballot, computed once (JSON text of ballotResults' closed answer). */
export interface BallotResultsTable {
  ballot_id: number;
  body: string;
  computed_at: CreatedAt;
}

export type ObjectionChannel = 'online' | 'written';
export type CommitteeRole = 'chair' | 'vice_chair' | 'member';

/** An objection to a published result version: public but for who lodged or recorded it. */
export interface BallotObjectionsTable {
  id: Generated<number>;
  ballot_id: number;
  version: number;
  /** YYYY-MM-DD (China Standard Time) */
  received_on: string;
  channel: ObjectionChannel;
  unit_id: number;
  building: string;
  entrance: string;
  room: string;
  body: string;
  lodged_by: number | null;
  recorded_by: number | null;
  response: string | null;
  responded_at: Timestamp | null;
  responded_by: number | null;
  created_at: CreatedAt;
}

/** An owners' committee member's signature of a result version, recorded by staff. */
export interface BallotCosignaturesTable {
  id: Generated<number>;
  ballot_id: number;
  version: number;
  member_name: string;
  role: CommitteeRole;
  /** YYYY-MM-DD */
  signed_on: string;
  recorded_by: number;
  scan_storage_key: string | null;
  created_at: CreatedAt;
}
