import { config, normaliseAddress, type Config } from '../config.ts';

/** What a request says about where it came from: the raw values, trusted or not by siteOrigin. */
export interface RequestFacts {
  /** the connection to this server is TLS */
  encrypted: boolean;
  host: string | null | undefined;
  forwardedProto: string | null | undefined;
  forwardedHost: string | null | undefined;
  forwardedFor: string | null | undefined;
  /** the peer's address (the proxy's, behind one) */
  peer: string | null | undefined;
}

const first = (value: string | null | undefined) => value?.split(',')[0]?.trim() || null;
const fromTrustedProxy = (cfg: Pick<Config, 'trustProxy'>, f: RequestFacts) => Boolean(f.peer && cfg.trustProxy.includes(normaliseAddress(f.peer)));

/**
 * This site's origin, as every origin check and the Secure flag of cookies see it:
 * PUBLIC_BASE_URL when set; else, from a TRUST_PROXY address only, X-Forwarded-Proto and
 * X-Forwarded-Host (or Host); else the connection's own protocol and Host.
 */
export function siteOrigin(f: RequestFacts, cfg: Pick<Config, 'publicOrigin' | 'trustProxy'> = config()): string {
  if (cfg.publicOrigin) return cfg.publicOrigin;
  const host = f.host || 'localhost';
  if (fromTrustedProxy(cfg, f)) {
    const proto = first(f.forwardedProto)?.toLowerCase();
    if (proto === 'https' || proto === 'http') return `${proto}://${first(f.forwardedHost) ?? host}`;
  }
  return `${f.encrypted ? 'https' : 'http'}://${host}`;
}

/** The client's address: the peer, or the last address a trusted proxy added to X-Forwarded-For. */
export function clientAddressOf(f: RequestFacts, cfg: Pick<Config, 'trustProxy'> = config()): string {
  const peer = normaliseAddress(f.peer ?? '');
  if (!fromTrustedProxy(cfg, f)) return peer;
  const hops = (f.forwardedFor ?? '')
    .split(',')
    .map((h) => normaliseAddress(h))
    .filter(Boolean);
  // walk back through trusted proxies to the first address that is not one
  while (hops.length && cfg.trustProxy.includes(hops.at(-1)!)) hops.pop();
  return hops.at(-1) ?? peer;
}

/** The facts of a Fetch API request (Astro), with the peer address Astro saw. */
export function factsOf(request: Request, url: URL, peer: string | undefined): RequestFacts {
  const h = request.headers;
  return {
    encrypted: url.protocol === 'https:',
    host: h.get('host') ?? url.host,
    forwardedProto: h.get('x-forwarded-proto'),
    forwardedHost: h.get('x-forwarded-host'),
    forwardedFor: h.get('x-forwarded-for'),
    peer,
  };
}

/**
 * Every mutation (form posts, JSON actions, API routes) must come from this site. Browsers
 * send Origin on every cross-site and every non-GET request; Sec-Fetch-Site is the fallback
 * for those that omit it.
 */
export function sameOriginMutation(method: string, origin: string | null | undefined, secFetchSite: string | null | undefined, siteOrigin: string): boolean {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return true;
  if (origin) return origin === siteOrigin;
  return secFetchSite === 'same-origin';
}

export function isSameOriginMutation(request: Request, url: URL, peer?: string): boolean {
  return sameOriginMutation(request.method, request.headers.get('origin'), request.headers.get('sec-fetch-site'), siteOrigin(factsOf(request, url, peer)));
}

/** The client's address for an Astro request (ctx.request, ctx.url, ctx.clientAddress): rate limits and audit entries use it. */
export const clientAddress = (request: Request, url: URL, peer: string | undefined): string => clientAddressOf(factsOf(request, url, peer));
