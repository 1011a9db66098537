import { describe, expect, it } from 'vitest';
import { zhParts } from '../../src/i18n/zh.ts';
import { enParts } from '../../src/i18n/en.ts';

describe('the dictionary is made of parts', () => {
  it('no key is defined in two parts (a later spread would silently win)', () => {
    for (const parts of [zhParts, enParts] as Record<string, Record<string, string>>[]) {
      const seen = new Map<string, string>();
      for (const [part, words] of Object.entries(parts)) {
        for (const key of Object.keys(words)) {
          expect(seen.get(key), `${key} in ${part}`).toBeUndefined();
          seen.set(key, part);
        }
      }
    }
  });
  it('each language has the same parts', () => {
    expect(Object.keys(enParts).sort()).toEqual(Object.keys(zhParts).sort());
  });
});
