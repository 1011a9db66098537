import { isLang, type Lang } from './index.ts';

export const LANG_COOKIE = 'gz_lang';
export const ELDER_COOKIE = 'gz_elder';

/** Reads the remembered language and elder mode; Chinese and standard mode by default. */
export function readPrefs(cookie: (name: string) => string | undefined): { lang: Lang; elder: boolean } {
  const lang = cookie(LANG_COOKIE);
  return { lang: isLang(lang) ? lang : 'zh', elder: cookie(ELDER_COOKIE) === '1' };
}

/** Only same-site paths are followed after a preference change. */
export function safeNext(next: string | null): string {
  // A path on this site only. Control characters (a tab or CR/LF, %09 or %0D%0A once
  // decoded) and backslashes are refused outright: browsers drop or read them in ways that
  // turn "/\t/evil.example" into "//evil.example", and CR/LF cannot go into a header.
  if (!next || next.length > 2048 || /[\u0000-\u001f\u007f\\]/.test(next) || !next.startsWith('/') || next.startsWith('//')) return '/';
  const base = 'http://site.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return '/';
  }
  // re-serialised: whatever is not ASCII is percent-encoded, so the Location header is valid
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : '/';
}
