import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';

// The project page (loadDisclosures) reads each of these tables by project_id. At 250,000
// projects a table without an index led by project_id is read whole for every page: the
// notices (750,000 rows) took 200 ms a page that way (npm run bench -- --only national).
const READ_BY_PROJECT = [
  'project_estates',
  'stage_events',
  'scope_items',
  'budget_lines',
  'project_parties',
  'documents',
  'fee_schedules',
  'notices',
  'disclosure_history',
];

describe.each(BACKENDS)('project page indexes on %s', (kind) => {
  let open: OpenDatabase;
  beforeAll(async () => {
    open = await freshDatabase(kind);
  });
  afterAll(async () => {
    await open.close();
  });

  it('every table the project page reads by project_id has an index led by project_id', async () => {
    const rows = await sql<{ table: string }>`
      select distinct t.relname as table
      from pg_index i
      join pg_class t on t.oid = i.indrelid
      join pg_namespace n on n.oid = t.relnamespace and n.nspname = current_schema()
      join pg_attribute a on a.attrelid = t.oid and a.attnum = i.indkey[0]
      where a.attname = 'project_id'`.execute(open.db);
    const indexed = new Set(rows.rows.map((r) => r.table));
    expect(READ_BY_PROJECT.filter((t) => !indexed.has(t))).toEqual([]);
  });
});
