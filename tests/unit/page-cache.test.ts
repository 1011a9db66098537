import { describe, expect, it } from 'vitest';
import { createPageCache } from '../../src/lib/http/page-cache.ts';

const entry = (text: string) => ({ status: 200, headers: [] as [string, string][], body: new TextEncoder().encode(text) });

describe('page cache', () => {
  it('serves an entry until the disclosure version changes', async () => {
    let version = 1;
    const cache = createPageCache(async () => version, { checkEveryMs: 0 });
    await cache.set('/a', entry('A'));
    expect(new TextDecoder().decode((await cache.get('/a'))!.body)).toBe('A');
    version = 2;
    expect(await cache.get('/a')).toBeNull();
  });
  it('reads the version at most once per interval and can be invalidated at once', async () => {
    let reads = 0;
    const cache = createPageCache(async () => (reads++, 7), { checkEveryMs: 60_000 });
    await cache.set('/a', entry('A'));
    for (let i = 0; i < 10; i++) await cache.get('/a');
    expect(reads).toBe(1);
    cache.invalidate();
    expect(await cache.get('/a')).toBeNull();
    expect(reads).toBe(2);
  });
  it('evicts the least recently used entry beyond its size', async () => {
    const cache = createPageCache(async () => 1, { maxEntries: 2, checkEveryMs: 60_000 });
    await cache.set('/a', entry('A'));
    await cache.set('/b', entry('B'));
    await cache.get('/a');
    await cache.set('/c', entry('C'));
    expect(await cache.get('/b')).toBeNull();
    expect(await cache.get('/a')).not.toBeNull();
    expect(cache.size).toBe(2);
  });
});
