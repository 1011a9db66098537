import type { ColumnType, Generated } from 'kysely';

type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown>, string | Record<string, unknown>>;

export interface SubdistrictsTable {
  id: Generated<number>;
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
