import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { FUNDS_TAG } from './page-cache.ts';

/**
 * The entity tag of a feed over every project (CSV, OC4IDS): the disclosure version (bumped
 * by every change to a disclosure) and the version of the funds tag (donations received,
 * pledges paid), the same two things the page cache keys these feeds on. A feed is streamed,
 * so its bytes are not known before it is sent; these versions are, and they change whenever
 * the bytes may. Filters are in the URL, which the tag belongs to.
 */
export async function feedEtag(db: Kysely<Database>): Promise<string> {
  const [d, f] = await Promise.all([
    db.selectFrom('disclosure_version').select('version').executeTakeFirst(),
    db.selectFrom('page_cache_tags').select('version').where('tag', '=', FUNDS_TAG).executeTakeFirst(),
  ]);
  return `W/"d${Number(d?.version ?? 0)}-f${Number(f?.version ?? 0)}"`;
}

/** Whether the request's If-None-Match names this tag (weak comparison, as RFC 9110 wants for GET). */
export function notModified(request: Request, etag: string): boolean {
  const header = request.headers.get('if-none-match');
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

/**
 * A streamed feed's response: 304 when the client holds the current version, else the stream
 * (`open` is called only then) with the tag. `no-cache`: clients and proxies keep it but ask
 * each time, and the answer to that question costs two rows read.
 */
export function feedResponse(request: Request, etag: string, open: () => ReadableStream<Uint8Array>, headers: Record<string, string>): Response {
  const common = { ETag: etag, 'Cache-Control': 'public, no-cache' };
  if (notModified(request, etag)) return new Response(null, { status: 304, headers: common });
  return new Response(open(), { headers: { ...headers, ...common } });
}
