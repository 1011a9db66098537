import type { APIRoute } from 'astro';
import { db } from '../../lib/db/index.ts';
import { problem } from '../../lib/http/responses.ts';
import { parseFilters } from '../../features/projects/filters.ts';
import { geojsonResponse } from '../../features/open-data/streams.ts';

export const GET: APIRoute = async ({ url, locals }) => {
  const filters = parseFilters(url.searchParams);
  if (!filters.success) {
    return problem(
      400,
      '筛选条件无效',
      'Invalid filter',
      locals.lang,
      filters.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  locals.cacheable = true;
  locals.streamed = true; // every project, batch by batch (open data); the page cache keeps a copy only while it is small
  return geojsonResponse(await db(), filters.data, locals.lang);
};
