import type { Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { filtersToQuery, type ProjectFilters } from './filters.ts';
import { headlineFigures } from './queries.ts';

type DB = Kysely<Database>;
type Figures = Awaited<ReturnType<typeof headlineFigures>>;

/**
 * The list's total and headline figures (projects, households, investment by channel) for a
 * set of filters, kept per disclosure version: every change to what the figures add up
 * (projects, budget lines, publishing) bumps that version (migration 0002's triggers), so a
 * kept total is exact until then. Counting 250,000 projects with their budget lines costs a
 * few hundred milliseconds; the list's pages each read the kept figures (one row read for
 * the version). Each server instance keeps its own; at most `MAX` filter sets, least recently
 * used dropped first.
 */
const MAX = 500;
const kept = new Map<string, { version: number; figures: Promise<Figures>; db: DB }>();

async function disclosureVersion(db: DB): Promise<number> {
  const row = await db.selectFrom('disclosure_version').select('version').executeTakeFirst();
  return Number(row?.version ?? 0);
}

export async function listTotals(db: DB, f: ProjectFilters): Promise<Figures> {
  const version = await disclosureVersion(db);
  const key = filtersToQuery(f);
  const hit = kept.get(key);
  if (hit && hit.version === version && hit.db === db /* tests and tools open several databases in one process */) {
    kept.delete(key);
    kept.set(key, hit);
    return hit.figures;
  }
  const figures = headlineFigures(db, f);
  kept.set(key, { version, figures, db });
  figures.catch(() => kept.delete(key));
  while (kept.size > MAX) kept.delete(kept.keys().next().value!);
  return figures;
}
