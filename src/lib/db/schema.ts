import type * as G from '../../features/geography/tables.ts';
import type * as P from '../../features/projects/tables.ts';
import type { NoticesTable } from '../../features/notices/tables.ts';
import type * as A from '../../features/accounts/tables.ts';
import type * as R from '../../features/register/tables.ts';
import type { AuditLogTable } from '../../features/audit/tables.ts';
import type * as B from '../../features/ballots/tables.ts';

/** Aggregates the table types that live next to their features. */
export interface Database {
  subdistricts: G.SubdistrictsTable;
  communities: G.CommunitiesTable;
  estates: G.EstatesTable;
  buildings: G.BuildingsTable;
  entrances: G.EntrancesTable;
  units: G.UnitsTable;
  projects: P.ProjectsTable;
  project_estates: P.ProjectEstatesTable;
  stage_events: P.StageEventsTable;
  scope_items: P.ScopeItemsTable;
  budget_lines: P.BudgetLinesTable;
  parties: P.PartiesTable;
  project_parties: P.ProjectPartiesTable;
  documents: P.DocumentsTable;
  fee_schedules: P.FeeSchedulesTable;
  disclosure_history: P.DisclosureHistoryTable;
  disclosure_version: P.DisclosureVersionTable;
  notices: NoticesTable;
  users: A.UsersTable;
  sessions: A.SessionsTable;
  sms_codes: A.SmsCodesTable;
  sms_outbox: A.SmsOutboxTable;
  rate_limits: A.RateLimitsTable;
  register_owners: R.RegisterOwnersTable;
  unit_owners: R.UnitOwnersTable;
  register_imports: R.RegisterImportsTable;
  owner_verifications: R.OwnerVerificationsTable;
  audit_log: AuditLogTable;
  ballots: B.BallotsTable;
  ballot_scopes: B.BallotScopesTable;
  ballot_matters: B.BallotMattersTable;
  ballot_voters: B.BallotVotersTable;
  ballot_voter_units: B.BallotVoterUnitsTable;
  ballot_voter_owners: B.BallotVoterOwnersTable;
  ballot_casts: B.BallotCastsTable;
  ballot_choices: B.BallotChoicesTable;
  ballot_bulletins: B.BallotBulletinsTable;
}
