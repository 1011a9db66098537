/**
 * A response cache for public pages and open data. Disclosures are read far more often
 * than written: every publish bumps the disclosure version in the database, and an entry
 * made under an older version is never served. Smaller changes invalidate by tag: a cached
 * page records the tags of what it shows (`projectTag(id)` for one project's page and JSON,
 * `FUNDS_TAG` for the feeds that total money received over all projects), and a volunteer
 * sign-up, a received donation, a comment or a pledge invalidates only its project's tags
 * (`invalidateProject`). The database keeps a version per tag (migration 0029, written by
 * triggers); both versions are read at most once per `checkEveryMs`, so other server
 * instances see a change within that time, and this one at once.
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
export const CACHE_QUERY_PARAMS = ['q', 'subdistrict', 'stage', 'year', 'category', 'kind', 'page', 'after', 'before', 'bbox', 'zoom'] as const;

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

/** The tag of the pages that show one project: its page and its JSON. */
export const projectTag = (projectId: number): string => `project:${projectId}`;
/** The tag of the pages that total money received over all projects (CSV, OC4IDS): a received donation or a paid pledge changes them. */
export const FUNDS_TAG = 'funds';

/** What an entry costs: its body, headers and key (a fixed overhead per entry for the rest). */
const sizeOf = (key: string, value: CachedResponse): number =>
  value.body.byteLength + key.length * 2 + value.headers.reduce((n, [k, v]) => n + (k.length + v.length) * 2, 0) + 200;

/**
 * What the database says, read at most once per interval: the disclosure version (a change
 * drops every entry) and the tags touched after `since` (the highest tag version this
 * instance has seen; null at the start, when only the current clock is wanted).
 */
export interface CacheVersionSource {
  read(since: number | null): Promise<{ disclosure: number; clock: number; tags: string[] }>;
}

/** A disclosure version alone (no tags), as the cache was first built. */
const versionOnly = (readVersion: () => Promise<number>): CacheVersionSource => ({
  read: async (since) => ({ disclosure: await readVersion(), clock: since ?? 0, tags: [] }),
});

export function createPageCache(
  source: CacheVersionSource | (() => Promise<number>),
  { maxEntries = 2000, maxBytes = 64 * 1024 * 1024, checkEveryMs = 1000 } = {},
) {
  const versions = typeof source === 'function' ? versionOnly(source) : source;
  // Validity is decided on a logical clock of this instance: every invalidation (of a tag,
  // or of everything) takes the next tick, and an entry stamped before a tick of one of its
  // tags is stale. The stamp is taken before the page renders, so a change that lands while
  // it renders makes it stale too.
  let tick = 0;
  let allAt = 0;
  const tagAt = new Map<string, number>();
  const entries = new Map<string, CachedResponse & { stamp: number; tags: readonly string[]; bytes: number }>();
  let bytes = 0;
  let disclosure = -1;
  let seen: number | null = null;
  let checkedAt = 0;
  let pending: Promise<void> | null = null;

  function check(): Promise<void> | void {
    if (Date.now() - checkedAt < checkEveryMs && disclosure >= 0) return;
    pending ??= versions
      .read(seen)
      .then((v) => {
        if (v.disclosure !== disclosure) {
          if (disclosure >= 0) dropAll();
          disclosure = v.disclosure;
        }
        if (seen !== null) touch(v.tags);
        seen = Math.max(seen ?? 0, v.clock);
        checkedAt = Date.now();
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  function dropAll() {
    allAt = ++tick;
    entries.clear();
    bytes = 0;
  }
  function touch(tags: readonly string[]) {
    if (tags.length === 0) return;
    const at = ++tick;
    for (const t of tags) tagAt.set(t, at);
    for (const [key, e] of entries) if (e.tags.some((t) => tags.includes(t))) remove(key);
  }
  function fresh(e: { stamp: number; tags: readonly string[] }): boolean {
    return allAt <= e.stamp && e.tags.every((t) => (tagAt.get(t) ?? 0) <= e.stamp);
  }
  function remove(key: string) {
    const old = entries.get(key);
    if (!old) return;
    entries.delete(key);
    bytes -= old.bytes;
  }

  return {
    async get(key: string): Promise<CachedResponse | null> {
      await check();
      const hit = entries.get(key);
      if (!hit) return null;
      if (!fresh(hit)) {
        remove(key);
        return null;
      }
      entries.delete(key); // keep recently used entries last
      entries.set(key, hit);
      return hit;
    },
    /** This instance's clock now: take it before rendering a page and give it to `set`. */
    stamp(): number {
      return tick;
    },
    /**
     * Keeps a response, evicting the least recently used ones beyond maxEntries or maxBytes; one larger than half the budget is not kept.
     * `tags`: what the page shows beyond the public disclosure (`projectTag(id)`, `FUNDS_TAG`); `since`: the `stamp()` taken before it
     * rendered (a response that an invalidation overtook is not kept).
     */
    async set(key: string, value: CachedResponse, { tags = [], since }: { tags?: readonly string[]; since?: number } = {}): Promise<void> {
      await check();
      const stamp = since ?? tick;
      remove(key);
      if (!fresh({ stamp, tags })) return;
      const size = sizeOf(key, value);
      if (size > maxBytes / 2) return;
      while (entries.size > 0 && (entries.size >= maxEntries || bytes + size > maxBytes)) remove(entries.keys().next().value!);
      entries.set(key, { ...value, stamp, tags: [...tags], bytes: size });
      bytes += size;
    },
    /**
     * Drops every entry of this instance at once: after a publish (the database bumps the
     * disclosure version for the other instances). For a change that shows on one project's
     * pages only, `invalidateProject` keeps the rest.
     */
    invalidate(): void {
      dropAll();
      checkedAt = 0;
    },
    /**
     * After a change that shows on one project's pages only (a volunteer task or sign-up, a
     * comment, a pledge, a received donation): drops that project's page and JSON here at once,
     * and, with `funds`, the feeds that total money received over all projects (CSV, OC4IDS);
     * every other cached page stays. Other instances learn it from the database within a
     * second: the change must touch the same tags there, by a trigger on its table (migration
     * 0029 gives volunteering and donations theirs) or by `touchProjectPages` in the command's
     * transaction (src/lib/http/page-cache-db.ts). Comments use `invalidateProject(id)`;
     * pledges `invalidateProject(id)`, and a recorded or refunded payment `{ funds: true }`.
     */
    invalidateProject(projectId: number, { funds = false }: { funds?: boolean } = {}): void {
      touch(funds ? [projectTag(projectId), FUNDS_TAG] : [projectTag(projectId)]);
    },
    /** The same for any tags. */
    invalidateTags(tags: readonly string[]): void {
      touch(tags);
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
