// A feature keeps its words beside its code, in src/features/<f>/messages.ts:
//
//   export const fooZh = { 'foo.title': '标题' } as const;
//   export const fooEn = { 'foo.title': 'Title' } satisfies EnglishOf<typeof fooZh>;
//
// `satisfies` refuses an English dictionary that lacks a Chinese key or has one more.
// zh.ts and en.ts spread every feature's part into the one dictionary the translator reads;
// tests/unit/messages-parts.test.ts checks that no two parts define the same key, and
// tests/unit/messages.test.ts that both languages name the same {placeholders}, that every key is
// used in src (or built from a listed dynamic prefix) and that Chinese text uses full-width punctuation.
export type EnglishOf<Z> = { readonly [K in keyof Z]: string };
