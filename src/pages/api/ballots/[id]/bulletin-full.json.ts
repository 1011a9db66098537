import type { APIRoute } from 'astro';
import { db } from '../../../../lib/db/index.ts';
import { problem } from '../../../../lib/http/responses.ts';
import { auditInspection, mayInspect } from '../../../../features/ballots/web-queries.ts';
import { bulletinStream } from '../../../../features/ballots/bulletin-parts.ts';

/**
 * The full bulletin, byte for byte as stored (the record: voter ids and flats with estate,
 * building, entrance, room), for staff and verified owners of the vote's electorate only;
 * each download is recorded in the audit chain. ?version=N, else the latest.
 */
export const GET: APIRoute = async ({ params, url, locals }) => {
  const id = Number(params.id);
  const v = url.searchParams.get('version');
  const version = v === null ? null : /^[1-9]\d{0,5}$/.test(v) ? Number(v) : NaN;
  if (Number.isNaN(version)) return problem(400, '版本号应为正整数', 'version must be a positive whole number', locals.lang);
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647)
    return problem(404, '表决结果公告尚未发布（或没有这个版本）', 'The result bulletin is not published yet (or there is no such version)', locals.lang);
  const user = locals.user;
  if (!user)
    return problem(
      401,
      '请先登录：完整表决票只供本次表决的已认证业主和工作人员查阅',
      'Sign in first: the full ballots are open to verified owners of this vote and to staff only',
      locals.lang,
    );
  const database = await db();
  if (!(await mayInspect(database, id, user))) {
    return problem(
      403,
      '完整表决票只供本次表决范围内的已认证业主和负责的工作人员查阅',
      'The full ballots are open to verified owners of this vote’s electorate and to the staff in charge only',
      locals.lang,
    );
  }
  const row = await bulletinStream(database, id, version, 'full');
  if (!row)
    return problem(404, '表决结果公告尚未发布（或没有这个版本）', 'The result bulletin is not published yet (or there is no such version)', locals.lang);
  await auditInspection(database, user.id, id, 'bulletin', { version: row.version, sha256: row.sha256 });
  return new Response(row.body, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="ballot-${id}-v${row.version}-full.json"`,
      ETag: `"${row.sha256}"`,
      'X-Bulletin-Version': String(row.version),
      'X-Bulletin-Stage': row.stage,
      'X-Bulletin-Form': 'full',
      'X-Content-SHA256': row.sha256,
      'Cache-Control': 'private, no-store',
    },
  });
};
