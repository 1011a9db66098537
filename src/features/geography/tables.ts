import type { ColumnType, Generated } from 'kysely';

type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown>, string | Record<string, unknown>>;

/** A province, city or district is named by its GB/T 2260 code (6 digits) (migration 0057). */
export interface ProvincesTable {
  id: Generated<number>;
  code: string;
  name: string;
  name_en: string;
}

export interface CitiesTable {
  id: Generated<number>;
  province_id: number;
  code: string;
  name: string;
  name_en: string;
}

export interface DistrictsTable {
  id: Generated<number>;
  city_id: number;
  code: string;
  /** what its project codes start with (湛河区: 'ZH'), 2–6 capital letters */
  code_prefix: string;
  name: string;
  name_en: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SubdistrictsTable {
  id: Generated<number>;
  district_id: number;
  code: string;
  name: string;
  name_en: string;
  lat: number | null;
  lng: number | null;
}

export interface CommunitiesTable {
  id: Generated<number>;
  subdistrict_id: number;
  name: string;
  name_en: string | null;
}

export interface EstatesTable {
  id: Generated<number>;
  community_id: number;
  name: string;
  name_en: string | null;
  address: string;
  build_year: number;
  building_count: number;
  household_count: number;
  floor_area_cm2: number;
  lat: number;
  lng: number;
  eligibility: Json;
  is_demo: Generated<boolean>;
}

export interface BuildingsTable {
  id: Generated<number>;
  estate_id: number;
  label: string;
  floors: number | null;
}

export interface EntrancesTable {
  id: Generated<number>;
  building_id: number;
  label: string;
}

export interface UnitsTable {
  id: Generated<number>;
  entrance_id: number;
  floor: number;
  room: string;
  area_cm2: number;
  area_source: Generated<'registered' | 'surveyed' | 'contract'>;
  developer_held: Generated<boolean>;
}
