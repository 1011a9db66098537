import type { APIRoute } from 'astro';
import { db } from '../../lib/db/index.ts';
import { config } from '../../lib/config.ts';
import { problem } from '../../lib/http/responses.ts';
import { FUNDS_TAG } from '../../lib/http/page-cache.ts';
import { feedEtag, feedResponse } from '../../lib/http/feed-etag.ts';
import { parseFilters } from '../../features/projects/filters.ts';
import { projectsCsvStream } from '../../features/open-data/streams.ts';
import { translator } from '../../i18n/index.ts';

export const GET: APIRoute = async ({ url, locals, request }) => {
  const filters = parseFilters(url.searchParams);
  if (!filters.success) return problem(400, '筛选条件无效', 'Invalid filter', locals.lang);
  locals.cacheable = true;
  locals.streamed = true; // the page cache passes it through as it comes, keeping a copy only while it is small
  locals.cacheTags = [FUNDS_TAG]; // donations received, per project
  const database = await db();
  const t = translator('zh');
  return feedResponse(
    request,
    await feedEtag(database),
    () => projectsCsvStream(database, filters.data, { baseUrl: config().publicBaseUrl, stageName: (s) => t(`stage.${s}`) }),
    { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="gongzhi-projects.csv"' },
  );
};
