/**
 * A response cache for public pages and open data. Disclosures are read far more often
 * than written: every publish bumps the disclosure version in the database, and an entry
 * made under an older version is never served. The version is read at most once per
 * `checkEveryMs`, so other server instances see a publish within that time.
 */
export interface CachedResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer>;
}

/**
 * The query parameters any cacheable page or feed reads (project filters, notice filters).
 * A cache key keeps only these, in this order: `?utm=1`, `?x=<random>` or a reordered query
 * is the same page, so neither fills the cache nor passes it by. A page that reads another
 * parameter must be added here (tests/unit/page-cache.test.ts checks the cacheable pages).
 */
export const CACHE_QUERY_PARAMS = ['q', 'subdistrict', 'stage', 'year', 'category', 'kind', 'page'] as const;

/** The path and the known query parameters only, in a fixed order: what a cached page may be about. */
export function cacheKeptPath(url: URL): string {
  const kept = new URLSearchParams();
  for (const name of CACHE_QUERY_PARAMS) {
    const v = url.searchParams.get(name); // pages read the first value only
    if (v !== null) kept.set(name, v);
  }
  const query = kept.toString();
  return `${url.pathname}${query ? `?${query}` : ''}`;
}

/** The cache key of a request: language, elder mode, path and the known query parameters only. */
export function cacheKey(lang: string, elder: boolean, url: URL): string {
  return `${lang}|${elder ? 1 : 0}|${cacheKeptPath(url)}`;
}

/** What an entry costs: its body, headers and key (a fixed overhead per entry for the rest). */
const sizeOf = (key: string, value: CachedResponse): number =>
  value.body.byteLength + key.length * 2 + value.headers.reduce((n, [k, v]) => n + (k.length + v.length) * 2, 0) + 200;

export function createPageCache(readVersion: () => Promise<number>, { maxEntries = 2000, maxBytes = 64 * 1024 * 1024, checkEveryMs = 1000 } = {}) {
  const entries = new Map<string, CachedResponse & { version: number; bytes: number }>();
  let bytes = 0;
  let version = -1;
  let checkedAt = 0;
  let pending: Promise<number> | null = null;

  async function currentVersion(): Promise<number> {
    const now = Date.now();
    if (now - checkedAt < checkEveryMs && version >= 0) return version;
    pending ??= readVersion()
      .then((v) => {
        if (v !== version) clear();
        version = v;
        checkedAt = Date.now();
        return v;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  function clear() {
    entries.clear();
    bytes = 0;
  }
  function remove(key: string) {
    const old = entries.get(key);
    if (!old) return;
    entries.delete(key);
    bytes -= old.bytes;
  }

  return {
    async get(key: string): Promise<CachedResponse | null> {
      const v = await currentVersion();
      const hit = entries.get(key);
      if (!hit || hit.version !== v) return null;
      entries.delete(key); // keep recently used entries last
      entries.set(key, hit);
      return hit;
    },
    /** Keeps a response, evicting the least recently used ones beyond maxEntries or maxBytes; one larger than half the budget is not kept. */
    async set(key: string, value: CachedResponse): Promise<void> {
      const v = await currentVersion();
      const size = sizeOf(key, value);
      remove(key);
      if (size > maxBytes / 2) return;
      while (entries.size > 0 && (entries.size >= maxEntries || bytes + size > maxBytes)) remove(entries.keys().next().value!);
      entries.set(key, { ...value, version: v, bytes: size });
      bytes += size;
    },
    /** Called by this instance after it publishes: no wait for the next check. */
    invalidate(): void {
      clear();
      checkedAt = 0;
    },
    get size() {
      return entries.size;
    },
    /** Bytes held (bodies, headers, keys), never above maxBytes. */
    get bytes() {
      return bytes;
    },
  };
}
