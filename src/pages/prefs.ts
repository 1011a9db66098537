import type { APIRoute } from 'astro';
import { isLang } from '../i18n/index.ts';
import { secureCookies } from '../lib/http/secure-cookies.ts';
import { ELDER_COOKIE, LANG_COOKIE, safeNext } from '../i18n/prefs.ts';

const YEAR = 60 * 60 * 24 * 365;

/** Remembers language and elder mode per browser; works as a plain link without JS. */
export const GET: APIRoute = ({ url, cookies, redirect, request, clientAddress }) => {
  const lang = url.searchParams.get('lang');
  const elder = url.searchParams.get('elder');
  const opts = { path: '/', maxAge: YEAR, sameSite: 'lax' as const, httpOnly: true, secure: secureCookies(request, url, clientAddress) };
  if (isLang(lang)) cookies.set(LANG_COOKIE, lang, opts);
  if (elder === '1' || elder === '0') cookies.set(ELDER_COOKIE, elder, opts);
  return redirect(safeNext(url.searchParams.get('next')), 303);
};
