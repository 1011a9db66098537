import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { ensureDistrict, ZHANHE } from '../../src/features/geography/districts.ts';

/** The demo's district (河南省 平顶山市 湛河区, prefix ZH), made on first use: every subdistrict a test inserts names one. */
export const zhanhe = (db: Kysely<Database>): Promise<number> => ensureDistrict(db, ZHANHE);

/** Whether the schema has districts yet (migration 0057): tests of older migrations build on the schema before it. */
export async function schemaHasDistricts(db: Kysely<Database>): Promise<boolean> {
  return (await sql`select 1 from information_schema.tables where table_name = 'districts'`.execute(db)).rows.length > 0;
}
