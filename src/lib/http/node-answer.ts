import type { ServerResponse } from 'node:http';
import { FALLBACK_CSP, SECURITY_HEADERS } from './security-headers.ts';

// For the routes Node answers before Astro (src/cli/serve.ts): what Astro and the middleware
// would otherwise do around an answer, kept to one definition each.

/** Cookies as Astro reads them: the first of a repeated name wins; a value that is not valid percent-encoding stays as sent. */
export function cookiesOf(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (out.has(name)) continue;
    const raw = part.slice(eq + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // a stray cookie of another application must not stop the request
    }
    out.set(name, value);
  }
  return out;
}

/**
 * Writes an answer with the headers the middleware gives every response (src/middleware.ts:
 * the security headers, and the fallback CSP of what is not a page) unless it sets them
 * itself, and its Content-Length. A HEAD request gets the same headers, without the body.
 */
export function writeAnswer(res: ServerResponse, status: number, headers: Record<string, string | number>, body: Buffer | string | null): void {
  const all: Record<string, string | number> = { ...SECURITY_HEADERS, 'Content-Security-Policy': FALLBACK_CSP, ...headers };
  if (body !== null) all['Content-Length'] = Buffer.byteLength(body);
  res.writeHead(status, all);
  res.end(body ?? undefined);
}
