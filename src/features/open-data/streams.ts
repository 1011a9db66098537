/**
 * Open data streamed, never built whole: the CSV, the OC4IDS package and the map's GeoJSON
 * read the database in keyset batches (BATCH projects a query, each batch one index range)
 * and write each batch to the response as it comes. The stream is pulled: the next batch is
 * read only when the client has taken the last one (backpressure), so the server holds about
 * one batch whatever the number of projects, and the first bytes leave after the first batch.
 * The bytes are those the whole-list builders (`projectsCsv`, `buildOc4idsPackage`,
 * `toFeatureCollection`) give for the same rows (tests/integration/project-paging-and-streams.test.ts).
 *
 * The batches are separate statements, not one snapshot: a project published while the
 * download runs appears if its place in the order is still ahead; none appears twice.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { ProjectFilters } from '../projects/filters.ts';
import { listBatch, mapPointsBatch, type ListKey } from '../projects/paging.ts';
import { loadDisclosures } from '../projects/disclosure.ts';
import type { Stage } from '../projects/stages.ts';
import { toFeatureCollection } from '../map/geojson.ts';
import { buildOc4idsPackage } from './oc4ids.ts';
import { csvHead, csvLines } from './projects-csv.ts';

type DB = Kysely<Database>;

export const BATCH = 1000;

/**
 * A pulled byte stream: `head` first, then `step(state)` until it returns done. Each pull
 * enqueues one piece; nothing is read ahead of the client beyond one piece.
 */
function pulled<S>(
  first: () => Promise<{ text: string; state: S }>,
  step: (state: S) => Promise<{ text: string; state: S; done: boolean }>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let state: S | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          const head = await first();
          state = head.state;
          if (head.text) controller.enqueue(encoder.encode(head.text));
          return;
        }
        const next = await step(state as S);
        state = next.state;
        if (next.text) controller.enqueue(encoder.encode(next.text));
        if (next.done) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/** The projects CSV (projects-csv.ts) for the filters, batch by batch in the list's order. */
export function projectsCsvStream(
  db: DB,
  f: ProjectFilters,
  { baseUrl, stageName, batch = BATCH }: { baseUrl: string; stageName: (stage: Stage) => string; batch?: number },
): ReadableStream<Uint8Array> {
  return pulled<ListKey | null>(
    async () => ({ text: csvHead(), state: null }),
    async (key) => {
      const rows = await listBatch(db, f, key, batch);
      const last = rows.at(-1);
      return {
        text: rows.length ? csvLines(rows, baseUrl, stageName) : '',
        state: last ? { year: last.batchYear, code: last.code } : key,
        done: rows.length < batch,
      };
    },
  );
}

/** The latest change of any published project: the package's publishedDate (the epoch when none is published). */
export async function latestUpdate(db: DB): Promise<Date> {
  const row = await db
    .selectFrom('projects')
    .where('published_at', 'is not', null)
    .select(sql<Date | null>`max(updated_at)`.as('at'))
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : new Date(0);
}

/**
 * The OC4IDS package (oc4ids.ts) of every published project: the package's head, then each
 * batch's projects as `buildOc4idsPackage` writes them, then the closing brackets.
 */
export function oc4idsStream(
  db: DB,
  { baseUrl, publisherName, batch = BATCH }: { baseUrl: string; publisherName: string; batch?: number },
): ReadableStream<Uint8Array> {
  return pulled<{ after: string | null; first: boolean; meta: { baseUrl: string; publishedDate: Date; publisherName: string } }>(
    async () => {
      const meta = { baseUrl, publishedDate: await latestUpdate(db), publisherName };
      const empty = JSON.stringify(buildOc4idsPackage([], meta));
      if (!empty.endsWith('[]}')) throw new Error('the OC4IDS package must end with its projects');
      return { text: empty.slice(0, -2), state: { after: null, first: true, meta } };
    },
    async (s) => {
      const projects = await loadDisclosures(db, { after: s.after, limit: batch });
      const done = projects.length < batch;
      const items = buildOc4idsPackage(projects, s.meta).projects.map((p) => JSON.stringify(p));
      const body = items.length ? (s.first ? '' : ',') + items.join(',') : '';
      return {
        text: body + (done ? ']}' : ''),
        state: { after: projects.at(-1)?.code ?? s.after, first: s.first && items.length === 0, meta: s.meta },
        done,
      };
    },
  );
}

/**
 * The map's GeoJSON without a box (open data: every matching project, as `toFeatureCollection`
 * writes it), batch by batch in code order.
 */
export function geojsonStream(db: DB, f: ProjectFilters, lang: 'zh' | 'en', { batch = BATCH }: { batch?: number } = {}): ReadableStream<Uint8Array> {
  const empty = JSON.stringify(toFeatureCollection([], lang));
  return pulled<{ after: string | null; first: boolean }>(
    async () => {
      if (!empty.endsWith('[]}')) throw new Error('the feature collection must end with its features');
      return { text: empty.slice(0, -2), state: { after: null, first: true } };
    },
    async (s) => {
      const { points, last } = await mapPointsBatch(db, f, s.after, batch);
      const items = toFeatureCollection(points, lang).features.map((x) => JSON.stringify(x));
      const body = items.length ? (s.first ? '' : ',') + items.join(',') : '';
      const done = last === null;
      return { text: body + (done ? ']}' : ''), state: { after: last, first: s.first && items.length === 0 }, done };
    },
  );
}

/** The answer of `/api/projects.geojson` without a box: every matching project, streamed (`geojsonStream`). */
export function geojsonResponse(db: DB, f: ProjectFilters, lang: 'zh' | 'en'): Response {
  return new Response(geojsonStream(db, f, lang), { headers: { 'Content-Type': 'application/geo+json; charset=utf-8' } });
}
