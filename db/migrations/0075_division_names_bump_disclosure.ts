import { sql, type Kysely } from 'kysely';

// Frozen once landed. The portal's name follows the districts it serves (src/features/geography/
// site-name.ts: "湛河区…", "河南省…"), loaded once per disclosure version. A subdistrict added or
// renamed already bumps that version (0002); a district, city or province added, renamed or
// removed now does too, so every instance renames the portal and drops its cached pages.
const TABLES = ['districts', 'cities', 'provinces'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of TABLES)
    await sql`create trigger gz_version after insert or update or delete on ${sql.table(table)} for each statement execute function gz_bump_disclosure_version()`.execute(
      db,
    );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await sql`drop trigger if exists gz_version on ${sql.table(table)}`.execute(db);
}
