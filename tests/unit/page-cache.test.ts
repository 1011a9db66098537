import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { cacheKey, cacheKeptPath, CACHE_QUERY_PARAMS, createPageCache, FUNDS_TAG, projectTag } from '../../src/lib/http/page-cache.ts';

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
  it('stays within its byte budget, evicting the least recently used entries', async () => {
    const cache = createPageCache(async () => 1, { maxBytes: 10_000, checkEveryMs: 60_000 });
    const page = (n: number) => ({ status: 200, headers: [['content-type', 'text/html']] as [string, string][], body: new Uint8Array(n) });
    for (let i = 0; i < 20; i++) {
      await cache.set(`/p${i}`, page(2_000));
      expect(cache.bytes).toBeLessThanOrEqual(10_000);
    }
    expect(cache.size).toBeLessThan(5); // 2,000 bytes each and their overhead: at most four fit
    expect(await cache.get('/p19')).not.toBeNull();
    expect(await cache.get('/p0')).toBeNull();
    await cache.set('/huge', page(6_000)); // more than half the budget: served, never kept
    expect(await cache.get('/huge')).toBeNull();
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
    await cache.set('/p19', page(100)); // replacing an entry releases its bytes
    const before = cache.bytes;
    await cache.set('/p19', page(100));
    expect(cache.bytes).toBe(before);
    cache.invalidate();
    expect(cache.bytes).toBe(0);
  });
  it('keys a page by its known query parameters only, in a fixed order', () => {
    const key = (u: string) => cacheKey('zh', false, new URL(u, 'http://x.test'));
    expect(key('/?utm_source=a&x=1')).toBe(key('/'));
    expect(key('/?year=2020&stage=3&junk=9')).toBe(key('/?stage=3&year=2020'));
    expect(key('/?stage=3')).not.toBe(key('/?stage=4'));
    expect(key('/notices?kind=plan')).not.toBe(key('/notices'));
    expect(cacheKey('en', true, new URL('http://x.test/'))).not.toBe(key('/'));
  });
  it("gives a cached page's own address without the query parameters its key drops", () => {
    expect(cacheKeptPath(new URL('http://x.test/notices?junk=%3Cx%3E&kind=plan&kind=other&utm_source=a'))).toBe('/notices?kind=plan');
    expect(cacheKeptPath(new URL('http://x.test/?x=1'))).toBe('/');
  });
  it('knows every query parameter a cacheable page reads', () => {
    // a cacheable page reading a parameter the key leaves out would serve one answer for all values
    const root = path.resolve('src/pages');
    const files: string[] = [];
    const walk = (d: string) =>
      fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name))));
    walk(root);
    const filterKeys = /parseFilters/;
    let cacheable = 0;
    for (const f of files) {
      const src = fs.readFileSync(f, 'utf8');
      if (!/cacheable = true/.test(src)) continue;
      cacheable++;
      const read = [...src.matchAll(/(?:searchParams|params)\.(?:get|has|getAll)\('([^']+)'\)/g)].map((m) => m[1]!);
      if (filterKeys.test(src)) read.push('subdistrict', 'stage', 'year', 'category');
      if (/parseCursor/.test(src)) read.push('after', 'before'); // the project list's page (src/features/projects/paging.ts)
      for (const name of read) expect(CACHE_QUERY_PARAMS, `${path.relative(root, f)} reads ?${name}`).toContain(name);
    }
    expect(cacheable).toBeGreaterThan(5);
  });
});

describe('page cache invalidation by project', () => {
  const text = async (c: ReturnType<typeof createPageCache>, key: string) => {
    const hit = await c.get(key);
    return hit && new TextDecoder().decode(hit.body);
  };
  /** A home page, two project pages and the CSV feed, cached under one instance. */
  async function filled(source: Parameters<typeof createPageCache>[0] = async () => 1) {
    const cache = createPageCache(source, { checkEveryMs: 0 });
    await cache.set('/', entry('home'));
    await cache.set('/projects/A', entry('A'), { tags: [projectTag(1)] });
    await cache.set('/api/projects/A.json', entry('A json'), { tags: [projectTag(1)] });
    await cache.set('/projects/B', entry('B'), { tags: [projectTag(2)] });
    await cache.set('/open-data/projects.csv', entry('csv'), { tags: [FUNDS_TAG] });
    return cache;
  }

  it("drops a project's own pages on a sign-up and keeps the other projects', the home page and the feeds", async () => {
    const cache = await filled();
    cache.invalidateProject(1);
    expect(await text(cache, '/projects/A')).toBeNull();
    expect(await text(cache, '/api/projects/A.json')).toBeNull();
    expect(await text(cache, '/projects/B')).toBe('B');
    expect(await text(cache, '/')).toBe('home');
    expect(await text(cache, '/open-data/projects.csv')).toBe('csv');
    expect(cache.size).toBe(3);
  });

  it('drops the money feeds too on a received donation, and still keeps the home page', async () => {
    const cache = await filled();
    cache.invalidateProject(2, { funds: true });
    expect(await text(cache, '/projects/B')).toBeNull();
    expect(await text(cache, '/open-data/projects.csv')).toBeNull();
    expect(await text(cache, '/projects/A')).toBe('A');
    expect(await text(cache, '/')).toBe('home');
  });

  it('keeps no page rendered before an invalidation of what it shows, and keeps one rendered after', async () => {
    const cache = createPageCache(async () => 1, { checkEveryMs: 0 });
    const before = cache.stamp();
    cache.invalidateProject(1); // a sign-up lands while the page renders
    await cache.set('/projects/A', entry('A, old places'), { tags: [projectTag(1)], since: before });
    expect(await cache.get('/projects/A')).toBeNull();
    await cache.set('/projects/B', entry('B'), { tags: [projectTag(2)], since: before });
    expect(await text(cache, '/projects/B')).toBe('B');
    const after = cache.stamp();
    await cache.set('/projects/A', entry('A, new places'), { tags: [projectTag(1)], since: after });
    expect(await text(cache, '/projects/A')).toBe('A, new places');
  });

  it('drops exactly the tags another instance touched in the database, and everything on a publish', async () => {
    let disclosure = 1;
    let clock = 10;
    let touched: [string, number][] = [];
    const reads: (number | null)[] = [];
    const cache = await filled({
      read: async (since) => {
        reads.push(since);
        const tags = since === null ? [] : touched.filter(([, v]) => v > since).map(([t]) => t);
        return { disclosure, clock: since === null ? clock : Math.max(since, ...touched.map(([, v]) => v)), tags };
      },
    });
    expect(reads[0]).toBeNull();
    touched = [[projectTag(2), ++clock]];
    expect(await text(cache, '/projects/B')).toBeNull();
    expect(await text(cache, '/projects/A')).toBe('A');
    expect(await text(cache, '/open-data/projects.csv')).toBe('csv');
    expect(reads.at(-1)).toBe(11); // asks only for what is newer than it has seen
    touched.push([FUNDS_TAG, ++clock]);
    expect(await text(cache, '/open-data/projects.csv')).toBeNull();
    expect(await text(cache, '/')).toBe('home');
    disclosure = 2;
    expect(await text(cache, '/')).toBeNull();
    expect(await text(cache, '/projects/A')).toBeNull();
  });
});
