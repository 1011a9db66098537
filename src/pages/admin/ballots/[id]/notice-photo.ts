import type { APIRoute } from 'astro';
import { ballotScanResponse } from '../../../../features/ballots/scan-response.ts';

/** The photo or scan of the meeting notice as posted on the estate's board: evidence of a backdated posting, for the office (and logged). */
export const GET: APIRoute = ({ params, locals }) =>
  ballotScanResponse({
    user: locals.user,
    lang: locals.lang,
    ballotParam: params.id,
    itemParam: '1',
    verb: 'ballot.manage',
    find: async (database, ballotId) =>
      (await database.selectFrom('ballots').select('notice_photo_key').where('id', '=', ballotId).executeTakeFirst())?.notice_photo_key,
    audit: () => ({ action: 'ballot.viewNoticePhoto', detail: {} }),
  });
