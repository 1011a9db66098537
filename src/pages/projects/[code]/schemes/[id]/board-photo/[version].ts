import type { APIRoute } from 'astro';
import { fileTypeFromBuffer } from 'file-type';
import { db } from '../../../../../../lib/db/index.ts';
import { parseId } from '../../../../../../lib/input.ts';
import { problem } from '../../../../../../lib/http/responses.ts';
import { privateStore } from '../../../../../../lib/files/private-store.ts';
import { boardPhotoKey } from '../../../../../../features/costshare/queries/index.ts';
import { BOARD_PHOTO_TYPES } from '../../../../../../features/costshare/commands/scans.ts';

/**
 * The photo of the estate's notice board with a cost-share scheme posted on it, taken when
 * staff recorded that the scheme went up there on an earlier day: public, like the posting it
 * proves (the posting period runs from that day). A posted version never changes, nor its photo.
 */
export const GET: APIRoute = async ({ params, locals }) => {
  const schemeId = parseId(params.id);
  const version = parseId(params.version);
  const found = schemeId && version ? await boardPhotoKey(await db(), schemeId, version) : null;
  const bytes = found && found.projectCode === params.code ? await privateStore().get(found.key) : null;
  const type = bytes ? await fileTypeFromBuffer(bytes) : undefined;
  if (!bytes || !type || !BOARD_PHOTO_TYPES.has(type.mime)) return problem(404, '没有这张照片', 'No such photo', locals.lang);
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': type.mime,
      'Content-Length': String(bytes.byteLength),
      'Content-Disposition': 'inline',
      'Cache-Control': 'public, max-age=86400',
      'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    },
  });
};
