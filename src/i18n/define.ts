// A feature keeps its words beside its code, in src/features/<f>/messages.ts:
//
//   export const fooZh = { 'foo.title': '标题' } as const;
//   export const fooEn = { 'foo.title': 'Title' } satisfies EnglishOf<typeof fooZh>;
//
// `satisfies` refuses an English dictionary that lacks a Chinese key or has one more.
// zh.ts and en.ts spread every feature's part into the one dictionary the translator reads;
// tests/unit/messages.test.ts checks that no two parts define the same key.
export type EnglishOf<Z> = { readonly [K in keyof Z]: string };
