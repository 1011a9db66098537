import type { APIRoute } from 'astro';
import { ballotScanResponse } from '../../../../../features/ballots/scan-response.ts';

/** The scan of a result page signed by an owners' committee member: kept privately, readable only by the office (and logged). */
export const GET: APIRoute = ({ params, locals }) =>
  ballotScanResponse({
    user: locals.user,
    lang: locals.lang,
    ballotParam: params.id,
    itemParam: params.cosignatureId,
    verb: 'ballot.manage',
    find: async (database, ballotId, id) =>
      (await database.selectFrom('ballot_cosignatures').select('scan_storage_key').where('id', '=', id).where('ballot_id', '=', ballotId).executeTakeFirst())
        ?.scan_storage_key,
    audit: (cosignatureId) => ({ action: 'ballot.viewCosignScan', detail: { cosignatureId } }),
  });
