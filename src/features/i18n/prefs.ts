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
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  return next;
}
