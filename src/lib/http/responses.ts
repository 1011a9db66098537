import type { Lang } from '../../i18n/index.ts';

export function json(data: unknown, init: ResponseInit & { contentType?: string } = {}): Response {
  const { contentType = 'application/json; charset=utf-8', ...rest } = init;
  return new Response(JSON.stringify(data), { ...rest, headers: { 'Content-Type': contentType, ...(rest.headers as Record<string, string>) } });
}

/** A client error's body: its message in both languages, the user's language first. */
export function problemBody(zh: string, en: string, lang: Lang = 'zh', details?: unknown): Record<string, unknown> {
  return { error: lang === 'en' ? en : zh, error_zh: zh, error_en: en, ...(details ? { details } : {}) };
}

export function problem(status: number, zh: string, en: string, lang: Lang = 'zh', details?: unknown): Response {
  return json(problemBody(zh, en, lang, details), { status });
}
