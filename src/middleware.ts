import { defineMiddleware, sequence } from 'astro:middleware';
import { applySecurityHeaders } from './lib/http/security-headers.ts';
import { pageCache as sharedPageCache } from './lib/http/page-cache-instance.ts';
import { cacheKey } from './lib/http/page-cache.ts';
import { notModified } from './lib/http/feed-etag.ts';
import { isSameOriginMutation } from './lib/http/origin.ts';
import { json, problem } from './lib/http/responses.ts';
import { readPrefs } from './i18n/prefs.ts';
import { SESSION_COOKIE, sessionCookieOptions, validateSessionToken } from './features/accounts/session.ts';
import { db } from './lib/db/index.ts';
import { secureCookies } from './lib/http/secure-cookies.ts';
import { requestContext } from './lib/log.ts';

/** The connection's peer (a proxy's address behind one); prerendered pages have none. */
const peerOf = (ctx: { clientAddress: string }): string | undefined => {
  try {
    return ctx.clientAddress;
  } catch {
    return undefined;
  }
};

const prefs = defineMiddleware((ctx, next) => {
  // the request log (src/lib/http/server-ops.ts) names the route by its pattern, never by the raw URL
  const record = requestContext.getStore();
  if (record) record.route = ctx.routePattern;
  const p = readPrefs((name) => ctx.cookies.get(name)?.value);
  ctx.locals.lang = p.lang;
  ctx.locals.elder = p.elder;
  ctx.locals.user = null;
  return next();
});

const securityHeaders = defineMiddleware(async (_ctx, next) => {
  const res = await next();
  try {
    applySecurityHeaders(res.headers);
    return res;
  } catch {
    // immutable headers (e.g. a fetched Response): copy once
    const copy = new Response(res.body, res);
    applySecurityHeaders(copy.headers);
    return copy;
  }
});

// No internal error text (a database message, a stack) leaves the server: an action that
// failed unexpectedly answers with Astro's error shape and a generic message; the error
// itself is in the server log. Pages and API routes already answer with the 500 page.
const hideServerErrors = defineMiddleware(async (ctx, next) => {
  const res = await next();
  if (res.status < 500 || !ctx.url.pathname.startsWith('/_actions/')) return res;
  const message = ctx.locals.lang === 'en' ? 'Internal server error: please try again later' : '服务器内部错误，请稍后再试';
  return json({ type: 'AstroActionError', code: 'INTERNAL_SERVER_ERROR', status: res.status, message }, { status: res.status });
});

const originCheck = defineMiddleware((ctx, next) => {
  if (!isSameOriginMutation(ctx.request, ctx.url, peerOf(ctx))) return problem(403, '请求来源不被接受', 'Request origin not accepted', ctx.locals.lang);
  return next();
});

const session = defineMiddleware(async (ctx, next) => {
  const token = ctx.cookies.get(SESSION_COOKIE)?.value;
  if (!token) return next();
  const found = await validateSessionToken(await db(), token);
  if (!found) {
    ctx.cookies.delete(SESSION_COOKIE, { path: '/' });
    return next();
  }
  ctx.locals.user = found.user;
  ctx.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(secureCookies(ctx.request, ctx.url, peerOf(ctx)), found.expiresAt));
  return next();
});

const cache = sharedPageCache;

// Only anonymous GETs are cached: a signed-in page shows the person's own header.
const pageCache = defineMiddleware(async (ctx, next) => {
  if (ctx.request.method !== 'GET' || ctx.isPrerendered || ctx.cookies.has(SESSION_COOKIE)) return next();
  const key = cacheKey(ctx.locals.lang, ctx.locals.elder, ctx.url);
  const hit = await cache.get(key);
  if (hit) {
    // a feed tagged with its data version (feed-etag.ts) that the client already holds
    const etag = hit.headers.find(([k]) => k.toLowerCase() === 'etag')?.[1];
    if (etag && notModified(ctx.request, etag))
      return new Response(null, { status: 304, headers: hit.headers.filter(([k]) => ['etag', 'cache-control'].includes(k.toLowerCase())) });
    return new Response(hit.body, { status: hit.status, headers: [...hit.headers, ['X-Cache', 'hit']] });
  }
  const since = cache.stamp(); // before rendering: a change landing meanwhile makes this response stale
  const res = await next();
  if (!ctx.locals.cacheable || res.status !== 200) return res;
  if (ctx.locals.streamed && res.body) return keptWhileSmall(key, res, ctx.locals.cacheTags ?? [], since);
  const body = new Uint8Array(await res.arrayBuffer());
  const headers = [...res.headers.entries()].filter(([k]) => k.toLowerCase() !== 'set-cookie');
  await cache.set(key, { status: res.status, headers, body }, { tags: ctx.locals.cacheTags ?? [], since });
  return new Response(body, { status: res.status, headers: [...headers, ['X-Cache', 'miss']] });
});

/** What a streamed response may weigh and still be kept: the demo's feeds are, a province's are not. */
const STREAM_KEEP_BYTES = 4 * 1024 * 1024;

/**
 * A streamed response (open data at 250,000 projects) goes to the client chunk by chunk as it
 * comes, with the stream's backpressure; a copy is kept for the cache only while it stays
 * under STREAM_KEEP_BYTES, and cached once complete.
 */
function keptWhileSmall(key: string, res: Response, tags: string[], since: number): Response {
  const headers = [...res.headers.entries()].filter(([k]) => k.toLowerCase() !== 'set-cookie');
  let parts: Uint8Array[] | null = [];
  let size = 0;
  const tap = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (parts) {
        size += chunk.byteLength;
        if (size > STREAM_KEEP_BYTES) parts = null;
        else parts.push(chunk);
      }
      controller.enqueue(chunk);
    },
    async flush() {
      if (!parts) return;
      const body = new Uint8Array(size);
      let at = 0;
      for (const p of parts) {
        body.set(p, at);
        at += p.byteLength;
      }
      await cache.set(key, { status: res.status, headers, body }, { tags, since });
    },
  });
  return new Response(res.body!.pipeThrough(tap), { status: res.status, headers: [...headers, ['X-Cache', 'miss']] });
}

export const onRequest = sequence(prefs, securityHeaders, hideServerErrors, originCheck, pageCache, session);
