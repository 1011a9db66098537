import type { APIRoute } from 'astro';
import { db } from '../../lib/db/index.ts';
import { config } from '../../lib/config.ts';
import { problem } from '../../lib/http/responses.ts';
import { FUNDS_TAG } from '../../lib/http/page-cache.ts';
import { parseFilters } from '../../features/projects/filters.ts';
import { listProjects, countProjects } from '../../features/projects/queries.ts';
import { projectsCsv } from '../../features/open-data/projects-csv.ts';
import { translator } from '../../i18n/index.ts';

export const GET: APIRoute = async ({ url, locals }) => {
  const filters = parseFilters(url.searchParams);
  if (!filters.success) return problem(400, '筛选条件无效', 'Invalid filter', locals.lang);
  locals.cacheable = true;
  locals.cacheTags = [FUNDS_TAG]; // donations received, per project
  const database = await db();
  const total = await countProjects(database, filters.data);
  const rows = await listProjects(database, filters.data, Math.max(total, 1));
  const t = translator('zh');
  const csv = projectsCsv(rows, config().publicBaseUrl, (s) => t(`stage.${s}`));
  return new Response(csv, {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="gongzhi-projects.csv"' },
  });
};
