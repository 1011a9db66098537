import type { APIRoute } from 'astro';
import { createHash } from 'node:crypto';
import { db } from '../../lib/db/index.ts';
import { problem } from '../../lib/http/responses.ts';
import { parseFilters } from '../../features/projects/filters.ts';
import { geojsonResponse } from '../../features/open-data/streams.ts';
import { parseMapView } from '../../features/map/view.ts';
import { mapClusters } from '../../features/map/cluster-instance.ts';

const issues = (error: { issues: { path: PropertyKey[]; message: string }[] }) => error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

/**
 * Every matching project's point (open data), or, with `bbox` and `zoom`, the clusters and
 * single projects of that view (the home map): see src/features/map/cluster-index.ts.
 */
export const GET: APIRoute = async ({ url, locals, request }) => {
  const filters = parseFilters(url.searchParams);
  if (!filters.success) return problem(400, '筛选条件无效', 'Invalid filter', locals.lang, issues(filters.error));
  const view = parseMapView(url.searchParams);
  if (view === null) {
    locals.cacheable = true;
    locals.streamed = true; // every project, batch by batch (open data); the page cache keeps a copy only while it is small
    return geojsonResponse(await db(), filters.data, locals.lang);
  }
  if (!view.success) return problem(400, '地图范围（bbox）或缩放级别（zoom）无效', 'Invalid map view (bbox or zoom)', locals.lang, issues(view.error));
  // Not kept in the page cache (its entries follow the disclosure version, the index may lag it
  // by a rebuild, and random views would crowd the pages out): a view costs a range query.
  const { features, total, extent } = await mapClusters.view(filters.data, view.data.bbox, view.data.zoom, locals.lang);
  const body = JSON.stringify({ type: 'FeatureCollection', total, extent, features });
  const etag = `W/"${createHash('sha1').update(body).digest('base64url')}"`;
  const headers = { ETag: etag, 'Cache-Control': 'no-cache', Vary: 'Cookie' };
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  return new Response(body, { headers: { ...headers, 'Content-Type': 'application/geo+json; charset=utf-8' } });
};
