import type { IncomingMessage, ServerResponse } from 'node:http';
import { db } from '../../lib/db/index.ts';
import { sameOriginMutation, siteOrigin, type RequestFacts } from '../../lib/http/origin.ts';
import { secureFor } from '../../lib/http/secure-cookies.ts';
import { cookiesOf, writeAnswer } from '../../lib/http/node-answer.ts';
import { problemBody } from '../../lib/http/responses.ts';
import { readPrefs } from '../../i18n/prefs.ts';
import { translator, type Lang, type MessageKey } from '../../i18n/index.ts';
import { SESSION_COOKIE, sessionIdOf } from '../accounts/session.ts';
import { castReply, type CastReply } from './cast-endpoint.ts';

// The casting endpoint served by Node directly, before Astro: a vote's peak is thousands of
// casts a second, and Astro's per-request work (routing, middleware, static-file lookup)
// cost more than the cast itself. It keeps every rule of the Astro path: same-origin
// check, the security headers, the same answer (castReply), and the session checked,
// slid or cleared in the cast's own database call.

const PATH = /^\/api\/ballots\/(\d{1,10})\/cast\/?(?:\?.*)?$/;
const MAX_BODY = 4096;
const zh = translator('zh');
const en = translator('en');
const refused = (key: MessageKey, lang: Lang) => problemBody(zh(key), en(key), lang);
const CLEAR = `${SESSION_COOKIE}=deleted; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;

function sessionCookie(reply: CastReply, token: string, secure: boolean): string | null {
  if (reply.session === 'keep') return null;
  if (reply.session === 'clear') return CLEAR;
  return `${SESSION_COOKIE}=${token}; Path=/; Expires=${reply.session.toUTCString()}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

function send(res: ServerResponse, status: number, body: unknown, setCookie: string | null): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
  if (setCookie) headers['Set-Cookie'] = setCookie;
  writeAnswer(res, status, headers, JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.removeAllListeners('data');
        req.resume();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Answers POST /api/ballots/{id}/cast and returns true; returns false for every other request. */
export function castNodeRoute(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'POST') return false;
  const match = PATH.exec(req.url ?? '');
  if (!match) return false;
  void (async () => {
    const jar = cookiesOf(req.headers.cookie);
    const { lang } = readPrefs((name) => jar.get(name));
    // the site's origin by the rule of every other mutation (src/lib/http/origin.ts):
    // PUBLIC_BASE_URL, else a TRUST_PROXY proxy's X-Forwarded-*, else the connection and Host
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(',') : v;
    };
    const facts: RequestFacts = {
      encrypted: 'encrypted' in req.socket && Boolean(req.socket.encrypted),
      host: req.headers.host,
      forwardedProto: header('x-forwarded-proto'),
      forwardedHost: header('x-forwarded-host'),
      forwardedFor: header('x-forwarded-for'),
      peer: req.socket.remoteAddress,
    };
    if (!sameOriginMutation('POST', req.headers.origin, req.headers['sec-fetch-site'] as string | undefined, siteOrigin(facts))) {
      send(res, 403, refused('err.origin', lang), null);
      return;
    }
    const text = await readBody(req);
    if (text === null) {
      send(res, 413, refused('err.bodyTooLarge', lang), null);
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
    const token = jar.get(SESSION_COOKIE);
    const caster = token && /^[a-z2-7]{32}$/.test(token) ? { sessionId: sessionIdOf(token) } : null;
    const reply = await castReply(await db(), caster, match[1], payload, lang);
    // a cookie that is not a session token is cleared, as the Astro middleware does
    send(res, reply.status, reply.body, !token ? null : caster ? sessionCookie(reply, token, secureFor(facts)) : CLEAR);
  })().catch((error: unknown) => {
    console.error(error);
    if (!res.headersSent) send(res, 500, refused('error.500.title', 'zh'), null);
    else res.destroy();
  });
  return true;
}
