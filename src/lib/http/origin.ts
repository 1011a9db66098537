/**
 * Astro's checkOrigin covers form posts only; every other mutation (JSON actions, API
 * routes) must come from this site too. Browsers send Origin on every cross-site and
 * every non-GET request; Sec-Fetch-Site is the fallback for those that omit it.
 */
export function isSameOriginMutation(request: Request, url: URL): boolean {
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return true;
  const origin = request.headers.get('origin');
  if (origin) return origin === url.origin;
  const site = request.headers.get('sec-fetch-site');
  return site === 'same-origin';
}
