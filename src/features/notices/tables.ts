import type { ColumnType, Generated } from 'kysely';

export interface NoticesTable {
  id: Generated<number>;
  subdistrict_id: number;
  project_id: number | null;
  kind: string;
  title: string;
  body: string;
  published_at: ColumnType<Date, Date | string, Date | string> | null;
}
