import type { APIRoute } from 'astro';
import { db } from '../../../../lib/db/index.ts';
import { problem } from '../../../../lib/http/responses.ts';
import { bulletinStream } from '../../../../features/ballots/bulletin-parts.ts';

/**
 * A published ballot bulletin in its public form (voters by receipt code with area and
 * choices; no voter ids, no flats), derived byte for byte reproducibly from the stored full
 * form: the latest version, or ?version=N. Its sha256 is on the ballot page and in the
 * audit chain; the full form is /api/ballots/{id}/bulletin-full.json. Streamed part by part
 * (a 50,000-household vote's bulletin is over 20 MB): the first byte leaves at once.
 */
export const GET: APIRoute = async ({ params, url, locals }) => {
  const id = Number(params.id);
  const v = url.searchParams.get('version');
  const version = v === null ? null : /^[1-9]\d{0,5}$/.test(v) ? Number(v) : NaN;
  if (Number.isNaN(version)) return problem(400, '版本号应为正整数', 'version must be a positive whole number', locals.lang);
  const row = Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? await bulletinStream(await db(), id, version, 'public') : undefined;
  if (!row)
    return problem(404, '表决结果公告尚未发布（或没有这个版本）', 'The result bulletin is not published yet (or there is no such version)', locals.lang);
  return new Response(row.body, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      ETag: `"${row.sha256}"`,
      'X-Bulletin-Version': String(row.version),
      'X-Bulletin-Stage': row.stage,
      'X-Bulletin-Form': 'public',
      'X-Content-SHA256': row.sha256,
      'Cache-Control': version === null ? 'no-cache' : 'public, max-age=3600',
    },
  });
};
