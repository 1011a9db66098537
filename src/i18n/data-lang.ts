import type { Lang } from './index.ts';

// Content the office wrote (names, addresses, notices) is Chinese unless it also gave an
// English text. On an English page such content carries lang="zh-CN", so that a screen
// reader pronounces it as Chinese and a translation tool knows what it is (WCAG 3.1.2).

/** The lang attribute for content that is always Chinese: set on English pages only. */
export const zhData = (lang: Lang): 'zh-CN' | undefined => (lang === 'en' ? 'zh-CN' : undefined);

/** The lang attribute for pick(lang, zh, en): set when an English page falls back to Chinese. */
export const pickLang = (lang: Lang, enText: string | null | undefined): 'zh-CN' | undefined => (lang === 'en' && !enText ? 'zh-CN' : undefined);
