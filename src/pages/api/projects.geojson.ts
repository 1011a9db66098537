import type { APIRoute } from 'astro';
import { db } from '../../lib/db/index.ts';
import { geojsonResponse } from '../../features/open-data/streams.ts';
import { mapClusters } from '../../features/map/cluster-instance.ts';
import { mapGeojsonAnswer } from '../../features/map/view-answer.ts';

/**
 * Every matching project's point (open data), or, with `bbox` and `zoom`, the clusters and
 * single projects of that view (the home map): see src/features/map/cluster-index.ts. Under
 * `npm start` the views are answered by Node before Astro (src/features/map/view-node-route.ts)
 * with the same answer (mapGeojsonAnswer); this route answers them everywhere else.
 */
export const GET: APIRoute = async ({ url, locals, request }) => {
  const answer = await mapGeojsonAnswer(mapClusters, url.searchParams, locals.lang, request.headers.get('if-none-match'));
  if ('whole' in answer) {
    locals.cacheable = true;
    locals.streamed = true; // every project, batch by batch (open data); the page cache keeps a copy only while it is small
    return geojsonResponse(await db(), answer.whole, locals.lang);
  }
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
};
