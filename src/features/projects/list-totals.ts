import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import { filtersToQuery, type ProjectFilters } from './filters.ts';
import { filtered, headlineFigures } from './queries.ts';

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
 *
 * Filter sets of subdistrict, stage and batch year alone (what the form's selects make) are
 * summed from one summary of the version, the figures per (subdistrict, stage, year), instead
 * of a count of the rows for each (0.3–1 s each at 250,000 projects). The first such request
 * of a version starts the summary (about 2 s there); until it is made, requests count their
 * own rows as before, and from then on take a few milliseconds. A search (`q`) or a scope
 * category counts its rows.
 */
const MAX = 500;
const kept = new Map<string, { version: number; figures: Promise<Figures>; db: DB }>();

async function disclosureVersion(db: DB): Promise<number> {
  const row = await db.selectFrom('disclosure_version').select('version').executeTakeFirst();
  return Number(row?.version ?? 0);
}

export async function listTotals(db: DB, f: ProjectFilters): Promise<Figures> {
  const version = await disclosureVersion(db);
  if (f.q === undefined && f.category === undefined) {
    const made = summaries.get(db);
    if (made?.version === version && made.ready) return sumSummary(await made.cells, f);
    if (made?.version !== version) summaryOf(db, version); // made beside the requests, which count their own rows meanwhile
  }
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

/** One cell of the summary: the published projects of a subdistrict, stage and batch year. */
interface Cell {
  subdistrict: string;
  stage: number;
  year: number;
  projects: number;
  households: number;
  byChannel: Map<string, number>;
}

/** The summary of the current version, per database (tests and tools open several in one process). */
const summaries = new WeakMap<DB, { version: number; cells: Promise<Cell[]>; ready: boolean }>();

/** The summary being made or made for `db` (resolved when there is none): for tests. */
export async function summaryMade(db: DB): Promise<void> {
  await summaries.get(db)?.cells;
}

function summaryOf(db: DB, version: number) {
  const entry = { version, cells: makeSummary(db), ready: false };
  summaries.set(db, entry);
  entry.cells.then(
    () => (entry.ready = true),
    (error) => {
      if (summaries.get(db) === entry) summaries.delete(db);
      console.error(`[列表合计 / list totals] summary failed: ${(error as Error).message}`);
    },
  );
}

async function makeSummary(db: DB): Promise<Cell[]> {
  // grouped by the subdistrict's id, not its code: hashing integers, 1.2 s instead of 3 s at 250,000 projects
  const groups = ['projects.subdistrict_id', 'projects.stage', 'projects.batch_year'] as const;
  // one snapshot for all three (a change in between would otherwise mix two states)
  const [codes, counts, channels] = await db.transaction().execute(async (trx) => {
    await sql`set transaction isolation level repeatable read, read only`.execute(trx);
    // a hash aggregate of 44,000 groups at 250,000 projects, not a sort spilled to disk (1.3 s instead of 2.1 s)
    await sql`set local work_mem = '64MB'`.execute(trx);
    return Promise.all([
      trx.selectFrom('subdistricts').select(['id', 'code']).execute(),
      filtered(trx, {})
        .groupBy([...groups])
        .select([...groups, (eb) => eb.fn.countAll<string>().as('projects'), sql<string>`coalesce(sum(projects.households_benefiting), 0)`.as('households')])
        .execute(),
      filtered(trx, {})
        .innerJoin('budget_lines', 'budget_lines.project_id', 'projects.id')
        .groupBy([...groups, 'budget_lines.channel'])
        .select([...groups, 'budget_lines.channel', sql<string>`sum(budget_lines.amount_fen)`.as('amount')])
        .execute(),
    ]);
  });
  const codeOf = new Map(codes.map((c) => [c.id, c.code]));
  const cells = new Map<string, Cell>();
  const keyOf = (r: { subdistrict_id: number; stage: number; batch_year: number }) => `${r.subdistrict_id}|${r.stage}|${r.batch_year}`;
  for (const r of counts)
    cells.set(keyOf(r), {
      subdistrict: codeOf.get(r.subdistrict_id)!,
      stage: r.stage,
      year: r.batch_year,
      projects: Number(r.projects),
      households: Number(r.households),
      byChannel: new Map(),
    });
  for (const r of channels) cells.get(keyOf(r))!.byChannel.set(r.channel, Number(r.amount));
  return [...cells.values()];
}

function sumSummary(cells: Cell[], f: ProjectFilters): Figures {
  let projects = 0;
  let households = 0;
  const byChannel = new Map<string, number>();
  for (const c of cells) {
    if (
      (f.subdistrict !== undefined && c.subdistrict !== f.subdistrict) ||
      (f.stage !== undefined && c.stage !== f.stage) ||
      (f.year !== undefined && c.year !== f.year)
    )
      continue;
    projects += c.projects;
    households += c.households;
    for (const [channel, amount] of c.byChannel) byChannel.set(channel, (byChannel.get(channel) ?? 0) + amount);
  }
  return { projects, households, byChannel: [...byChannel].map(([channel, amountFen]) => ({ channel, amountFen })) };
}
