/**
 * Astro's checkOrigin covers form posts only; every other mutation (JSON actions, API
 * routes) must come from this site too. Browsers send Origin on every cross-site and
 * every non-GET request; Sec-Fetch-Site is the fallback for those that omit it.
 */
export function sameOriginMutation(method: string, origin: string | null | undefined, secFetchSite: string | null | undefined, siteOrigin: string): boolean {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return true;
  if (origin) return origin === siteOrigin;
  return secFetchSite === 'same-origin';
}

export function isSameOriginMutation(request: Request, url: URL): boolean {
  return sameOriginMutation(request.method, request.headers.get('origin'), request.headers.get('sec-fetch-site'), url.origin);
}
