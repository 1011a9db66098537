import type { APIRoute } from 'astro';
import { db } from '../../lib/db/index.ts';
import { config } from '../../lib/config.ts';
import { FUNDS_TAG } from '../../lib/http/page-cache.ts';
import { feedEtag, feedResponse } from '../../lib/http/feed-etag.ts';
import { oc4idsStream } from '../../features/open-data/streams.ts';
import { loadSiteNames } from '../../features/geography/site-name.ts';

export const GET: APIRoute = async ({ locals, request }) => {
  locals.cacheable = true;
  locals.streamed = true; // the page cache passes it through as it comes, keeping a copy only while it is small
  locals.cacheTags = [FUNDS_TAG]; // donations received, per project
  const database = await db();
  // the publisher is the portal, named after the deployment (湛河区老旧小区改造公开平台)
  const publisherName = (await loadSiteNames(database)).zh;
  return feedResponse(request, await feedEtag(database), () => oc4idsStream(database, { baseUrl: config().publicBaseUrl, publisherName }), {
    'Content-Type': 'application/json; charset=utf-8',
  });
};
