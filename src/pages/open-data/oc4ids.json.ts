import type { APIRoute } from 'astro';
import { db } from '../../lib/db/index.ts';
import { config } from '../../lib/config.ts';
import { json } from '../../lib/http/responses.ts';
import { FUNDS_TAG } from '../../lib/http/page-cache.ts';
import { loadDisclosures } from '../../features/projects/disclosure.ts';
import { buildOc4idsPackage } from '../../features/open-data/oc4ids.ts';

export const GET: APIRoute = async ({ locals }) => {
  locals.cacheable = true;
  locals.cacheTags = [FUNDS_TAG]; // donations received, per project
  const projects = await loadDisclosures(await db(), { all: true });
  const publishedDate = projects.reduce((max, p) => (p.updatedAt > max ? p.updatedAt : max), new Date(0));
  return json(buildOc4idsPackage(projects, { baseUrl: config().publicBaseUrl, publishedDate, publisherName: '湛河区老旧小区改造工作领导小组办公室' }));
};
