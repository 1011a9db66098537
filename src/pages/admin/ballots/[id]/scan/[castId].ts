import type { APIRoute } from 'astro';
import { ballotScanResponse } from '../../../../../features/ballots/scan-response.ts';

/** The scan of a paper ballot or mandate entered by staff: evidence, readable only by the office (and logged). */
export const GET: APIRoute = ({ params, locals }) =>
  ballotScanResponse({
    user: locals.user,
    lang: locals.lang,
    ballotParam: params.id,
    itemParam: params.castId,
    find: async (database, ballotId, castId) =>
      (await database.selectFrom('ballot_casts').select('scan_storage_key').where('id', '=', castId).where('ballot_id', '=', ballotId).executeTakeFirst())
        ?.scan_storage_key,
    audit: (castId) => ({ action: 'ballot.viewScan', detail: { castId } }),
  });
