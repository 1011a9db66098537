import type { ColumnType, Generated } from 'kysely';
import type { Stage } from './stages.ts';
import type { PartyRole } from './parties.ts';
import type { DocumentKind } from './documents.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface ProjectsTable {
  id: Generated<number>;
  code: string;
  subdistrict_id: number;
  /** its subdistrict's district; filled from the subdistrict when an insert leaves it out (0057) */
  district_id: Generated<number>;
  title: string;
  title_en: string | null;
  summary: Generated<string>;
  summary_en: string | null;
  batch_year: number;
  stage: Stage;
  planned_start: string | null;
  planned_end: string | null;
  households_benefiting: Generated<number>;
  published_at: Timestamp | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  is_demo: Generated<boolean>;
}

export interface ProjectEstatesTable {
  project_id: number;
  estate_id: number;
}

export interface StageEventsTable {
  id: Generated<number>;
  project_id: number;
  stage: Stage;
  entered_on: string;
  note: string | null;
}

export interface ScopeItemsTable {
  id: Generated<number>;
  project_id: number;
  code: string;
  description: string;
  quantity_x100: number;
  unit: string;
  estimated_cost_fen: number;
}

export interface BudgetLinesTable {
  id: Generated<number>;
  project_id: number;
  channel: string;
  amount_fen: number;
  note: string | null;
}

export interface PartiesTable {
  id: Generated<number>;
  name: string;
  uscc: string | null;
  contact_name: string | null;
  contact_phone: string | null;
}

export interface ProjectPartiesTable {
  project_id: number;
  party_id: number;
  role: PartyRole;
}

export interface DocumentsTable {
  id: Generated<number>;
  project_id: number;
  kind: DocumentKind;
  title: string;
  file_name: string;
  storage_key: string;
  mime: string;
  size_bytes: number;
  sha256: string;
  version: Generated<number>;
  published_at: Timestamp | null;
}

export interface FeeSchedulesTable {
  id: Generated<number>;
  project_id: number;
  item: string;
  unit: string;
  before_fen: number;
  after_fen: number;
  subsidy_fen_per_m2_month: Generated<number>;
  subsidy_months: Generated<number>;
}

export interface DisclosureHistoryTable {
  id: Generated<number>;
  project_id: number;
  entity: string;
  entity_id: number | null;
  field: string;
  old_value: string | null;
  new_value: string | null;
  changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  note: string | null;
}

export interface DisclosureVersionTable {
  id: number;
  version: number;
}
