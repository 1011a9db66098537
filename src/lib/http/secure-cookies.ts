import { factsOf, siteOrigin, type RequestFacts } from './origin.ts';

/** Cookies are Secure when the site's origin (siteOrigin: PUBLIC_BASE_URL, a trusted proxy's X-Forwarded-Proto, or the connection) is HTTPS. */
export const secureFor = (facts: RequestFacts): boolean => siteOrigin(facts).startsWith('https:');

/** The same, for an Astro request and the peer address Astro saw (ctx.clientAddress). */
export const secureCookies = (request: Request, url: URL, peer: string | undefined): boolean => secureFor(factsOf(request, url, peer));
