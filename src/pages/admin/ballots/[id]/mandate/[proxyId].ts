import type { APIRoute } from 'astro';
import { ballotScanResponse } from '../../../../../features/ballots/scan-response.ts';

/** The scan of a written mandate for online proxy voting: evidence, readable only by the office (and logged). */
export const GET: APIRoute = ({ params, locals }) =>
  ballotScanResponse({
    user: locals.user,
    lang: locals.lang,
    ballotParam: params.id,
    itemParam: params.proxyId,
    find: async (database, ballotId, proxyId) =>
      (await database.selectFrom('ballot_proxies').select('scan_storage_key').where('id', '=', proxyId).where('ballot_id', '=', ballotId).executeTakeFirst())
        ?.scan_storage_key,
    audit: (proxyId) => ({ action: 'ballot.viewMandate', detail: { proxyId } }),
  });
