import type { APIRoute } from 'astro';
import { db } from '../../lib/db/index.ts';
import { json, problem } from '../../lib/http/responses.ts';
import { parseFilters } from '../../features/projects/filters.ts';
import { mapPoints } from '../../features/projects/queries.ts';
import { toFeatureCollection } from '../../features/map/geojson.ts';

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
  const points = await mapPoints(await db(), filters.data);
  return json(toFeatureCollection(points, locals.lang), { contentType: 'application/geo+json; charset=utf-8' });
};
