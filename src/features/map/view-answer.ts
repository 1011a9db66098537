import { hash } from 'node:crypto';
import { problemBody } from '../../lib/http/responses.ts';
import { parseFilters, type ProjectFilters } from '../projects/filters.ts';
import { parseMapView } from './view.ts';
import type { ClusterService } from './cluster-service.ts';

/**
 * What `GET /api/projects.geojson` answers, in one place for both of its paths: the Astro
 * route (src/pages/api/projects.geojson.ts) and the Node route that serves map views before
 * Astro (./view-node-route.ts). Security headers, the request id and the log line are added
 * by whoever sends it, as for every other answer.
 */
export interface MapAnswer {
  status: number;
  headers: Record<string, string>;
  /** null for a 304 */
  body: Buffer<ArrayBuffer> | string | null;
}

type Issues = { issues: { path: PropertyKey[]; message: string }[] };
const issues = (error: Issues) => error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

function problem(status: number, zh: string, en: string, lang: 'zh' | 'en', error: Issues): MapAnswer {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(problemBody(zh, en, lang, issues(error))) };
}

/**
 * The query's filters and view, strictly parsed: a 400 problem in both languages for bad
 * filters or a bad view; `whole` when it names no view (the open-data feed of every
 * matching project's point, streamed by the Astro route); else the view's answer: the
 * clusters and single projects of the box (src/features/map/cluster-index.ts), with an ETag
 * (a hash of the body), a 304 when `ifNoneMatch` is that ETag.
 */
export async function mapGeojsonAnswer(
  clusters: Pick<ClusterService, 'view'>,
  params: URLSearchParams,
  lang: 'zh' | 'en',
  ifNoneMatch: string | null | undefined,
): Promise<MapAnswer | { whole: ProjectFilters }> {
  const filters = parseFilters(params);
  if (!filters.success) return problem(400, '筛选条件无效', 'Invalid filter', lang, filters.error);
  const view = parseMapView(params);
  if (view === null) return { whole: filters.data };
  if (!view.success) return problem(400, '地图范围（bbox）或缩放级别（zoom）无效', 'Invalid map view (bbox or zoom)', lang, view.error);
  // Not kept in the page cache (its entries follow the disclosure version, the index may lag it
  // by a rebuild, and random views would crowd the pages out): a view costs a range query.
  const { features, total, extent } = await clusters.view(filters.data, view.data.bbox, view.data.zoom, lang);
  // encoded once, for the hash, the length and the socket (the titles are Chinese: each encoding of the text costs)
  const body = Buffer.from(JSON.stringify({ type: 'FeatureCollection', total, extent, features }));
  const etag = `W/"${hash('sha1', body, 'base64url')}"`;
  // Vary: the titles follow the language cookie
  const headers = { ETag: etag, 'Cache-Control': 'no-cache', Vary: 'Cookie' };
  if (ifNoneMatch === etag) return { status: 304, headers, body: null };
  return { status: 200, headers: { ...headers, 'Content-Type': 'application/geo+json; charset=utf-8' }, body };
}
