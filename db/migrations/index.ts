import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_disclosure_history_triggers.ts';
import * as m0003 from './0003_accounts_register_audit.ts';
import * as m0004 from './0004_ballots.ts';
import * as m0005 from './0005_cast_function.ts';
import * as m0006 from './0006_ballot_objections_cosign.ts';
import * as m0007 from './0007_cast_rights.ts';
import * as m0008 from './0008_cast_notifications.ts';
import * as m0009 from './0009_cast_hot_path.ts';
import * as m0010 from './0010_cast_review_fixes.ts';
import * as m0011 from './0011_audit_append_only_heads.ts';
import * as m0012 from './0012_estate_floor_area_unit.ts';
import * as m0013 from './0013_signup_requests_sign_in_throttle.ts';
import * as m0014 from './0014_verification_by_phone.ts';
import * as m0015 from './0015_privacy.ts';
import * as m0017 from './0017_ballot_lifecycle.ts';
import * as m0021 from './0021_volunteering.ts';
import * as m0022 from './0022_donations.ts';
import * as m0023 from './0023_cast_fewer_statements.ts';
import * as m0024 from './0024_consultations.ts';
import * as m0026 from './0026_cost_share_schemes.ts';
import * as m0029 from './0029_page_cache_tags.ts';
import * as m0032 from './0032_cast_three_statements.ts';
import * as m0033 from './0033_ratings.ts';
import * as m0035 from './0035_notifications.ts';
import * as m0037 from './0037_consultation_cache_tags.ts';
import * as m0038 from './0038_cost_share_cache_tags.ts';
import * as m0039 from './0039_donation_name_erased.ts';
import * as m0040 from './0040_cast_rights_ready.ts';
import * as m0042 from './0042_cost_scheme_board_posting.ts';
import * as m0046 from './0046_notification_body_en.ts';
import * as m0048 from './0048_rating_tallies.ts';
import * as m0052 from './0052_file_blobs.ts';
import * as m0056 from './0056_rating_comment_moderation.ts';
import * as m0057 from './0057_districts.ts';
import * as m0063 from './0063_project_list_keyset.ts';
import * as m0064 from './0064_cast_rights_fill_set_based.ts';
import * as m0065 from './0065_ballot_results_and_bulletin_parts.ts';
import * as m0066 from './0066_roll_lock_per_statement.ts';
import * as m0068 from './0068_project_page_indexes.ts';
import * as m0069 from './0069_cast_batch.ts';
import * as m0070 from './0070_cast_rights_fill_hash_joins.ts';
import * as m0072 from './0072_vote_messages_made.ts';
import * as m0073 from './0073_cast_rights_fill_own_roll.ts';
import * as m0074 from './0074_bulletin_parts_before_record.ts';
import * as m0075 from './0075_division_names_bump_disclosure.ts';
import * as m0077 from './0077_search_grams.ts';

// Listed by hand: a bundled server has no migrations folder to read.
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_disclosure_history_triggers': m0002,
  '0003_accounts_register_audit': m0003,
  '0004_ballots': m0004,
  '0005_cast_function': m0005,
  '0006_ballot_objections_cosign': m0006,
  '0007_cast_rights': m0007,
  '0008_cast_notifications': m0008,
  '0009_cast_hot_path': m0009,
  '0010_cast_review_fixes': m0010,
  '0011_audit_append_only_heads': m0011,
  '0012_estate_floor_area_unit': m0012,
  '0013_signup_requests_sign_in_throttle': m0013,
  '0014_verification_by_phone': m0014,
  '0015_privacy': m0015,
  '0017_ballot_lifecycle': m0017,
  '0021_volunteering': m0021,
  '0022_donations': m0022,
  '0023_cast_fewer_statements': m0023,
  '0024_consultations': m0024,
  '0026_cost_share_schemes': m0026,
  '0029_page_cache_tags': m0029,
  '0032_cast_three_statements': m0032,
  '0033_ratings': m0033,
  '0035_notifications': m0035,
  '0037_consultation_cache_tags': m0037,
  '0038_cost_share_cache_tags': m0038,
  '0039_donation_name_erased': m0039,
  '0040_cast_rights_ready': m0040,
  '0042_cost_scheme_board_posting': m0042,
  '0046_notification_body_en': m0046,
  '0048_rating_tallies': m0048,
  '0052_file_blobs': m0052,
  '0056_rating_comment_moderation': m0056,
  '0057_districts': m0057,
  '0063_project_list_keyset': m0063,
  '0064_cast_rights_fill_set_based': m0064,
  '0065_ballot_results_and_bulletin_parts': m0065,
  '0066_roll_lock_per_statement': m0066,
  '0068_project_page_indexes': m0068,
  '0069_cast_batch': m0069,
  '0070_cast_rights_fill_hash_joins': m0070,
  '0072_vote_messages_made': m0072,
  '0073_cast_rights_fill_own_roll': m0073,
  '0074_bulletin_parts_before_record': m0074,
  '0075_division_names_bump_disclosure': m0075,
  '0077_search_grams': m0077,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
