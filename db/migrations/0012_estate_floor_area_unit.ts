import { sql, type Kysely } from 'kysely';

// Frozen once landed. estates.floor_area_cm2 held true square centimetres (1 m² = 10,000)
// while every other `_cm2` column, the API and the README say integer 0.01 m² (1 m² = 100):
// divided by 100 here, rounded half up (areas are never negative), so the column means what
// its name means everywhere else. The update bumps the disclosure version (migration 0002),
// so no server keeps a page cached in the old unit.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`update estates set floor_area_cm2 = (floor_area_cm2 + 50) / 100`.execute(db);
  await sql`comment on column estates.floor_area_cm2 is 'floor area in integer 0.01 m² (like every _cm2 column)'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update estates set floor_area_cm2 = floor_area_cm2 * 100`.execute(db);
  await sql`comment on column estates.floor_area_cm2 is null`.execute(db);
}
