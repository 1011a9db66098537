import { defineMiddleware, sequence } from 'astro:middleware';
import { applySecurityHeaders } from './lib/http/security-headers.ts';
import { createPageCache } from './lib/http/page-cache.ts';
import { readPrefs } from './features/i18n/prefs.ts';
import { db } from './lib/db/index.ts';

const prefs = defineMiddleware((ctx, next) => {
  const p = readPrefs((name) => ctx.cookies.get(name)?.value);
  ctx.locals.lang = p.lang;
  ctx.locals.elder = p.elder;
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

const cache = createPageCache(async () => {
  const row = await (await db()).selectFrom('disclosure_version').select('version').executeTakeFirst();
  return Number(row?.version ?? 0);
});

const pageCache = defineMiddleware(async (ctx, next) => {
  if (ctx.request.method !== 'GET' || ctx.isPrerendered) return next();
  const key = `${ctx.locals.lang}|${ctx.locals.elder ? 1 : 0}|${ctx.url.pathname}${ctx.url.search}`;
  const hit = await cache.get(key);
  if (hit) return new Response(hit.body, { status: hit.status, headers: [...hit.headers, ['X-Cache', 'hit']] });
  const res = await next();
  if (!ctx.locals.cacheable || res.status !== 200) return res;
  const body = new Uint8Array(await res.arrayBuffer());
  const headers = [...res.headers.entries()].filter(([k]) => k.toLowerCase() !== 'set-cookie');
  await cache.set(key, { status: res.status, headers, body });
  return new Response(body.slice(), { status: res.status, headers: [...headers, ['X-Cache', 'miss']] });
});

export const onRequest = sequence(prefs, securityHeaders, pageCache);
